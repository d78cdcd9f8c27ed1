/** A tensor's element type; `bool` holds 0/1 in a Uint8Array. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
/** The typed arrays that hold floating-point tensors. */
export type FloatArray = Float32Array | Float64Array;
/** The typed arrays that hold a tensor's elements, one per DType (Uint8Array for bool). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Every dtype, in promotion order. */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

/** Whether `value` names a dtype. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** Whether `value` is one of the typed arrays a tensor can hold (the test op.ts's typed-function 'TypedArray' type can use). */
export function isTypedArray(value: unknown): value is TypedArray {
  return value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint8Array;
}

/** The error text for a dtype name that is not one: `${op}: unknown dtype "x" (expected bool, int32, float32 or float64)`. */
export function unknownDTypeMessage(op: string, value: unknown): string {
  return `${op}: unknown dtype ${JSON.stringify(value)} (expected ${DTYPES.slice(0, -1).join(', ')} or ${DTYPES[DTYPES.length - 1]})`;
}

/** A zero-filled array; each constructor has its own call site, so every op's allocation stays monomorphic. */
export function allocate(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'bool':
      return new Uint8Array(length);
  }
  throw new TypeError(unknownDTypeMessage('allocate', dtype));
}

/** The dtype a typed array holds (a Uint8Array is a bool tensor's storage). */
export function dtypeOfArray(array: TypedArray): DType {
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  if (array instanceof Uint8Array) return 'bool';
  return 'float32';
}

/** float32 and float64: the dtypes that can require gradients. */
export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** torch.result_type's categories: bool < integer < floating. */
function category(dtype: DType): number {
  return dtype === 'bool' ? 0 : dtype === 'int32' ? 1 : 2;
}

/** PyTorch's promotion for the dtypes we have: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * torch.result_type for two tensors: a 0-d tensor only decides the dtype when it is of a higher category
 * (bool < int < float) than the dimensioned one, so float32 [n] with a 0-d float64 stays float32, int32 [n] with a 0-d
 * float64 becomes float64, bool [n] with a 0-d int32 becomes int32. Two 0-d (or two dimensioned) tensors promote as
 * promoteTypes. JS numbers are turned into 0-d tensors before this (scalarLike in ops/arithmetic.ts), as PyTorch's
 * wrapped numbers.
 */
export function resultType(a: { dtype: DType; ndim: number }, b: { dtype: DType; ndim: number }): DType {
  if ((a.ndim === 0) === (b.ndim === 0)) return promoteTypes(a.dtype, b.dtype);
  const [dim, zero] = a.ndim === 0 ? [b.dtype, a.dtype] : [a.dtype, b.dtype];
  return category(zero) > category(dim) ? promoteTypes(dim, zero) : dim;
}

const INT32_LIMIT = 2 ** 31;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Throws PyTorch's error for a number a creation or fill call cannot store as `dtype`: one outside int32's range (NaN
 * and ±Infinity too), a finite one past float32's largest value (±Infinity is stored as such). Fractions stored as int32
 * truncate toward zero, as PyTorch; any number stored as bool is true when nonzero (NaN too).
 */
export function checkValueFits(op: string, value: number, dtype: DType): void {
  const fits =
    dtype === 'int32'
      ? value >= -INT32_LIMIT && value <= INT32_LIMIT - 1
      : dtype !== 'float32' || !Number.isFinite(value) || Math.abs(value) <= FLOAT32_MAX;
  if (!fits) throw new RangeError(`${op}: value ${value} cannot be converted to type ${dtype} without overflow`);
}

/** How a number is stored as `dtype`: bool stores nonzero (NaN included) as 1, as PyTorch's cast; others as they are. */
export function storedValue(value: number, dtype: DType): number {
  return dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;
}

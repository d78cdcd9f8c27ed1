/** A tensor's element type. */
export type DType = 'float32' | 'float64' | 'int32';
/** The typed arrays that hold floating-point tensors. */
export type FloatArray = Float32Array | Float64Array;
/** The typed arrays that hold a tensor's elements, one per DType. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
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
  }
  throw new TypeError(`allocate: unknown dtype ${JSON.stringify(dtype)} (expected ${DTYPES.join(', ')})`);
}

export function dtypeOfArray(array: TypedArray): DType {
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  return 'float32';
}

export function isFloating(dtype: DType): boolean {
  return dtype !== 'int32';
}

const RANK: Record<DType, number> = { int32: 0, float32: 1, float64: 2 };

/** PyTorch's promotion for the dtypes we have: int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * torch.result_type for two tensors: a 0-d tensor only decides the dtype when it is of a higher category
 * (int < float) than the dimensioned one, so float32 [n] with a 0-d float64 stays float32, int32 [n] with a 0-d
 * float64 becomes float64. Two 0-d (or two dimensioned) tensors promote as promoteTypes. JS numbers are turned into
 * 0-d tensors of the other operand's dtype before this (scalarLike in ops/arithmetic.ts), as PyTorch's wrapped numbers.
 */
export function resultType(a: { dtype: DType; ndim: number }, b: { dtype: DType; ndim: number }): DType {
  if ((a.ndim === 0) === (b.ndim === 0)) return promoteTypes(a.dtype, b.dtype);
  const [dim, zero] = a.ndim === 0 ? [b.dtype, a.dtype] : [a.dtype, b.dtype];
  return isFloating(dim) || !isFloating(zero) ? dim : promoteTypes(dim, zero);
}

const INT32_LIMIT = 2 ** 31;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Throws PyTorch's error for a number a creation or fill call cannot store as `dtype`: one outside int32's range (NaN
 * and ±Infinity too), a finite one past float32's largest value (±Infinity is stored as such). Fractions stored as int32 truncate toward zero, as PyTorch.
 */
export function checkValueFits(op: string, value: number, dtype: DType): void {
  const fits =
    dtype === 'int32'
      ? value >= -INT32_LIMIT && value <= INT32_LIMIT - 1
      : dtype !== 'float32' || !Number.isFinite(value) || Math.abs(value) <= FLOAT32_MAX;
  if (!fits) throw new RangeError(`${op}: value ${value} cannot be converted to type ${dtype} without overflow`);
}

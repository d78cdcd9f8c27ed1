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

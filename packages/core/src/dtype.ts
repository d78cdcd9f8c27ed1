export type DType = 'float32' | 'float64' | 'int32';
export type FloatArray = Float32Array | Float64Array;
export type TypedArray = Float32Array | Float64Array | Int32Array;

const ARRAY_TYPES = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export function allocate(dtype: DType, length: number): TypedArray {
  return new ARRAY_TYPES[dtype](length);
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

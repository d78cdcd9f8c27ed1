// SIMD helpers shared by the product kernels of the gemm module (gemm.ts, conv-implicit.ts).

/** One T loaded from p and copied into every lane. */
// @ts-ignore: decorator
@inline
export function broadcast<T>(p: usize): v128 {
  return sizeof<T>() == 4 ? v128.load32_splat(p) : v128.load64_splat(p);
}

/**
 * c + a·b lane-wise: a fused multiply-add (f32x4/f64x2.relaxed_madd) in the build with relaxed SIMD (gemm-relaxed.asconfig.json;
 * the loader picks it where the engine validates it), else a multiply and an add, each rounded.
 */
// @ts-ignore: decorator
@inline
export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return sizeof<T>() == 4 ? f32x4.relaxed_madd(a, b, c) : f64x2.relaxed_madd(a, b, c);
  return v128.add<T>(c, v128.mul<T>(a, b));
}

/**
 * Depth of one block of a product's sum: each element sums KC products, then adds that onto what earlier blocks
 * stored. gemm.ts packs in blocks of this depth; conv-implicit.ts sums in the same blocks so its outputs have the gemm's bits.
 */
export const KC: i32 = 256;

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
 * Stores the transpose of the f32 4×4 block whose rows are x0..x3 as four f32x4 at dst, dst + stride, ... :
 * out[k] = (x0[k], x1[k], x2[k], x3[k]).
 */
// @ts-ignore: decorator
@inline
export function storeTransposed4x4(x0: v128, x1: v128, x2: v128, x3: v128, dst: usize, stride: usize): void {
  const t0 = f32x4.shuffle(x0, x1, 0, 4, 1, 5); // x0[0] x1[0] x0[1] x1[1]
  const t1 = f32x4.shuffle(x0, x1, 2, 6, 3, 7); // x0[2] x1[2] x0[3] x1[3]
  const t2 = f32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(x2, x3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + stride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

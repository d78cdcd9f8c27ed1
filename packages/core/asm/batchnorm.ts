// Batch normalisation kernels for f32 data with f64 statistics, WebAssembly SIMD (compiled into the convpool module;
// the caller, src/kernels/wasm/batchnorm.ts, copies the tensors in and out). x is [N, C, S]: channel c's values are the
// N runs of S at (n·C + c)·S. Every per-element formula is computed in f64 as src/kernels/batchnorm.ts computes it
// (f32 promoted, f64 multiplies and adds, one rounding to f32 on store: wasm SIMD has no fused multiply-add), so the
// elementwise results have its bits; the sums run in four f64 lanes instead of one, so their last bits may differ.

/** The four f32 at p promoted to f64: the low pair and the high pair. */
// @ts-ignore: decorator
@inline
function lowPair(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
// @ts-ignore: decorator
@inline
function highPair(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** Two f64x2 rounded to f32 and packed into one f32x4 (lo's two values first). */
// @ts-ignore: decorator
@inline
function demotePairs(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

// @ts-ignore: decorator
@inline
function laneSum(a: v128, b: v128): f64 {
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Per channel: mean[c] and the biased variance[c] (divisor N·S), f64 at byte addresses, in two passes for accuracy. */
export function batchNormStatsF32(x: usize, N: i32, C: i32, S: i32, mean: usize, variance: usize): void {
  const count = <f64>N * <f64>S;
  for (let c = 0; c < C; c++) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let tail: f64 = 0;
    for (let n = 0; n < N; n++) {
      const row = x + (<usize>((n * C + c) * S) << 2);
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const v = v128.load(row + (<usize>i << 2));
        a0 = f64x2.add(a0, lowPair(v));
        a1 = f64x2.add(a1, highPair(v));
      }
      for (; i < S; i++) tail += <f64>load<f32>(row + (<usize>i << 2));
    }
    const m = (laneSum(a0, a1) + tail) / count;
    const mv = f64x2.splat(m);
    let q0 = f64x2.splat(0);
    let q1 = f64x2.splat(0);
    let qTail: f64 = 0;
    for (let n = 0; n < N; n++) {
      const row = x + (<usize>((n * C + c) * S) << 2);
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const v = v128.load(row + (<usize>i << 2));
        const d0 = f64x2.sub(lowPair(v), mv);
        const d1 = f64x2.sub(highPair(v), mv);
        q0 = f64x2.add(q0, f64x2.mul(d0, d0));
        q1 = f64x2.add(q1, f64x2.mul(d1, d1));
      }
      for (; i < S; i++) {
        const d = <f64>load<f32>(row + (<usize>i << 2)) - m;
        qTail += d * d;
      }
    }
    store<f64>(mean + (<usize>c << 3), m);
    store<f64>(variance + (<usize>c << 3), (laneSum(q0, q1) + qTail) / count);
  }
}

/** y = x·scale[c] + shift[c] (f64 coefficients at byte addresses), rounded to f32. */
export function batchNormForwardF32(x: usize, N: i32, C: i32, S: i32, scale: usize, shift: usize, y: usize): void {
  for (let c = 0; c < C; c++) {
    const sc = load<f64>(scale + (<usize>c << 3));
    const sh = load<f64>(shift + (<usize>c << 3));
    const scv = f64x2.splat(sc);
    const shv = f64x2.splat(sh);
    for (let n = 0; n < N; n++) {
      const at = <usize>((n * C + c) * S) << 2;
      const src = x + at;
      const dst = y + at;
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const v = v128.load(src + (<usize>i << 2));
        const lo = f64x2.add(f64x2.mul(lowPair(v), scv), shv);
        const hi = f64x2.add(f64x2.mul(highPair(v), scv), shv);
        v128.store(dst + (<usize>i << 2), demotePairs(lo, hi));
      }
      for (; i < S; i++) store<f32>(dst + (<usize>i << 2), <f32>(<f64>load<f32>(src + (<usize>i << 2)) * sc + sh));
    }
  }
}

/** Per channel: sumDy[c] = Σ dy and sumDyXhat[c] = Σ dy·(x - mean[c]) · invStd[c], f64 at byte addresses. */
export function batchNormGradSumsF32(
  x: usize, dy: usize, N: i32, C: i32, S: i32, mean: usize, invStd: usize, sumDy: usize, sumDyXhat: usize,
): void {
  for (let c = 0; c < C; c++) {
    const m = load<f64>(mean + (<usize>c << 3));
    const mv = f64x2.splat(m);
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let p0 = f64x2.splat(0);
    let p1 = f64x2.splat(0);
    let sTail: f64 = 0;
    let pTail: f64 = 0;
    for (let n = 0; n < N; n++) {
      const at = <usize>((n * C + c) * S) << 2;
      let i = 0;
      for (; i + 4 <= S; i += 4) {
        const g = v128.load(dy + at + (<usize>i << 2));
        const v = v128.load(x + at + (<usize>i << 2));
        const g0 = lowPair(g);
        const g1 = highPair(g);
        s0 = f64x2.add(s0, g0);
        s1 = f64x2.add(s1, g1);
        p0 = f64x2.add(p0, f64x2.mul(g0, f64x2.sub(lowPair(v), mv)));
        p1 = f64x2.add(p1, f64x2.mul(g1, f64x2.sub(highPair(v), mv)));
      }
      for (; i < S; i++) {
        const g = <f64>load<f32>(dy + at + (<usize>i << 2));
        sTail += g;
        pTail += g * (<f64>load<f32>(x + at + (<usize>i << 2)) - m);
      }
    }
    store<f64>(sumDy + (<usize>c << 3), laneSum(s0, s1) + sTail);
    store<f64>(sumDyXhat + (<usize>c << 3), (laneSum(p0, p1) + pTail) * load<f64>(invStd + (<usize>c << 3)));
  }
}

/**
 * dx of batch normalisation from the per-channel coefficients at `coef` (five f64 per channel: mean, invStd,
 * k = invStd·weight, mean of dy, mean of dy·xhat): dx = k·(dy - meanDy - xhat·meanDyXhat), xhat = (x - mean)·invStd,
 * with batch statistics; dx = dy·k with fixed ones (batchStats 0).
 */
export function batchNormInputGradF32(x: usize, dy: usize, N: i32, C: i32, S: i32, coef: usize, batchStats: i32, dx: usize): void {
  for (let c = 0; c < C; c++) {
    const at = coef + (<usize>(c * 5) << 3);
    const m = load<f64>(at);
    const is = load<f64>(at, 8);
    const k = load<f64>(at, 16);
    const meanDy = load<f64>(at, 24);
    const meanDyXhat = load<f64>(at, 32);
    const mv = f64x2.splat(m), isv = f64x2.splat(is), kv = f64x2.splat(k);
    const mdv = f64x2.splat(meanDy), mxv = f64x2.splat(meanDyXhat);
    for (let n = 0; n < N; n++) {
      const row = <usize>((n * C + c) * S) << 2;
      let i = 0;
      if (batchStats == 0) {
        for (; i + 4 <= S; i += 4) {
          const g = v128.load(dy + row + (<usize>i << 2));
          v128.store(dx + row + (<usize>i << 2), demotePairs(f64x2.mul(lowPair(g), kv), f64x2.mul(highPair(g), kv)));
        }
        for (; i < S; i++) store<f32>(dx + row + (<usize>i << 2), <f32>(<f64>load<f32>(dy + row + (<usize>i << 2)) * k));
        continue;
      }
      for (; i + 4 <= S; i += 4) {
        const g = v128.load(dy + row + (<usize>i << 2));
        const v = v128.load(x + row + (<usize>i << 2));
        const xh0 = f64x2.mul(f64x2.sub(lowPair(v), mv), isv);
        const xh1 = f64x2.mul(f64x2.sub(highPair(v), mv), isv);
        const lo = f64x2.mul(kv, f64x2.sub(f64x2.sub(lowPair(g), mdv), f64x2.mul(xh0, mxv)));
        const hi = f64x2.mul(kv, f64x2.sub(f64x2.sub(highPair(g), mdv), f64x2.mul(xh1, mxv)));
        v128.store(dx + row + (<usize>i << 2), demotePairs(lo, hi));
      }
      for (; i < S; i++) {
        const xhat = (<f64>load<f32>(x + row + (<usize>i << 2)) - m) * is;
        store<f32>(dx + row + (<usize>i << 2), <f32>(k * (<f64>load<f32>(dy + row + (<usize>i << 2)) - meanDy - xhat * meanDyXhat)));
      }
    }
  }
}

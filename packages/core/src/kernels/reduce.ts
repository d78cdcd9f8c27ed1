import type { TypedArray } from '../dtype.js';

/**
 * Reductions along one axis of a tensor seen as [outer, n, inner] (row-major); results go to out[outer * inner].
 * Multi-axis reductions are repeated single-axis ones.
 */

export function sumAxis(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * n;
      for (let k = 0; k < n; k++) s += x[base + k];
      out[o] = s;
    }
    return;
  }
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let k = 0; k < n; k++) {
      const xb = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) out[ob + i] += x[xb + i];
    }
  }
}

/** Max (or min with sign -1) along the axis, and the index of its first occurrence; NaN wins, as in PyTorch. */
export function extremumAxis(
  x: TypedArray,
  outer: number,
  n: number,
  inner: number,
  sign: 1 | -1,
  values: TypedArray | null,
  indices: Int32Array | null,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base];
      let bestK = 0;
      if (best === best) {
        for (let k = 1; k < n; k++) {
          const v = x[base + k * inner];
          if (v !== v) {
            best = v;
            bestK = k;
            break;
          }
          if (sign * v > sign * best) {
            best = v;
            bestK = k;
          }
        }
      }
      if (values) values[o * inner + i] = best;
      if (indices) indices[o * inner + i] = bestK;
    }
  }
}

/** Splits a shape around `dim` into the [outer, n, inner] view the axis kernels use. */
export function axisView(shape: readonly number[], dim: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < dim; i++) outer *= shape[i];
  for (let i = dim + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[dim] ?? 1, inner];
}

/** out[o, i] = x[o, indices[o, i], i]: the values at the chosen positions along the axis. */
export function gatherAxis(x: TypedArray, indices: Int32Array, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    const xb = o * n * inner;
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[ob + i] = x[xb + indices[ob + i] * inner + i];
  }
}

/** out[o, indices[o, i], i] += g[o, i] (out holds [outer, n, inner]): the gradient of gatherAxis. */
export function scatterAddAxis(g: TypedArray, indices: Int32Array, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    const xb = o * n * inner;
    const ob = o * inner;
    for (let i = 0; i < inner; i++) out[xb + indices[ob + i] * inner + i] += g[ob + i];
  }
}

/**
 * log(sum(exp(x))) along the axis, shifted by the maximum so large values do not overflow. An infinite maximum is
 * not subtracted (inf - inf would be NaN), as in PyTorch: the result is then that infinity.
 */
export function logSumExpAxis(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const max = rowMax(x, base, n, inner);
      const m = max === Infinity || max === -Infinity ? 0 : max;
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
      out[o * inner + i] = m + Math.log(s);
    }
  }
}

/*
 * Softmax along an axis: exp(x - max) / sum, the maximum subtracted so large logits neither overflow nor underflow
 * to 0/0. A row holding NaN gives NaN, as in PyTorch.
 */

export function softmaxAxis(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const m = rowMax(x, base, n, inner);
      let s = 0;
      for (let k = 0; k < n; k++) {
        const e = Math.exp(x[base + k * inner] - m);
        out[base + k * inner] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let k = 0; k < n; k++) out[base + k * inner] *= inv;
    }
  }
}

/** x - max - log(sum(exp(x - max))) along the axis. */
export function logSoftmaxAxis(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const m = rowMax(x, base, n, inner);
      let s = 0;
      for (let k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
      // (x - m) - log s, not x - (m + log s): far from 0 (logits near -1e4) m + log s drops log s's low bits
      const logS = Math.log(s);
      for (let k = 0; k < n; k++) out[base + k * inner] = x[base + k * inner] - m - logS;
    }
  }
}

/** Gradient of softmax from its output y: y * (g - sum(g * y)) along the axis. */
export function softmaxBackwardAxis(y: TypedArray, g: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let dot = 0;
      for (let k = 0; k < n; k++) dot += g[base + k * inner] * y[base + k * inner];
      for (let k = 0; k < n; k++) {
        const j = base + k * inner;
        out[j] = y[j] * (g[j] - dot);
      }
    }
  }
}

/** Gradient of logSoftmax from its output y: g - exp(y) * sum(g) along the axis. */
export function logSoftmaxBackwardAxis(y: TypedArray, g: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      for (let k = 0; k < n; k++) s += g[base + k * inner];
      for (let k = 0; k < n; k++) {
        const j = base + k * inner;
        out[j] = g[j] - Math.exp(y[j]) * s;
      }
    }
  }
}

/** The largest of n values starting at base, inner apart (NaNs are skipped here; callers' exp/log propagate them). */
function rowMax(x: TypedArray, base: number, n: number, inner: number): number {
  let m = -Infinity;
  for (let k = 0; k < n; k++) {
    const v = x[base + k * inner];
    if (v > m) m = v;
  }
  return m;
}

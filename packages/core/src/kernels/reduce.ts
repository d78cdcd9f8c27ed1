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

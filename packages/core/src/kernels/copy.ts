import type { TypedArray } from '../dtype.js';

/**
 * Indexed copies along one axis, and their adjoints (which add, so repeated indices accumulate).
 * Indices are assumed in range: the ops check them before calling.
 */

/**
 * torch.gather: out has the index's shape; out[idx] = src[idx with idx[dim] replaced by index[idx]].
 * The index may be smaller than src in every dimension. Both shapes have the same (non-zero) rank.
 */
export function gatherAxis(
  src: TypedArray,
  srcShape: readonly number[],
  dim: number,
  index: Int32Array,
  indexShape: readonly number[],
  out: TypedArray,
): void {
  walkAxis(srcShape, dim, index, indexShape, src, out, false);
}

/** The adjoint of gatherAxis: out[idx with idx[dim] replaced by index[idx]] += grad[idx]. */
export function scatterAddAxis(
  grad: TypedArray,
  indexShape: readonly number[],
  dim: number,
  index: Int32Array,
  out: TypedArray,
  outShape: readonly number[],
): void {
  walkAxis(outShape, dim, index, indexShape, out, grad, true);
}

/**
 * Walks the index positions; `big` is the tensor addressed through the index (of bigShape), `small` is laid out
 * like the index. Gathers big into small, or scatter-adds small into big.
 */
function walkAxis(
  bigShape: readonly number[],
  dim: number,
  index: Int32Array,
  indexShape: readonly number[],
  big: TypedArray,
  small: TypedArray,
  scatter: boolean,
): void {
  const nd = indexShape.length;
  const n = index.length;
  if (n === 0) return;
  const bigStrides = new Array<number>(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    bigStrides[d] = s;
    s *= bigShape[d];
  }
  const axisStride = bigStrides[dim];
  // The odometer moves along every dimension but dim; the index supplies the position along dim.
  const walk = bigStrides.slice();
  walk[dim] = 0;
  const inner = indexShape[nd - 1];
  const ws = walk[nd - 1];
  const rows = n / inner;
  const idx = new Array<number>(nd).fill(0);
  let base = 0;
  for (let r = 0; r < rows; r++) {
    const p0 = r * inner;
    if (scatter) {
      for (let i = 0; i < inner; i++) big[base + i * ws + index[p0 + i] * axisStride] += small[p0 + i];
    } else {
      for (let i = 0; i < inner; i++) small[p0 + i] = big[base + i * ws + index[p0 + i] * axisStride];
    }
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      base += walk[d];
      if (idx[d] < indexShape[d]) break;
      base -= walk[d] * indexShape[d];
      idx[d] = 0;
    }
  }
}

/**
 * torch.index_select on src seen as [outer, n, inner]: out [outer, index.length, inner] takes slice index[j]
 * of the middle axis as its slice j.
 */
export function indexSelectAxis(src: TypedArray, outer: number, n: number, inner: number, index: Int32Array, out: TypedArray): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * n + index[j]) * inner;
      const to = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] = src[from + i];
    }
  }
}

/** The adjoint of indexSelectAxis: out [outer, n, inner] += grad [outer, index.length, inner] at the indexed slices. */
export function indexAddAxis(grad: TypedArray, outer: number, n: number, inner: number, index: Int32Array, out: TypedArray): void {
  const m = index.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const to = (o * n + index[j]) * inner;
      const from = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[to + i] += grad[from + i];
    }
  }
}

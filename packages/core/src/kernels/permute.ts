import type { TypedArray } from '../dtype.js';

/**
 * Copies a strided window of `src` into a strided window of `dst`, both of `shape`: the element at multi-index
 * idx goes from src[srcOffset + Σ idx·srcStrides] to dst[dstOffset + Σ idx·dstStrides]. This one loop serves
 * permute (strides reordered), slicing (strides scaled by the step), padding and concatenation (offsets).
 * The walk goes row by row over the last dimension with an odometer over the others, like broadcastTo.
 */
export function stridedCopy(
  shape: readonly number[],
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides: readonly number[],
): void {
  const nd = shape.length;
  let n = 1;
  for (let d = 0; d < nd; d++) n *= shape[d];
  if (n === 0) return;
  if (nd === 0) {
    dst[dstOffset] = src[srcOffset];
    return;
  }
  const inner = shape[nd - 1];
  const ss = srcStrides[nd - 1];
  const ds = dstStrides[nd - 1];
  const rows = n / inner;
  const idx = new Array<number>(nd).fill(0);
  let is = srcOffset;
  let id = dstOffset;
  for (let r = 0; r < rows; r++) {
    if (ss === 1 && ds === 1) {
      for (let i = 0; i < inner; i++) dst[id + i] = src[is + i];
    } else {
      for (let i = 0; i < inner; i++) dst[id + i * ds] = src[is + i * ss];
    }
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      is += srcStrides[d];
      id += dstStrides[d];
      if (idx[d] < shape[d]) break;
      is -= srcStrides[d] * shape[d];
      id -= dstStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/**
 * Writes the contiguous row-major `src` of `shape` with its dimensions reordered by `dims` into `out`
 * (out dimension i is src dimension dims[i]). Reads are strided, writes are sequential.
 */
export function permuteCopy(src: TypedArray, shape: readonly number[], dims: readonly number[], out: TypedArray): void {
  const nd = shape.length;
  const srcStrides = new Array<number>(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) {
    srcStrides[d] = s;
    s *= shape[d];
  }
  const outShape = new Array<number>(nd);
  const readStrides = new Array<number>(nd);
  for (let i = 0; i < nd; i++) {
    outShape[i] = shape[dims[i]];
    readStrides[i] = srcStrides[dims[i]];
  }
  const outStrides = new Array<number>(nd);
  s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    outStrides[i] = s;
    s *= outShape[i];
  }
  stridedCopy(outShape, src, 0, readStrides, out, 0, outStrides);
}

// Plain loops for index ranges, masks and permutations over typed arrays (no Tensor): flip, roll, triu/tril,
// oneHot and randperm build their index tensors and masks here.
import type { TypedArray } from '../dtype.js';

/** out[i] = (start + i·step) mod n, in [0, n): reversed with (n - 1, -1), rotated by s with (-s, 1). */
export function cyclicRangeLoop(out: Int32Array, start: number, step: number): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = (((start + i * step) % n) + n) % n;
}

/** out[r, c] = 1 on and above (upper) or on and below (lower) the diagonal `diagonal`, else 0. */
export function triangleMaskLoop(out: TypedArray, rows: number, cols: number, diagonal: number, upper: boolean): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = (upper ? c - r >= diagonal : c - r <= diagonal) ? 1 : 0;
  }
}

/** out[i, indices[i]] = 1 for out of [indices.length, classes], zero-filled before. */
export function oneHotLoop(out: Int32Array, indices: Int32Array, classes: number): void {
  for (let i = 0; i < indices.length; i++) out[i * classes + indices[i]] = 1;
}

/** The largest element (-Infinity when empty). */
export function maxLoop(values: TypedArray): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/** A uniformly random permutation of 0..n-1 into out (Fisher-Yates, drawing from `random` in [0, 1)). */
export function randpermLoop(out: TypedArray, random: () => number): void {
  const n = out.length;
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
}

/** The flat positions where mask is nonzero, in order, into out (sized by countNonzeroLoop). */
export function nonzeroLoop(mask: TypedArray, out: Int32Array): void {
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) out[k++] = i;
}

export function countNonzeroLoop(mask: TypedArray): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

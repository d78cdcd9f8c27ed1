import type { TypedArray } from '../dtype.js';

// Plain loops for the sequence ops (issue 15): index ranges (convTranspose2d's kernel flip) and causal masks.

/** out[i] = start + i·step. */
export function fillRange(out: TypedArray, start: number, step: number): void {
  for (let i = 0; i < out.length; i++) out[i] = start + i * step;
}

/** out as [rows, cols] row-major: 1 where row >= col (query i sees keys 0..i), else 0. */
export function fillLowerTriangle(out: TypedArray, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) out[i * cols + j] = j <= i ? 1 : 0;
  }
}

import type { TypedArray } from '../dtype.js';
import { type UnaryLoop, erf } from './unary.js';

/**
 * The loops behind issue 13's elementwise math (trigonometric, hyperbolic, logarithmic and rounding functions, erf),
 * its binary functions (atan2, hypot, logaddexp, xlogy), cumulative sums and products, and sorting along an axis.
 * Each unary op has its own loop, as in kernels/unary.ts, so none goes through a per-element callback.
 */

export const sinLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.sin(x[i]); };
export const cosLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.cos(x[i]); };
export const tanLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.tan(x[i]); };
export const asinLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.asin(x[i]); };
export const acosLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.acos(x[i]); };
export const atanLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.atan(x[i]); };
export const sinhLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.sinh(x[i]); };
export const coshLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.cosh(x[i]); };
export const asinhLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.asinh(x[i]); };
export const acoshLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.acosh(x[i]); };
export const atanhLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.atanh(x[i]); };
export const log1pLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.log1p(x[i]); };
export const expm1Loop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.expm1(x[i]); };
export const log2Loop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.log2(x[i]); };
export const log10Loop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.log10(x[i]); };
export const exp2Loop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = 2 ** x[i]; };
export const rsqrtLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = 1 / Math.sqrt(x[i]); };
export const erfLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = erf(x[i]); };
export const floorLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.floor(x[i]); };
export const ceilLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.ceil(x[i]); };

/** -1, 0 or 1; written as PyTorch's (0 < x) - (x < 0), so -0 gives +0 and NaN gives 0. */
export const signLoop: UnaryLoop = (x, y) => {
  for (let i = 0; i < y.length; i++) {
    const v = x[i];
    y[i] = (v > 0 ? 1 : 0) - (v < 0 ? 1 : 0);
  }
};

/** The nearest integer, halves to the even one (C's nearbyint, which PyTorch's round uses); -0 and NaN kept. */
function roundHalfEven(v: number): number {
  const r = Math.round(v); // halves go up (toward +Infinity)
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * x rounded to `decimals` decimal places, halves to even, as torch.round(x, decimals=...): scaled by 10^decimals,
 * rounded and scaled back (for negative decimals, divided by 10^-decimals and multiplied back).
 */
export function roundLoop(x: TypedArray, decimals: number, y: TypedArray): void {
  if (decimals === 0) {
    for (let i = 0; i < y.length; i++) y[i] = roundHalfEven(x[i]);
  } else if (decimals > 0) {
    const scale = 10 ** decimals;
    for (let i = 0; i < y.length; i++) y[i] = roundHalfEven(x[i] * scale) / scale;
  } else {
    const scale = 10 ** -decimals;
    for (let i = 0; i < y.length; i++) y[i] = roundHalfEven(x[i] / scale) * scale;
  }
}

/** atan2(a, b), the angle of the point (b, a), elementwise over arrays of one length. */
export function atan2Loop(a: TypedArray, b: TypedArray, y: TypedArray): void {
  for (let i = 0; i < y.length; i++) y[i] = Math.atan2(a[i], b[i]);
}

/** √(a² + b²) without overflow or underflow in the squares (Math.hypot scales). */
export function hypotLoop(a: TypedArray, b: TypedArray, y: TypedArray): void {
  for (let i = 0; i < y.length; i++) y[i] = Math.hypot(a[i], b[i]);
}

/** log(e^a + e^b) as max + log1p(e^-|a-b|); equal infinities give that infinity, as PyTorch (not ∞ - ∞ = NaN). */
export function logaddexpLoop(a: TypedArray, b: TypedArray, y: TypedArray): void {
  for (let i = 0; i < y.length; i++) {
    const u = a[i];
    const v = b[i];
    if (u === v && !Number.isFinite(u)) y[i] = u;
    else y[i] = Math.max(u, v) + Math.log1p(Math.exp(-Math.abs(u - v)));
  }
}

/** a·log(b), 0 where a = 0 unless b is NaN, as torch.xlogy. */
export function xlogyLoop(a: TypedArray, b: TypedArray, y: TypedArray): void {
  for (let i = 0; i < y.length; i++) {
    const u = a[i];
    const v = b[i];
    y[i] = v !== v ? NaN : u === 0 ? 0 : u * Math.log(v);
  }
}

/** Running sums along the axis of x seen as [outer, n, inner] (row-major). */
export function cumsumAxis(x: TypedArray, outer: number, n: number, inner: number, y: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let k = 0, p = o * n * inner + i; k < n; k++, p += inner) {
        acc += x[p];
        y[p] = acc;
      }
    }
  }
}

/** Running products along the axis of x seen as [outer, n, inner]. */
export function cumprodAxis(x: TypedArray, outer: number, n: number, inner: number, y: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 1;
      for (let k = 0, p = o * n * inner + i; k < n; k++, p += inner) {
        acc *= x[p];
        y[p] = acc;
      }
    }
  }
}

/**
 * For each line along the axis of x seen as [outer, n, inner], the positions 0..n-1 in sorted order, written to
 * `indices` (shaped like x). Stable (equal values keep their order); NaN sorts above +Infinity, as in PyTorch, so it
 * comes last ascending and first descending.
 */
export function argsortAxis(x: TypedArray, outer: number, n: number, inner: number, descending: boolean, indices: Int32Array): void {
  const line = new Float64Array(n);
  const order = Array.from({ length: n }, (_, k) => k);
  const ascending = (p: number, q: number): number => {
    const u = line[p];
    const v = line[q];
    if (u < v) return -1;
    if (u > v) return 1;
    const uNaN = u !== u;
    const vNaN = v !== v;
    return uNaN === vNaN ? 0 : uNaN ? 1 : -1;
  };
  // Array.prototype.sort is stable; ties compare 0 in both directions, so they keep their order either way
  const compare = descending ? (p: number, q: number) => ascending(q, p) : ascending;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      for (let k = 0; k < n; k++) {
        line[k] = x[base + k * inner];
        order[k] = k;
      }
      order.sort(compare);
      for (let k = 0; k < n; k++) indices[base + k * inner] = order[k];
    }
  }
}

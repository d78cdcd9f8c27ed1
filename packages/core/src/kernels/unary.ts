import type { TypedArray } from '../dtype.js';
import { powC } from './elementwise.js';

/**
 * Elementwise loops of one input (and their gradients), over typed arrays of the same length. Each has its own
 * loop (no per-element callbacks): these sit in every training step and must stay monomorphic.
 */

export type UnaryLoop = (x: TypedArray, out: TypedArray) => void;
/** A gradient from the saved input or output, the upstream gradient g, into gx. */
export type UnaryGradLoop = (saved: TypedArray, g: TypedArray, gx: TypedArray) => void;

export const negLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = -x[i]; };

export const expLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.exp(x[i]); };
export const expGradLoop: UnaryGradLoop = (y, g, gx) => { for (let i = 0; i < gx.length; i++) gx[i] = g[i] * y[i]; };

export const logLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.log(x[i]); };
export const logGradLoop: UnaryGradLoop = (x, g, gx) => { for (let i = 0; i < gx.length; i++) gx[i] = g[i] / x[i]; };

export const sqrtLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.sqrt(x[i]); };
export const sqrtGradLoop: UnaryGradLoop = (y, g, gx) => { for (let i = 0; i < gx.length; i++) gx[i] = g[i] / (2 * y[i]); };

export const absLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.abs(x[i]); };
/** sign(x)·g, 0 at 0 as in PyTorch. */
export const absGradLoop: UnaryGradLoop = (x, g, gx) => {
  for (let i = 0; i < gx.length; i++) {
    const v = x[i];
    gx[i] = v > 0 ? g[i] : v < 0 ? -g[i] : 0;
  }
};

export const sigmoidLoop: UnaryLoop = (x, y) => {
  for (let i = 0; i < y.length; i++) {
    const v = x[i];
    // exp of a non-positive number only, so large |x| neither overflows nor loses the small tail
    if (v >= 0) {
      y[i] = 1 / (1 + Math.exp(-v));
    } else {
      const e = Math.exp(v);
      y[i] = e / (1 + e);
    }
  }
};
export const sigmoidGradLoop: UnaryGradLoop = (y, g, gx) => {
  for (let i = 0; i < gx.length; i++) {
    const v = y[i];
    gx[i] = g[i] * v * (1 - v);
  }
};

export const tanhLoop: UnaryLoop = (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.tanh(x[i]); };
export const tanhGradLoop: UnaryGradLoop = (y, g, gx) => {
  for (let i = 0; i < gx.length; i++) {
    const v = y[i];
    gx[i] = g[i] * (1 - v * v);
  }
};

/** relu for any dtype: NaN passes through, as in PyTorch; -0 becomes +0, as in the bit loop. */
export function reluLoop(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    out[i] = v > 0 || v !== v ? v : 0;
  }
}

/**
 * relu's gradient from its output y: 0 where y <= 0 (x <= 0), g elsewhere, NaN included, as PyTorch's
 * threshold_backward.
 */
export function reluGradLoop(y: TypedArray, g: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = y[i] <= 0 ? 0 : g[i];
}

/** relu on float32 bit patterns: zeroes every negative number (-0 and -Infinity included) but not a NaN. */
export function reluFloat32Bits(x: Int32Array, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    const b = x[i];
    // -1 unless the magnitude bits are above Infinity's (a NaN), then 0
    const notNaN = ((b & 0x7fffffff) - 0x7f800001) >> 31;
    out[i] = b & ~((b >> 31) & notNaN);
  }
}

/** relu's gradient on float32 bit patterns: +0 where y <= 0 (±0, a negative number, -Infinity), else g (NaN too). */
export function reluGradFloat32Bits(y: Int32Array, g: Int32Array, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    const b = y[i];
    const nonZero = (b | -b) >> 31; // -1 unless b is +0's bits
    const notNaN = ((b & 0x7fffffff) - 0x7f800001) >> 31; // -1 unless the magnitude bits are above Infinity's
    out[i] = g[i] & nonZero & ~((b >> 31) & notNaN);
  }
}

/** x where x > 0, slope·x elsewhere. */
export function leakyReluLoop(x: TypedArray, slope: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    out[i] = v > 0 ? v : v * slope;
  }
}

export function leakyReluGradLoop(x: TypedArray, g: TypedArray, slope: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = x[i] > 0 ? g[i] : g[i] * slope;
}

/** x limited to [lo, hi], min applied first; written so that NaN passes through unchanged. */
export function clampLoop(x: TypedArray, lo: number, hi: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    const above = v < lo ? lo : v;
    out[i] = above > hi ? hi : above;
  }
}

/** g where lo <= x <= hi (bounds included), 0 elsewhere. */
export function clampGradLoop(x: TypedArray, g: TypedArray, lo: number, hi: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    out[i] = v >= lo && v <= hi ? g[i] : 0;
  }
}

/** d/dx x^e = e·x^(e-1), taken as 0 where e = 0 (PyTorch's rule, so 0^0 has gradient 0 rather than NaN). */
export function powBaseGradLoop(x: TypedArray, e: TypedArray, g: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const p = e[i];
    out[i] = p === 0 ? 0 : g[i] * p * powC(x[i], p - 1);
  }
}

/** d/de x^e = x^e·ln x, taken as 0 where x = 0 and e >= 0 (the limit), as PyTorch does. */
export function powExponentGradLoop(x: TypedArray, e: TypedArray, g: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const b = x[i];
    const p = e[i];
    out[i] = b === 0 && p >= 0 ? 0 : g[i] * powC(b, p) * Math.log(b);
  }
}

/** log(1 + exp(beta·x)) / beta, x itself where beta·x > threshold. */
export function softplusLoop(x: TypedArray, beta: number, threshold: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const v = x[i];
    const bx = beta * v;
    out[i] = bx > threshold ? v : Math.log1p(Math.exp(bx)) / beta;
  }
}

export function softplusGradLoop(x: TypedArray, g: TypedArray, beta: number, threshold: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const bx = beta * x[i];
    if (bx > threshold) {
      out[i] = g[i];
    } else {
      // sigmoid(beta·x), computed without overflow
      const e = Math.exp(-Math.abs(bx));
      out[i] = g[i] * (bx >= 0 ? 1 / (1 + e) : e / (1 + e));
    }
  }
}

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_COEF = 0.044715;
/** Below it the series of erf is used, above it the continued fraction of erfc: both converge quickly there. */
const ERF_SERIES_LIMIT = 2;

/**
 * erfc(z) for z >= 0, to about 1e-15 relative accuracy (float64 gradcheck needs far better than the common
 * Abramowitz-Stegun fit). Below ERF_SERIES_LIMIT: 1 − erf(z) with erf(z) = 2/√π·e^(−z²)·Σ z·(2z²)^n / (1·3·…·(2n+1)),
 * a series of positive terms, so nothing cancels. Above: the continued fraction
 * erfc(z) = e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), evaluated by the modified Lentz method.
 */
function erfcNonNegative(z: number): number {
  if (z < ERF_SERIES_LIMIT) return 1 - TWO_OVER_SQRT_PI * Math.exp(-z * z) * erfSeriesSum(z);
  if (z > 27) return 0; // e^(−z²) underflows
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = z + a * d;
    d = 1 / (d === 0 ? tiny : d);
    c = z + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-z * z)) / f;
}

/** Φ(x), the standard normal CDF, as 0.5·erfc(−x/√2), taking the erfc of a non-negative number on either side. */
function normalCdf(x: number): number {
  const z = x * Math.SQRT1_2;
  return z >= 0 ? 1 - 0.5 * erfcNonNegative(z) : 0.5 * erfcNonNegative(-z);
}

/** x·Φ(x) with the exact erf, or PyTorch's tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluLoop(x: TypedArray, tanhApproximation: boolean, out: TypedArray): void {
  if (tanhApproximation) {
    for (let i = 0; i < out.length; i++) {
      const v = x[i];
      out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_TANH_COEF * v * v * v)));
    }
  } else {
    for (let i = 0; i < out.length; i++) {
      const v = x[i];
      out[i] = v * normalCdf(v);
    }
  }
}

export function geluGradLoop(x: TypedArray, g: TypedArray, tanhApproximation: boolean, out: TypedArray): void {
  if (tanhApproximation) {
    for (let i = 0; i < out.length; i++) {
      const v = x[i];
      const t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_TANH_COEF * v * v * v));
      const dInner = SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_COEF * v * v);
      out[i] = g[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
    }
  } else {
    // d/dx x·Φ(x) = Φ(x) + x·φ(x)
    for (let i = 0; i < out.length; i++) {
      const v = x[i];
      out[i] = g[i] * (normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
    }
  }
}

/** Converts to int32 truncating toward zero, as PyTorch's cast does (a plain Int32Array store would wrap). */
export function truncLoop(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
}

/** out = x / d in place, element by element (a division, so the bits equal those of x[i] / d, not x[i] · (1/d)). */
export function divScalarInPlace(x: TypedArray, d: number): void {
  for (let i = 0; i < x.length; i++) x[i] /= d;
}

/** x[i] *= s in place; an int32 x (s then an integer) wraps exactly as 32-bit integers do. */
export function mulScalarInPlace(x: TypedArray, s: number): void {
  if (x instanceof Int32Array) {
    for (let i = 0; i < x.length; i++) x[i] = Math.imul(x[i], s);
    return;
  }
  for (let i = 0; i < x.length; i++) x[i] *= s;
}

/** out = s·x elementwise. */
export function scaledCopy(x: TypedArray, s: number, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = s * x[i];
}

export function addScalarInPlace(x: TypedArray, s: number): void {
  for (let i = 0; i < x.length; i++) x[i] += s;
}

/** The first element that is NaN or ±Infinity, as its flat index, or -1. */
export function firstNonFinite(x: TypedArray): number {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return i;
  return -1;
}

/** The first element outside [low, high) that is not `except`, as its flat index, or -1 (host-side index checks). */
export function firstOutOfRange(x: TypedArray, low: number, high: number, except: number | null): number {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v !== except && !(v >= low && v < high)) return i;
  }
  return -1;
}

/**
 * erf(z) to about 1e-15 relative accuracy: the series of erfcNonNegative's comment below ERF_SERIES_LIMIT (taken
 * directly, so small z keep their relative accuracy, which 1 − erfc(z) would lose), 1 − erfc(|z|) above, odd in z.
 */
export function erf(z: number): number {
  const a = Math.abs(z);
  if (a >= ERF_SERIES_LIMIT) return z > 0 ? 1 - erfcNonNegative(a) : erfcNonNegative(a) - 1;
  if (a === 0) return z; // ±0
  return TWO_OVER_SQRT_PI * Math.exp(-z * z) * (z < 0 ? -1 : 1) * erfSeriesSum(a);
}

/** Σ z·(2z²)^n / (1·3·…·(2n+1)) for z >= 0, the positive series of erf (see erfcNonNegative). */
function erfSeriesSum(z: number): number {
  const twoZ2 = 2 * z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
    term *= twoZ2 / (2 * n + 1);
    sum += term;
  }
  return sum;
}

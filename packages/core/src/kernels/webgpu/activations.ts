import type { DType } from '../../dtype.js';
import type { DeviceTensor } from './storage.js';
import { forward, gradient } from './unary.js';

/** The WebGPU backend's clamp, GELU and softplus with their gradients (kernels/cpu/unary.ts's entries), float32. */

/**
 * WGSL has no erf, tanh of full accuracy or log1p: erfc for z >= 0 by Numerical Recipes' erfcc (relative error
 * below 1.2e-7 everywhere, so Φ keeps its relative accuracy far into the lower tail), tanh through exp of a
 * non-positive number, and log1p by Goldberg's correction log(u)·e / (u - 1) with u = 1 + e.
 */
const HELPERS = /* wgsl */ `
fn erfcNonNegative(z: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * z);
  return t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
    + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
}
fn normalCdf(x: f32) -> f32 {
  let z = x * 0.70710678118654752;
  if (z >= 0.0) { return 1.0 - 0.5 * erfcNonNegative(z); }
  return 0.5 * erfcNonNegative(-z);
}
fn tanhAccurate(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
fn log1pOf(e: f32) -> f32 {
  let u = 1.0 + e;
  if (u == 1.0) { return e; }
  return log(u) * e / (u - 1.0);
}
fn geluTanhInner(x: f32) -> f32 { return 0.7978845608028654 * (x + 0.044715 * x * x * x); }
`;

const clampForward = forward('clamp', 'select(select(x, s, x < s), s2, select(x, s, x < s) > s2)');
/** x limited to [lo, hi], min applied first; NaN passes through. */
export function clamp(x: DeviceTensor, lo: number, hi: number, dtype: DType): DeviceTensor {
  return clampForward(x, dtype, lo, hi);
}
const clampGradient = gradient('clampBackward', 'select(0.0, g, v >= s && v <= s2)');
/** g where lo <= x <= hi (bounds included), 0 elsewhere. */
export function clampBackward(x: DeviceTensor, g: DeviceTensor, lo: number, hi: number): DeviceTensor {
  return clampGradient(x, g, lo, hi);
}

const geluExact = forward('gelu', 'x * normalCdf(x)', HELPERS);
const geluTanh = forward('geluTanh', '0.5 * x * (1.0 + tanhAccurate(geluTanhInner(x)))', HELPERS);
/** x·Φ(x), or PyTorch's tanh approximation. */
export function gelu(x: DeviceTensor, tanhApproximation: boolean, dtype: DType): DeviceTensor {
  return (tanhApproximation ? geluTanh : geluExact)(x, dtype);
}
const geluExactGradient = gradient('geluBackward', 'g * (normalCdf(v) + v * 0.3989422804014327 * exp(-0.5 * v * v))', HELPERS);
const geluTanhGradient = gradient('geluTanhBackward', `g * (0.5 * (1.0 + tanhAccurate(geluTanhInner(v)))
    + 0.5 * v * (1.0 - tanhAccurate(geluTanhInner(v)) * tanhAccurate(geluTanhInner(v))) * 0.7978845608028654 * (1.0 + 3.0 * 0.044715 * v * v))`, HELPERS);
/** gelu's gradient from its input x. */
export function geluBackward(x: DeviceTensor, g: DeviceTensor, tanhApproximation: boolean): DeviceTensor {
  return (tanhApproximation ? geluTanhGradient : geluExactGradient)(x, g);
}

const softplusForward = forward('softplus', 'select(log1pOf(exp(s * x)) / s, x, s * x > s2)', HELPERS);
/** log(1 + exp(beta·x)) / beta, x itself where beta·x > threshold. */
export function softplus(x: DeviceTensor, beta: number, threshold: number, dtype: DType): DeviceTensor {
  return softplusForward(x, dtype, beta, threshold);
}
// sigmoid(beta·x) without overflow, g itself above the threshold
const softplusGradient = gradient('softplusBackward',
  'select(g * select(exp(-abs(s * v)) / (1.0 + exp(-abs(s * v))), 1.0 / (1.0 + exp(-abs(s * v))), s * v >= 0.0), g, s * v > s2)');
/** softplus's gradient from its input x. */
export function softplusBackward(x: DeviceTensor, g: DeviceTensor, beta: number, threshold: number): DeviceTensor {
  return softplusGradient(x, g, beta, threshold);
}

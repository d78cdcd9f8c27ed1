import type { DType } from '../../dtype.js';
import { DeviceTensor, deviceDType } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem } from './wgsl.js';

/** The WebGPU backend's elementwise math and activations (kernels/cpu/unary.ts's entries), float32. */

/**
 * An entry from a WGSL expression of `x` (and `s`, `s2`, float parameters; `helpers` declares the functions it
 * calls): x into a new tensor of the op's dtype.
 */
export function forward(name: string, expression: string, helpers = '') {
  return (x: DeviceTensor, dtype: DType, s = 0, s2 = 0): DeviceTensor => {
    const context = contextOf(name, 'float32', x);
    const out = DeviceTensor.empty(context, x.shape, deviceDType(name, dtype));
    runPerItem(context, `unary:${name}`, () => PRELUDE + helpers + bindings([['X', 'f32', false], ['O', 'f32', true]]) + perItem(`
  let x = X[i];
  let s = pf(1u);
  let s2 = pf(2u);
  O[i] = ${expression};`), [x.numel, f32Bits(s), f32Bits(s2)], [x.buffer, out.buffer]);
    return out;
  };
}

/** A gradient entry from an expression of the saved input or output `v`, the upstream `g` (and `s`, `s2`, float parameters). */
export function gradient(name: string, expression: string, helpers = '') {
  return (saved: DeviceTensor, g: DeviceTensor, s = 0, s2 = 0): DeviceTensor => {
    const context = contextOf(name, 'float32', saved, g);
    const gx = DeviceTensor.empty(context, saved.shape, 'float32');
    runPerItem(context, `grad:${name}`, () => PRELUDE + helpers + bindings([['V', 'f32', false], ['G', 'f32', false], ['O', 'f32', true]]) + perItem(`
  let v = V[i];
  let g = G[i];
  let s = pf(1u);
  let s2 = pf(2u);
  O[i] = ${expression};`), [saved.numel, f32Bits(s), f32Bits(s2)], [saved.buffer, g.buffer, gx.buffer]);
    return gx;
  };
}

/** -x. */
export const neg = forward('neg', '-x');
/** e^x. */
export const exp = forward('exp', 'exp(x)');
/** exp's gradient from its output y. */
export const expBackward = gradient('expBackward', 'g * v');
/** ln x. */
export const log = forward('log', 'log(x)');
/** log's gradient from its input x. */
export const logBackward = gradient('logBackward', 'g / v');
/** √x. */
export const sqrt = forward('sqrt', 'sqrt(x)');
/** sqrt's gradient from its output y. */
export const sqrtBackward = gradient('sqrtBackward', 'g / (2.0 * v)');
/** |x|. */
export const abs = forward('abs', 'abs(x)');
/** abs's gradient from its input: sign(x)·g, 0 at 0. */
export const absBackward = gradient('absBackward', 'select(select(0.0, -g, v < 0.0), g, v > 0.0)');
/** 1 / (1 + e^-x), e raised to non-positive numbers only so large |x| neither overflows nor loses the tail. */
export const sigmoid = forward('sigmoid', 'select(exp(x) / (1.0 + exp(x)), 1.0 / (1.0 + exp(-x)), x >= 0.0)');
/** sigmoid's gradient from its output y. */
export const sigmoidBackward = gradient('sigmoidBackward', 'g * v * (1.0 - v)');
/** tanh x (written through exp of a non-positive number: WGSL's tanh may lose accuracy for large |x|). */
export const tanh = forward('tanh', 'sign(x) * (1.0 - exp(-2.0 * abs(x))) / (1.0 + exp(-2.0 * abs(x)))');
/** tanh's gradient from its output y. */
export const tanhBackward = gradient('tanhBackward', 'g * (1.0 - v * v)');

const reluForward = forward('relu', 'select(0.0, x, x > 0.0)');
/** max(x, 0). */
export function relu(x: DeviceTensor): DeviceTensor {
  return reluForward(x, 'float32');
}
/** relu's gradient from its output y: g where y > 0, else 0. */
export const reluBackward = gradient('reluBackward', 'select(g, 0.0, v <= 0.0)');

const leakyReluForward = forward('leakyRelu', 'select(x * s, x, x > 0.0)');
/** x where x > 0, else slope·x. */
export function leakyRelu(x: DeviceTensor, slope: number, dtype: DType): DeviceTensor {
  return leakyReluForward(x, dtype, slope);
}
const leakyReluGradient = gradient('leakyReluBackward', 'select(g * s, g, v > 0.0)');
/** leakyRelu's gradient from its input x. */
export function leakyReluBackward(x: DeviceTensor, g: DeviceTensor, slope: number): DeviceTensor {
  return leakyReluGradient(x, g, slope);
}

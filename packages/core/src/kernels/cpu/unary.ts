import type { Device, Tensor } from '../../tensor.js';
import { empty } from '../../creation.js';
import type { DType, TypedArray } from '../../dtype.js';
import { reluGradWasm, reluWasm } from '../wasm/convpool.js';
import { applyUnitMask, keepMask } from '../elementwise.js';
import * as loops from '../unary.js';
import { expandedData } from './elementwise.js';
import { wasmActive } from './variant.js';

/** The CPU backend's elementwise math and activations: one entry per forward and per gradient. */

type Forward = (x: Tensor, dtype: DType) => Tensor;
type Gradient = (saved: Tensor, g: Tensor) => Tensor;

/** An entry from a forward loop: x into a new tensor of the dtype the op chose. Each loop keeps its own call site. */
function forward(loop: loops.UnaryLoop): Forward {
  return (x, dtype) => {
    const out = empty(x.shape, dtype);
    loop(x.data, out.data);
    return out;
  };
}

/** An entry from a gradient loop: from the saved input or output and g into a tensor shaped and typed like the saved one. */
function gradient(loop: loops.UnaryGradLoop): Gradient {
  return (saved, g) => {
    const gx = empty(saved.shape, saved.dtype);
    loop(saved.data, g.data, gx.data);
    return gx;
  };
}

export const neg = forward(loops.negLoop);
export const exp = forward(loops.expLoop);
export const expBackward = gradient(loops.expGradLoop);
export const log = forward(loops.logLoop);
export const logBackward = gradient(loops.logGradLoop);
export const sqrt = forward(loops.sqrtLoop);
export const sqrtBackward = gradient(loops.sqrtGradLoop);
export const abs = forward(loops.absLoop);
export const absBackward = gradient(loops.absGradLoop);
export const sigmoid = forward(loops.sigmoidLoop);
export const sigmoidBackward = gradient(loops.sigmoidGradLoop);
export const tanh = forward(loops.tanhLoop);
export const tanhBackward = gradient(loops.tanhGradLoop);

/**
 * relu's variants by length, fixed when each was added (commits 49cde9c and 773ffa6, timed with `pnpm bench:step`):
 * below BIT_LOOP_MIN_LENGTH the plain loop wins (making the integer views costs about as much as a few dozen
 * elements); from RELU_WASM_MIN_LENGTH WebAssembly SIMD (kernels/wasm/convpool.ts) wins, copies in and out included.
 */
const BIT_LOOP_MIN_LENGTH = 256;
const RELU_WASM_MIN_LENGTH = 4096;

/**
 * The same memory read as 32-bit integers. ReLU's sign test on random-signed activations mispredicts about half
 * the time when written as a branch (7 ns per element); on the float32 bit pattern it is a few integer operations.
 */
function bitsOf(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** max(x, 0), NaN passing through; the three variants give the same bits. */
export function relu(x: Tensor): Tensor {
  const out = empty(x.shape, x.dtype);
  const s = x.data;
  const o = out.data;
  if (s instanceof Float32Array && s.length >= RELU_WASM_MIN_LENGTH && wasmActive() && reluWasm(s, o as Float32Array)) {
    // done: the same bits as the loops, with f32x4 lanes
  } else if (s instanceof Float32Array && s.length >= BIT_LOOP_MIN_LENGTH) {
    loops.reluFloat32Bits(bitsOf(s), bitsOf(o as Float32Array));
  } else {
    loops.reluLoop(s, o);
  }
  return out;
}

/** relu's gradient from its output y: g where y > 0, else 0. */
export function reluBackward(y: Tensor, g: Tensor): Tensor {
  const gx = empty(y.shape, y.dtype);
  const gd = g.data;
  const yd = y.data;
  const o = gx.data;
  const f32 = yd instanceof Float32Array && gd instanceof Float32Array;
  if (f32 && yd.length >= RELU_WASM_MIN_LENGTH && wasmActive() && reluGradWasm(yd, gd, o as Float32Array)) {
    // done: the same bits as the loops, with i32x4 lanes
  } else if (f32 && yd.length >= BIT_LOOP_MIN_LENGTH) {
    loops.reluGradFloat32Bits(bitsOf(yd), bitsOf(gd), bitsOf(o as Float32Array));
  } else {
    loops.reluGradLoop(yd, gd, o);
  }
  return gx;
}

export function leakyRelu(x: Tensor, slope: number, dtype: DType): Tensor {
  const out = empty(x.shape, dtype);
  loops.leakyReluLoop(x.data, slope, out.data);
  return out;
}

export function leakyReluBackward(x: Tensor, g: Tensor, slope: number): Tensor {
  const gx = empty(x.shape, x.dtype);
  loops.leakyReluGradLoop(x.data, g.data, slope, gx.data);
  return gx;
}

export function clamp(x: Tensor, lo: number, hi: number, dtype: DType): Tensor {
  const out = empty(x.shape, dtype);
  loops.clampLoop(x.data, lo, hi, out.data);
  return out;
}

export function clampBackward(x: Tensor, g: Tensor, lo: number, hi: number): Tensor {
  const gx = empty(x.shape, x.dtype);
  loops.clampGradLoop(x.data, g.data, lo, hi, gx.data);
  return gx;
}

export function gelu(x: Tensor, tanhApproximation: boolean, dtype: DType): Tensor {
  const out = empty(x.shape, dtype);
  loops.geluLoop(x.data, tanhApproximation, out.data);
  return out;
}

export function geluBackward(x: Tensor, g: Tensor, tanhApproximation: boolean): Tensor {
  const gx = empty(x.shape, x.dtype);
  loops.geluGradLoop(x.data, g.data, tanhApproximation, gx.data);
  return gx;
}

export function softplus(x: Tensor, beta: number, threshold: number, dtype: DType): Tensor {
  const out = empty(x.shape, dtype);
  loops.softplusLoop(x.data, beta, threshold, out.data);
  return out;
}

export function softplusBackward(x: Tensor, g: Tensor, beta: number, threshold: number): Tensor {
  const gx = empty(x.shape, x.dtype);
  loops.softplusGradLoop(x.data, g.data, beta, threshold, gx.data);
  return gx;
}

type PowGradLoop = (x: TypedArray, e: TypedArray, g: TypedArray, out: TypedArray) => void;

function powGradient(loop: PowGradLoop) {
  /** The gradient for one operand at g's (the broadcast) shape, typed like that operand, before summing back. */
  return (x: Tensor, e: Tensor, g: Tensor, like: Tensor): Tensor => {
    const out = empty(g.shape, like.dtype);
    loop(expandedData(x, g.shape), expandedData(e, g.shape), g.data, out.data);
    return out;
  };
}

/** d(x^e)/dx · g at g's shape. */
export const powBaseGrad = powGradient(loops.powBaseGradLoop);
/** d(x^e)/de · g at g's shape. */
export const powExponentGrad = powGradient(loops.powExponentGradLoop);

/** Dropout's mask of `units` values of dtype: 1 / keep with probability keep (drawn from `random`), else 0. The device is the router's (kernels/backend.ts): this entry always makes a CPU tensor. */
export function dropoutMask(units: number, dtype: DType, keep: number, random: () => number, _device: Device = 'cpu'): Tensor {
  const mask = empty([units], dtype);
  if (keep === 1) mask.data.fill(1);
  else keepMask(random, keep, 1 / keep, mask.data);
  return mask;
}

/** x · mask, each mask value covering `unitSize` consecutive elements. */
export function applyMask(x: Tensor, mask: Tensor, unitSize: number): Tensor {
  const out = empty(x.shape, x.dtype);
  applyUnitMask(x.data, mask.data, unitSize, out.data);
  return out;
}

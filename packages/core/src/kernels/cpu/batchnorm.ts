import type { Tensor } from '../../tensor.js';
import { empty } from './output.js';
import type { FloatArray } from '../../dtype.js';
import { numelOf } from '../../shape.js';
import { batchNormForward as forwardLoop, batchNormGradSums, batchNormInputGrad, channelStats, inverseStd, updateRunning } from '../batchnorm.js';
import { batchNormBackwardWasm, batchNormForwardWasm, batchNormStatsWasm } from '../wasm/batchnorm.js';
import { wasmActive } from './variant.js';

/**
 * The CPU backend's batch normalisation over x seen as [N, C, S]; per-channel statistics are float64 [C] tensors.
 * Float32 tensors of at least WASM_MIN_ELEMENTS run in WebAssembly SIMD (kernels/wasm/batchnorm.ts): the same
 * bits for y and dx given the same statistics, the sums within rounding of the loops.
 */

/** Below this many elements the copies into wasm memory cost more than the loops save. */
const WASM_MIN_ELEMENTS = 4096;

const inWasm = (...arrays: (FloatArray | null)[]): boolean =>
  wasmActive() && arrays.every((a) => a === null || a instanceof Float32Array) && arrays[0]!.length >= WASM_MIN_ELEMENTS;

function layout(x: Tensor): [number, number, number] {
  return [x.shape[0], x.shape[1], numelOf(x.shape.slice(2))];
}

/** Per-channel mean and biased variance of x, float64. */
export function batchNormStats(x: Tensor): { mean: Tensor; variance: Tensor } {
  const [N, C, S] = layout(x);
  const mean = empty([C], 'float64');
  const variance = empty([C], 'float64');
  const X = x.data as FloatArray;
  const done = inWasm(X) && batchNormStatsWasm(X as Float32Array, N, C, S, mean.data as Float64Array, variance.data as Float64Array);
  if (!done) channelStats(X, N, C, S, mean.data as Float64Array, variance.data as Float64Array);
  return { mean, variance };
}

/** running = (1 - momentum)·running + momentum·batch·scale, in place (the op bumps its version). */
export function updateRunningStat(running: Tensor, batch: Tensor, momentum: number, scale: number): void {
  updateRunning(running.data as FloatArray, batch.data as Float64Array, momentum, scale);
}

/** 1 / sqrt(variance + eps) per channel, float64. */
export function invStd(variance: Tensor, eps: number): Tensor {
  const out = empty(variance.shape, 'float64');
  inverseStd(variance.data as Float64Array, eps, out.data as Float64Array);
  return out;
}

/** (x - mean)·invStd·weight + bias per channel; weight and bias null mean 1 and 0. */
export function batchNorm(x: Tensor, mean: Tensor, invStdC: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const [N, C, S] = layout(x);
  const out = empty(x.shape, x.dtype);
  const [X, Y, M, I] = [x.data as FloatArray, out.data as FloatArray, mean.data as Float64Array, invStdC.data as Float64Array];
  const Wt = weight ? (weight.data as FloatArray) : null;
  const B = bias ? (bias.data as FloatArray) : null;
  const done = inWasm(X, Wt, B) &&
    batchNormForwardWasm(X as Float32Array, N, C, S, M, I, Wt as Float32Array | null, B as Float32Array | null, Y as Float32Array);
  if (!done) forwardLoop(X, N, C, S, M, I, Wt, B, Y);
  return out;
}

/**
 * The gradients of x (when needInput; else null), weight and bias (Σ dy·xhat and Σ dy per channel, in x's dtype).
 * `training` says x was normalised with its own batch statistics, which then carry gradient too.
 */
export function batchNormBackward(
  x: Tensor, grad: Tensor, mean: Tensor, invStdC: Tensor, weight: Tensor | null, training: boolean, needInput: boolean,
): [Tensor | null, Tensor, Tensor] {
  const [N, C, S] = layout(x);
  const X = x.data as FloatArray;
  const G = grad.data as FloatArray;
  const M = mean.data as Float64Array;
  const I = invStdC.data as Float64Array;
  const sumDy = new Float64Array(C);
  const sumDyXhat = new Float64Array(C);
  const Wt = weight ? (weight.data as FloatArray) : null;
  const gx = needInput ? empty(x.shape, x.dtype) : null;
  const DX = gx ? (gx.data as FloatArray) : null;
  const done = inWasm(X, G, Wt, DX) &&
    batchNormBackwardWasm(
      X as Float32Array, G as Float32Array, N, C, S, M, I, Wt as Float32Array | null, training, sumDy, sumDyXhat, DX as Float32Array | null,
    );
  if (!done) {
    batchNormGradSums(X, G, N, C, S, M, I, sumDy, sumDyXhat);
    if (DX) batchNormInputGrad(X, G, N, C, S, M, I, Wt, training, sumDy, sumDyXhat, DX);
  }
  const gw = empty([C], x.dtype);
  gw.data.set(sumDyXhat);
  const gb = empty([C], x.dtype);
  gb.data.set(sumDy);
  return [gx, gw, gb];
}

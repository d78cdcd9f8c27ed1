import type { Tensor } from '../../tensor.js';
import { empty } from '../../creation.js';
import type { FloatArray } from '../../dtype.js';
import { numelOf } from '../../shape.js';
import { batchNormForward as forwardLoop, batchNormGradSums, batchNormInputGrad, channelStats, inverseStd, updateRunning } from '../batchnorm.js';

/** The CPU backend's batch normalisation over x seen as [N, C, S]; per-channel statistics are float64 [C] tensors. */

function layout(x: Tensor): [number, number, number] {
  return [x.shape[0], x.shape[1], numelOf(x.shape.slice(2))];
}

/** Per-channel mean and biased variance of x, float64. */
export function batchNormStats(x: Tensor): { mean: Tensor; variance: Tensor } {
  const [N, C, S] = layout(x);
  const mean = empty([C], 'float64');
  const variance = empty([C], 'float64');
  channelStats(x.data as FloatArray, N, C, S, mean.data as Float64Array, variance.data as Float64Array);
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
  forwardLoop(
    x.data as FloatArray, N, C, S, mean.data as Float64Array, invStdC.data as Float64Array,
    weight ? (weight.data as FloatArray) : null, bias ? (bias.data as FloatArray) : null, out.data as FloatArray,
  );
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
  batchNormGradSums(X, G, N, C, S, M, I, sumDy, sumDyXhat);
  let gx: Tensor | null = null;
  if (needInput) {
    gx = empty(x.shape, x.dtype);
    batchNormInputGrad(X, G, N, C, S, M, I, weight ? (weight.data as FloatArray) : null, training, sumDy, sumDyXhat, gx.data as FloatArray);
  }
  const gw = empty([C], x.dtype);
  gw.data.set(sumDyXhat);
  const gb = empty([C], x.dtype);
  gb.data.set(sumDy);
  return [gx, gw, gb];
}

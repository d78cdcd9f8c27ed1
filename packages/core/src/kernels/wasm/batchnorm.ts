import { INPUT_GRAD_COEFFICIENTS, forwardCoefficients, inputGradCoefficients } from '../batchnorm.js';
import { alignUp, convPoolScratch } from './convpool.js';

/*
 * Batch normalisation of float32 x [N, C, S] in WebAssembly SIMD (asm/batchnorm.ts), with the contracts of the loops
 * in kernels/batchnorm.ts: the statistics and coefficients stay float64. The elementwise outputs (y, dx) have the
 * loops' bits; the sums (mean, variance, Σdy, Σdy·xhat) are added in another order, so their last bits may differ.
 * Each function returns false, having done nothing, when the module cannot run or grow.
 */

/** Per-channel mean and biased variance of x (as channelStats). */
export function batchNormStatsWasm(x: Float32Array, N: number, C: number, S: number, mean: Float64Array, variance: Float64Array): boolean {
  const xBytes = alignUp(N * C * S * 4);
  const scratch = convPoolScratch(xBytes + 2 * C * 8);
  if (scratch === null) return false;
  const { wasm, base, f32, f64 } = scratch;
  const meanAt = base + xBytes;
  const varianceAt = meanAt + C * 8;
  f32.set(x.subarray(0, N * C * S), base / 4);
  wasm.batchNormStatsF32(base, N, C, S, meanAt, varianceAt);
  mean.set(f64.subarray(meanAt / 8, meanAt / 8 + C));
  variance.set(f64.subarray(varianceAt / 8, varianceAt / 8 + C));
  return true;
}

/** y = (x - mean)·invStd·weight + bias per channel (as batchNormForward); weight and bias null mean 1 and 0. */
export function batchNormForwardWasm(
  x: Float32Array, N: number, C: number, S: number, mean: Float64Array, invStd: Float64Array,
  weight: Float32Array | null, bias: Float32Array | null, y: Float32Array,
): boolean {
  const n = N * C * S;
  const xBytes = alignUp(n * 4);
  const scratch = convPoolScratch(xBytes + 2 * C * 8);
  if (scratch === null) return false;
  const { wasm, base, f32, f64 } = scratch;
  const scaleAt = base + xBytes;
  const shiftAt = scaleAt + C * 8;
  forwardCoefficients(mean, invStd, weight, bias, f64.subarray(scaleAt / 8, scaleAt / 8 + C), f64.subarray(shiftAt / 8, shiftAt / 8 + C));
  f32.set(x.subarray(0, n), base / 4);
  wasm.batchNormForwardF32(base, N, C, S, scaleAt, shiftAt, base);
  y.set(f32.subarray(base / 4, base / 4 + n));
  return true;
}

/**
 * Σdy and Σdy·xhat per channel into sumDy and sumDyXhat (as batchNormGradSums), then, when dx is given, the input
 * gradient (as batchNormInputGrad), with x and dy copied into the module once for both.
 */
export function batchNormBackwardWasm(
  x: Float32Array, dy: Float32Array, N: number, C: number, S: number, mean: Float64Array, invStd: Float64Array,
  weight: Float32Array | null, batchStats: boolean, sumDy: Float64Array, sumDyXhat: Float64Array, dx: Float32Array | null,
): boolean {
  const n = N * C * S;
  const xBytes = alignUp(n * 4);
  const statBytes = alignUp(C * 8);
  const scratch = convPoolScratch(2 * xBytes + 4 * statBytes + C * INPUT_GRAD_COEFFICIENTS * 8);
  if (scratch === null) return false;
  const { wasm, base, f32, f64 } = scratch;
  const dyAt = base + xBytes;
  const meanAt = dyAt + xBytes;
  const invStdAt = meanAt + statBytes;
  const sumDyAt = invStdAt + statBytes;
  const sumDyXhatAt = sumDyAt + statBytes;
  const coefAt = sumDyXhatAt + statBytes;
  f32.set(x.subarray(0, n), base / 4);
  f32.set(dy.subarray(0, n), dyAt / 4);
  f64.set(mean.subarray(0, C), meanAt / 8);
  f64.set(invStd.subarray(0, C), invStdAt / 8);
  wasm.batchNormGradSumsF32(base, dyAt, N, C, S, meanAt, invStdAt, sumDyAt, sumDyXhatAt);
  sumDy.set(f64.subarray(sumDyAt / 8, sumDyAt / 8 + C));
  sumDyXhat.set(f64.subarray(sumDyXhatAt / 8, sumDyXhatAt / 8 + C));
  if (dx === null) return true;
  const coef = f64.subarray(coefAt / 8, coefAt / 8 + C * INPUT_GRAD_COEFFICIENTS);
  inputGradCoefficients(N * S, mean, invStd, weight, sumDy, sumDyXhat, coef);
  // dx overwrites dy's copy: each element is read before it is written.
  wasm.batchNormInputGradF32(base, dyAt, N, C, S, coefAt, +batchStats, dyAt);
  dx.set(f32.subarray(dyAt / 4, dyAt / 4 + n));
  return true;
}

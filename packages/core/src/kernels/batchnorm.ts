import type { FloatArray } from '../dtype.js';

/**
 * Batch normalisation over x seen as [N, C, S] (S = H·W, or 1 for [N, C] input), statistics per channel c.
 * The normalised value is xhat = (x - mean[c]) · invStd[c].
 */

/** Per-channel mean and biased variance (the divisor is N·S) over N and S, in two passes for accuracy. */
export function channelStats(x: FloatArray, N: number, C: number, S: number, mean: Float64Array, variance: Float64Array): void {
  const count = N * S;
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) s += x[base + i];
    }
    const m = s / count;
    let q = 0;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) {
        const d = x[base + i] - m;
        q += d * d;
      }
    }
    mean[c] = m;
    variance[c] = q / count;
  }
}

/** Per channel, y = x·scale[c] + shift[c] is y = xhat·weight[c] + bias[c]; weight and bias null mean 1 and 0. */
export function forwardCoefficients(
  mean: Float64Array, invStd: Float64Array, weight: FloatArray | null, bias: FloatArray | null, scale: Float64Array, shift: Float64Array,
): void {
  for (let c = 0; c < scale.length; c++) {
    scale[c] = invStd[c] * (weight ? weight[c] : 1);
    shift[c] = (bias ? bias[c] : 0) - mean[c] * scale[c];
  }
}

/** y = xhat · weight[c] + bias[c]; weight and bias null mean 1 and 0. */
export function batchNormForward(
  x: FloatArray, N: number, C: number, S: number, mean: Float64Array, invStd: Float64Array,
  weight: FloatArray | null, bias: FloatArray | null, y: FloatArray,
): void {
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  forwardCoefficients(mean, invStd, weight, bias, scale, shift);
  for (let c = 0; c < C; c++) {
    const sc = scale[c];
    const sh = shift[c];
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) y[base + i] = x[base + i] * sc + sh;
    }
  }
}

/** Per channel: sumDy = Σ dy and sumDyXhat = Σ dy · xhat, which are also the bias and weight gradients. */
export function batchNormGradSums(
  x: FloatArray, dy: FloatArray, N: number, C: number, S: number, mean: Float64Array, invStd: Float64Array,
  sumDy: Float64Array, sumDyXhat: Float64Array,
): void {
  for (let c = 0; c < C; c++) {
    let s = 0;
    let sx = 0;
    const m = mean[c];
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) {
        const g = dy[base + i];
        s += g;
        sx += g * (x[base + i] - m);
      }
    }
    sumDy[c] = s;
    sumDyXhat[c] = sx * invStd[c];
  }
}

/** Values per channel in inputGradCoefficients' output: mean, invStd, k = invStd·weight, mean of dy, mean of dy·xhat. */
export const INPUT_GRAD_COEFFICIENTS = 5;

/**
 * The per-channel coefficients of batchNormInputGrad, INPUT_GRAD_COEFFICIENTS per channel into coef (M = N·S, the
 * count a channel's statistics were taken over).
 */
export function inputGradCoefficients(
  M: number, mean: Float64Array, invStd: Float64Array, weight: FloatArray | null, sumDy: Float64Array, sumDyXhat: Float64Array,
  coef: Float64Array,
): void {
  for (let c = 0; c < mean.length; c++) {
    const at = c * INPUT_GRAD_COEFFICIENTS;
    coef[at] = mean[c];
    coef[at + 1] = invStd[c];
    coef[at + 2] = invStd[c] * (weight ? weight[c] : 1);
    coef[at + 3] = sumDy[c] / M;
    coef[at + 4] = sumDyXhat[c] / M;
  }
}

/**
 * dx of batch normalisation. With batch statistics (training), the closed form
 * dx = weight·invStd/M · (M·dy - Σdy - xhat·Σ(dy·xhat)), M = N·S; with fixed statistics (eval), dx = dy·weight·invStd.
 */
export function batchNormInputGrad(
  x: FloatArray, dy: FloatArray, N: number, C: number, S: number, mean: Float64Array, invStd: Float64Array,
  weight: FloatArray | null, batchStats: boolean, sumDy: Float64Array, sumDyXhat: Float64Array, dx: FloatArray,
): void {
  const coef = new Float64Array(C * INPUT_GRAD_COEFFICIENTS);
  inputGradCoefficients(N * S, mean, invStd, weight, sumDy, sumDyXhat, coef);
  for (let c = 0; c < C; c++) {
    const at = c * INPUT_GRAD_COEFFICIENTS;
    const m = coef[at];
    const is = coef[at + 1];
    const k = coef[at + 2];
    if (!batchStats) {
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * S;
        for (let i = 0; i < S; i++) dx[base + i] = dy[base + i] * k;
      }
      continue;
    }
    const meanDy = coef[at + 3];
    const meanDyXhat = coef[at + 4];
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) {
        const xhat = (x[base + i] - m) * is;
        dx[base + i] = k * (dy[base + i] - meanDy - xhat * meanDyXhat);
      }
    }
  }
}

/** running = (1 - momentum)·running + momentum·batch·scale per channel, in place (the running statistics' update). */
export function updateRunning(running: FloatArray, batch: Float64Array, momentum: number, scale: number): void {
  for (let c = 0; c < running.length; c++) running[c] = (1 - momentum) * running[c] + momentum * batch[c] * scale;
}

/** invStd = 1 / sqrt(variance + eps) per channel. */
export function inverseStd(variance: Float64Array, eps: number, invStd: Float64Array): void {
  for (let c = 0; c < invStd.length; c++) invStd[c] = 1 / Math.sqrt(variance[c] + eps);
}

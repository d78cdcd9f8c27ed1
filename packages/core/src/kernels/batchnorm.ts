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

/** y = xhat · weight[c] + bias[c]; weight and bias null mean 1 and 0. */
export function batchNormForward(
  x: FloatArray, N: number, C: number, S: number, mean: Float64Array, invStd: Float64Array,
  weight: FloatArray | null, bias: FloatArray | null, y: FloatArray,
): void {
  for (let c = 0; c < C; c++) {
    const scale = invStd[c] * (weight ? weight[c] : 1);
    const shift = (bias ? bias[c] : 0) - mean[c] * scale;
    for (let n = 0; n < N; n++) {
      const base = (n * C + c) * S;
      for (let i = 0; i < S; i++) y[base + i] = x[base + i] * scale + shift;
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

/**
 * dx of batch normalisation. With batch statistics (training), the closed form
 * dx = weight·invStd/M · (M·dy - Σdy - xhat·Σ(dy·xhat)), M = N·S; with fixed statistics (eval), dx = dy·weight·invStd.
 */
export function batchNormInputGrad(
  x: FloatArray, dy: FloatArray, N: number, C: number, S: number, mean: Float64Array, invStd: Float64Array,
  weight: FloatArray | null, batchStats: boolean, sumDy: Float64Array, sumDyXhat: Float64Array, dx: FloatArray,
): void {
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const k = invStd[c] * (weight ? weight[c] : 1);
    const m = mean[c];
    const is = invStd[c];
    if (!batchStats) {
      for (let n = 0; n < N; n++) {
        const base = (n * C + c) * S;
        for (let i = 0; i < S; i++) dx[base + i] = dy[base + i] * k;
      }
      continue;
    }
    const meanDy = sumDy[c] / M;
    const meanDyXhat = sumDyXhat[c] / M;
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

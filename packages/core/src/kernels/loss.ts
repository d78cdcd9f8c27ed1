import type { TypedArray } from '../dtype.js';

/**
 * The loops of the class-index losses, on input seen as [N, C, inner] and targets [N, inner]. Targets are
 * assumed in [0, C) or equal to ignoreIndex: the ops check them first (firstOutOfRange in kernels/unary.ts).
 */

export interface ClassLossGeometry {
  N: number;
  C: number;
  inner: number;
  ignoreIndex: number;
}

/** How a loss reduces its per-position values: the upstream gradient of a position follows from it. */
export type LossReduction = 'mean' | 'sum' | 'none';

/** The upstream gradient reaching one position: g[p] for 'none', g for 'sum', g / denominator for 'mean'. */
function positionScale(g: TypedArray, p: number, reduction: LossReduction, denominator: number): number {
  return reduction === 'none' ? g[p] : reduction === 'mean' ? g[0] / denominator : g[0];
}

/**
 * Fused log-softmax and NLL per position, with label smoothing eps and class weights W (null: all 1). Writes each
 * position's loss into loss, softmax into probs (when given), and returns Σ of target weights over non-ignored
 * positions (the 'mean' denominator). Each non-ignored position with target t contributes
 * (1 - eps)·w_t·(-log p_t) + (eps / C)·Σ_c w_c·(-log p_c).
 */
export function crossEntropyForwardLoop(
  geo: ClassLossGeometry, X: TypedArray, T: Int32Array, W: TypedArray | null, eps: number, loss: TypedArray, probs: TypedArray | null,
): number {
  const { N, C, inner, ignoreIndex } = geo;
  let weightSum = 0;
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < inner; j++) {
      const p = n * inner + j;
      const base = n * C * inner + j;
      let m = -Infinity;
      for (let c = 0; c < C; c++) {
        const v = X[base + c * inner];
        if (v > m) m = v;
      }
      let s = 0;
      for (let c = 0; c < C; c++) {
        const e = Math.exp(X[base + c * inner] - m);
        if (probs) probs[base + c * inner] = e;
        s += e;
      }
      // lse - x_c as (m - x_c) + log s: m + log s would drop log s's low bits where the logits are far from 0
      const logS = Math.log(s);
      if (probs) {
        const inv = 1 / s;
        for (let c = 0; c < C; c++) probs[base + c * inner] *= inv;
      }
      const t = T[p];
      if (t === ignoreIndex) continue;
      const wt = W ? W[t] : 1;
      weightSum += wt;
      let value = (1 - eps) * wt * (m - X[base + t * inner] + logS);
      if (eps > 0) {
        let smooth = 0;
        for (let c = 0; c < C; c++) smooth += (W ? W[c] : 1) * (m - X[base + c * inner] + logS);
        value += (eps / C) * smooth;
      }
      loss[p] = value;
    }
  }
  return weightSum;
}

/** d/dx_c = s·[(1 - eps)·w_t·(p_c - [c = t]) + (eps / C)·(p_c·Σ_k w_k - w_c)], s the upstream scale of the position. */
export function crossEntropyBackwardLoop(
  geo: ClassLossGeometry, probs: TypedArray, T: Int32Array, W: TypedArray | null, eps: number,
  G: TypedArray, reduction: LossReduction, weightSum: number, D: TypedArray,
): void {
  const { N, C, inner, ignoreIndex } = geo;
  let wAll = C;
  if (W) {
    wAll = 0;
    for (let c = 0; c < C; c++) wAll += W[c];
  }
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < inner; j++) {
      const p = n * inner + j;
      const t = T[p];
      if (t === ignoreIndex) continue;
      const base = n * C * inner + j;
      const s = positionScale(G, p, reduction, weightSum);
      const wt = W ? W[t] : 1;
      const a = s * ((1 - eps) * wt + (eps / C) * wAll);
      const b = (s * eps) / C;
      for (let c = 0; c < C; c++) D[base + c * inner] = a * probs[base + c * inner] - b * (W ? W[c] : 1);
      D[base + t * inner] -= s * (1 - eps) * wt;
    }
  }
}

/** -w_t · input[t] per position; returns the summed target weight of non-ignored positions. */
export function nllForwardLoop(geo: ClassLossGeometry, X: TypedArray, T: Int32Array, W: TypedArray | null, loss: TypedArray): number {
  const { N, C, inner, ignoreIndex } = geo;
  let weightSum = 0;
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < inner; j++) {
      const p = n * inner + j;
      const t = T[p];
      if (t === ignoreIndex) continue;
      const wt = W ? W[t] : 1;
      weightSum += wt;
      loss[p] = -wt * X[n * C * inner + t * inner + j];
    }
  }
  return weightSum;
}

export function nllBackwardLoop(
  geo: ClassLossGeometry, T: Int32Array, W: TypedArray | null, G: TypedArray, reduction: LossReduction, weightSum: number, D: TypedArray,
): void {
  const { N, C, inner, ignoreIndex } = geo;
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < inner; j++) {
      const p = n * inner + j;
      const t = T[p];
      if (t === ignoreIndex) continue;
      D[n * C * inner + t * inner + j] = -(W ? W[t] : 1) * positionScale(G, p, reduction, weightSum);
    }
  }
}

/** mseLoss's input gradient 2·(input - target)·s per element. */
export function mseBackwardLoop(diff: TypedArray, G: TypedArray, reduction: LossReduction, D: TypedArray): void {
  for (let i = 0; i < D.length; i++) D[i] = 2 * diff[i] * positionScale(G, i, reduction, diff.length);
}

/** Σ of all elements, accumulated in float64 (a JavaScript number). */
export function sumAll(x: TypedArray): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) total += x[i];
  return total;
}

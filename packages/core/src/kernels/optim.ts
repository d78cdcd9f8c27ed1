import type { FloatArray, TypedArray } from '../dtype.js';

/** The optimizers' per-element update loops (for @torchlet/optim) and the gradient-clipping loops. */

export interface SgdSettings {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
}

/**
 * p -= lr·g with SGD's options, in place. The two cases every training loop hits (plain, and momentum without
 * weight decay or Nesterov after the first step) get loops of their own with no per-element option tests; the
 * general loop covers the rest. All three compute the same numbers: flipping a sign and multiplying by 1 are exact.
 */
export function sgdUpdateLoop(x: FloatArray, g: FloatArray, b: FloatArray | null, h: SgdSettings, firstMomentumStep: boolean): void {
  const { lr, momentum, dampening, nesterov, weightDecay, maximize } = h;
  const sign = maximize ? -1 : 1;
  const n = x.length;
  if (b === null && weightDecay === 0) {
    const scale = lr * sign;
    for (let i = 0; i < n; i++) x[i] -= scale * g[i];
    return;
  }
  if (b !== null && weightDecay === 0 && !nesterov && !firstMomentumStep) {
    const gScale = (1 - dampening) * sign;
    for (let i = 0; i < n; i++) {
      b[i] = momentum * b[i] + gScale * g[i];
      x[i] -= lr * b[i]; // read back, so a float32 buffer is rounded as in the general loop
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    let d = sign * g[i];
    if (weightDecay !== 0) d += weightDecay * x[i];
    if (b !== null) {
      b[i] = firstMomentumStep ? d : momentum * b[i] + (1 - dampening) * d;
      d = nesterov ? d + momentum * b[i] : b[i];
    }
    x[i] -= lr * d;
  }
}

export interface AdamSettings {
  betas: readonly [number, number];
  eps: number;
  amsgrad: boolean;
  maximize: boolean;
  /** Adam's weight decay, added to the gradient (0 for AdamW). */
  coupledDecay: number;
  /** AdamW's 1 - lr·weightDecay (1 for Adam: multiplying by 1 is exact). */
  decay: number;
  /** lr / (1 - β1^t). */
  stepSize: number;
  /** sqrt(1 - β2^t). */
  biasCorrection2Sqrt: number;
}

/**
 * One Adam/AdamW update in place. Without amsgrad or coupled weight decay (the usual configurations) a loop with no
 * per-element option tests; otherwise the general loop, with vMax the running maximum of v under amsgrad.
 */
export function adamUpdateLoop(x: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, h: AdamSettings): void {
  if (h.amsgrad || h.coupledDecay !== 0) {
    adamUpdateGeneral(x, g, m, v, vMax ?? v, h);
    return;
  }
  const [beta1, beta2] = h.betas;
  const { eps, decay, stepSize, biasCorrection2Sqrt } = h;
  const sign = h.maximize ? -1 : 1;
  const oneMinusBeta1 = 1 - beta1;
  const oneMinusBeta2 = 1 - beta2;
  for (let i = 0; i < x.length; i++) {
    // each value is read back after it is stored, so float32 state is rounded exactly as in the general loop
    const gi = sign * g[i];
    x[i] *= decay;
    m[i] += (gi - m[i]) * oneMinusBeta1;
    v[i] = beta2 * v[i] + oneMinusBeta2 * gi * gi;
    x[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / biasCorrection2Sqrt + eps);
  }
}

function adamUpdateGeneral(x: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray, h: AdamSettings): void {
  const [beta1, beta2] = h.betas;
  const { eps, amsgrad, coupledDecay, decay, stepSize, biasCorrection2Sqrt } = h;
  const sign = h.maximize ? -1 : 1;
  for (let i = 0; i < x.length; i++) {
    let gi = sign * g[i];
    if (coupledDecay !== 0) gi += coupledDecay * x[i];
    if (decay !== 1) x[i] *= decay;
    m[i] += (gi - m[i]) * (1 - beta1);
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    if (amsgrad && v[i] > vMax[i]) vMax[i] = v[i];
    x[i] -= (stepSize * m[i]) / (Math.sqrt(vMax[i]) / biasCorrection2Sqrt + eps);
  }
}

/**
 * Adds one gradient's part of a p-norm to acc: Σ|x|^p (Σx² for p = 2), or for p = Infinity the running maximum of
 * |x| (NaN propagates like torch.max).
 */
export function normAccumulate(d: TypedArray, p: number, acc: number): number {
  if (p === Infinity) {
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i]);
      if (a > acc || a !== a) acc = a;
    }
  } else if (p === 2) {
    for (let i = 0; i < d.length; i++) acc += d[i] * d[i];
  } else if (p === 1) {
    for (let i = 0; i < d.length; i++) acc += Math.abs(d[i]);
  } else {
    for (let i = 0; i < d.length; i++) acc += Math.abs(d[i]) ** p;
  }
  return acc;
}

/** Clamps every element into [-limit, limit] in place. */
export function clampMagnitudeInPlace(d: TypedArray, limit: number): void {
  for (let i = 0; i < d.length; i++) {
    if (d[i] > limit) d[i] = limit;
    else if (d[i] < -limit) d[i] = -limit;
  }
}

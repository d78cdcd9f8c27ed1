import type { Tensor } from '../../tensor.js';
import type { FloatArray } from '../../dtype.js';
import { type AdamSettings, type SgdSettings, adamUpdateLoop, clampMagnitudeInPlace, normAccumulate, sgdUpdateLoop } from '../optim.js';

/** The CPU backend's optimizer and gradient-clipping updates, in place (the caller bumps the versions). */

/** One SGD step of parameter p with gradient g and momentum buffer b (null without momentum). */
export function sgdUpdate(p: Tensor, g: Tensor, b: Tensor | null, h: SgdSettings, firstMomentumStep: boolean): void {
  sgdUpdateLoop(p.data as FloatArray, g.data as FloatArray, b ? (b.data as FloatArray) : null, h, firstMomentumStep);
}

/** One Adam/AdamW step of p with gradient g, moments m and v, and vMax under amsgrad (else null). */
export function adamUpdate(p: Tensor, g: Tensor, m: Tensor, v: Tensor, vMax: Tensor | null, h: AdamSettings): void {
  adamUpdateLoop(p.data as FloatArray, g.data as FloatArray, m.data as FloatArray, v.data as FloatArray, vMax ? (vMax.data as FloatArray) : null, h);
}

/** The p-norm of all the tensors' elements together (p > 0 or Infinity). */
export function totalNorm(tensors: readonly Tensor[], p: number): number {
  let acc = 0;
  for (const t of tensors) acc = normAccumulate(t.data, p, acc);
  if (p === Infinity || p === 1) return acc;
  return p === 2 ? Math.sqrt(acc) : acc ** (1 / p);
}

/** Every element clamped into [-limit, limit], in place. */
export function clampMagnitude_(t: Tensor, limit: number): void {
  clampMagnitudeInPlace(t.data, limit);
}

export type { AdamSettings, SgdSettings };

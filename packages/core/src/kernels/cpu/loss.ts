import type { Tensor } from '../../tensor.js';
import { empty } from './output.js';
import type { DType } from '../../dtype.js';
import {
  type ClassLossGeometry, type LossReduction, crossEntropyBackwardLoop, crossEntropyForwardLoop, mseBackwardLoop,
  nllBackwardLoop, nllForwardLoop, sumAll,
} from '../loss.js';

/** The CPU backend's losses (kernels/loss.ts). Targets are int32 tensors checked by the op. */

/**
 * Per-position cross-entropy (shaped like the target), softmax(logits) when keepProbs (for backward), and the summed
 * target weight of the non-ignored positions (the 'mean' denominator).
 */
export function crossEntropy(
  geo: ClassLossGeometry, logits: Tensor, target: Tensor, weight: Tensor | null, labelSmoothing: number, keepProbs: boolean,
): { loss: Tensor; probs: Tensor | null; weightSum: number } {
  const probs = keepProbs ? empty(logits.shape, logits.dtype) : null;
  const loss = empty(target.shape, logits.dtype);
  const weightSum = crossEntropyForwardLoop(
    geo, logits.data, target.data as Int32Array, weight ? weight.data : null, labelSmoothing, loss.data, probs ? probs.data : null,
  );
  return { loss, probs, weightSum };
}

export function crossEntropyBackward(
  geo: ClassLossGeometry, probs: Tensor, target: Tensor, weight: Tensor | null, labelSmoothing: number,
  g: Tensor, reduction: LossReduction, weightSum: number,
): Tensor {
  const gx = empty(probs.shape, g.dtype);
  crossEntropyBackwardLoop(geo, probs.data, target.data as Int32Array, weight ? weight.data : null, labelSmoothing, g.data, reduction, weightSum, gx.data);
  return gx;
}

/** Per-position NLL (shaped like the target) and the summed target weight of the non-ignored positions. */
export function nllLoss(geo: ClassLossGeometry, input: Tensor, target: Tensor, weight: Tensor | null): { loss: Tensor; weightSum: number } {
  const loss = empty(target.shape, input.dtype);
  const weightSum = nllForwardLoop(geo, input.data, target.data as Int32Array, weight ? weight.data : null, loss.data);
  return { loss, weightSum };
}

export function nllLossBackward(
  geo: ClassLossGeometry, target: Tensor, weight: Tensor | null, g: Tensor, reduction: LossReduction, weightSum: number, inShape: readonly number[],
): Tensor {
  const gx = empty(inShape, g.dtype);
  nllBackwardLoop(geo, target.data as Int32Array, weight ? weight.data : null, g.data, reduction, weightSum, gx.data);
  return gx;
}

/** mseLoss's input gradient from the saved differences input - target. */
export function mseLossBackward(diff: Tensor, g: Tensor, reduction: LossReduction): Tensor {
  const gi = empty(diff.shape, g.dtype);
  mseBackwardLoop(diff.data, g.data, reduction, gi.data);
  return gi;
}

/** A loss's output from per-position values: themselves for 'none', else their sum (÷ denominator for 'mean'), 0-d. */
export function reduceLoss(perPosition: Tensor, reduction: LossReduction, denominator: number, dtype: DType): Tensor {
  if (reduction === 'none') return perPosition;
  const total = sumAll(perPosition.data);
  const out = empty([], dtype);
  out.data[0] = reduction === 'mean' ? total / denominator : total;
  return out;
}

export type { ClassLossGeometry, LossReduction };

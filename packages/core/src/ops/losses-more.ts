import { Tensor } from '../tensor.js';
import { isFloating } from '../dtype.js';
import { checkOptionKeys } from '../options.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import { add, mul, neg, sub } from './arithmetic.js';
import { abs, clamp, exp, log } from './unary.js';
import { ge, gt, le, lt, where } from './compare.js';
import { mean, sum } from './reduction.js';
import type { Reduction } from './loss.js';

/**
 * PyTorch's elementwise losses beyond mseLoss: binary cross-entropy (on probabilities and on logits), L1, smooth L1,
 * Huber and KL divergence. Each is a composition of differentiable ops, so its gradient (to input and target, and to
 * any order) comes from theirs; every branch is arranged so the side `where` does not pick stays finite, because a
 * NaN or infinite gradient there would still poison the sum.
 */

export interface WeightedLossOptions {
  /** Multiplies each element's loss; broadcast to the input's shape. Default none. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** Options of binaryCrossEntropyWithLogits: weight, reduction (default 'mean') and posWeight. */
export interface BceWithLogitsOptions extends WeightedLossOptions {
  /** The weight of positive examples, broadcast along the last (class) dim: > 1 raises recall. Default none. */
  posWeight?: Tensor | null;
}

/** Options of l1Loss and the losses built on it: `reduction`, 'mean' (default), 'sum' or 'none'. */
export interface ReductionOptions {
  reduction?: Reduction;
}

/** Options of smoothL1Loss: reduction (default 'mean') and beta. */
export interface SmoothL1Options extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (>= 0; 0 is L1). Default 1. */
  beta?: number;
}

/** Options of huberLoss: reduction (default 'mean') and delta. */
export interface HuberOptions extends ReductionOptions {
  /** Where the loss turns from quadratic to linear (> 0). Default 1. */
  delta?: number;
}

/** Options of klDiv (torch.nn.functional.kl_div): reduction (default 'mean') and logTarget. */
export interface KlDivOptions {
  /** 'batchmean' (sum / batch size) is the mathematically right KL divergence; 'mean' (PyTorch's default) averages elements. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities. Default false. */
  logTarget?: boolean;
}

/**
 * torch.nn.functional.binary_cross_entropy: -w·(y·log(x) + (1 - y)·log(1 - x)) on probabilities x in [0, 1],
 * each log clamped at -100 as PyTorch does so that x = 0 or 1 gives a finite loss.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: WeightedLossOptions = {}, ...extra: never[]): Tensor {
  const op = 'binaryCrossEntropy';
  const { weight, reduction } = lossArgs(op, input, target, options, ['weight', 'reduction'], extra);
  const inRange = sum(mul(ge(input, 0), le(input, 1))).item();
  if (inRange !== input.numel()) throw new Error(`${op}: every element of input must be a probability in [0, 1] (${input.numel() - inRange} are not); use binaryCrossEntropyWithLogits on raw scores`);
  const logP = clamp(log(input), { min: -100 });
  const log1mP = clamp(log(sub(1, input)), { min: -100 });
  const loss = neg(add(mul(target, logP), mul(sub(1, target), log1mP)));
  return reduce(applyWeight(op, loss, weight), reduction);
}

/**
 * torch.nn.functional.binary_cross_entropy_with_logits on raw scores x: (1 - y)·x + l·softplus(-x) with
 * l = 1 + (posWeight - 1)·y, times weight. softplus(-x) = log(1 + exp(-x)) is taken as log(1 + exp(-x)) where x >= 0
 * and -x + log(1 + exp(x)) where x < 0, so exp never overflows and the gradient at x = 0 is the true one (-1/2), which
 * the |x|-form max(x, 0) - x·y + log(1 + exp(-|x|)) would lose (both kinks give 0 there).
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BceWithLogitsOptions = {}, ...extra: never[]): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const { weight, reduction, posWeight } = lossArgs(op, input, target, options, ['weight', 'reduction', 'posWeight'], extra);
  const nonNegative = clamp(input, { min: 0 });
  const nonPositive = clamp(input, { max: 0 });
  const softplusNegX = where(
    ge(input, 0),
    log(add(1, exp(neg(nonNegative)))),
    sub(log(add(1, exp(nonPositive))), nonPositive),
  );
  let loss: Tensor;
  if (posWeight) {
    checkBroadcastsTo(op, 'posWeight', posWeight, input.shape);
    const logWeight = add(1, mul(sub(posWeight, 1), target));
    loss = add(mul(sub(1, target), input), mul(logWeight, softplusNegX));
  } else {
    loss = add(mul(sub(1, target), input), softplusNegX);
  }
  return reduce(applyWeight(op, loss, weight), reduction);
}

/** torch.nn.functional.l1_loss: |input - target|, reduced (the gradient at 0 is 0, as PyTorch's sign). */
export function l1Loss(input: Tensor, target: Tensor, options: ReductionOptions = {}, ...extra: never[]): Tensor {
  const { reduction } = lossArgs('l1Loss', input, target, options, ['reduction'], extra);
  return reduce(abs(sub(input, target)), reduction);
}

/**
 * torch.nn.functional.smooth_l1_loss: 0.5·d²/beta where |d| < beta, |d| - 0.5·beta elsewhere. beta 0 is l1Loss,
 * gradient included (0 where d = 0; PyTorch 1.13's beta-0 kernel gives -1 there to both input and target).
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1Options = {}, ...extra: never[]): Tensor {
  const op = 'smoothL1Loss';
  const { reduction } = lossArgs(op, input, target, options, ['reduction', 'beta'], extra);
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !(beta >= 0) || beta === Infinity) throw new Error(`${op}: beta must be a finite number >= 0, got ${JSON.stringify(beta)}`);
  const d = sub(input, target);
  const ad = abs(d);
  if (beta === 0) return reduce(ad, reduction);
  return reduce(where(lt(ad, beta), mul(mul(d, d), 0.5 / beta), sub(ad, 0.5 * beta)), reduction);
}

/** torch.nn.functional.huber_loss: 0.5·d² where |d| < delta, delta·(|d| - 0.5·delta) elsewhere. */
export function huberLoss(input: Tensor, target: Tensor, options: HuberOptions = {}, ...extra: never[]): Tensor {
  const op = 'huberLoss';
  const { reduction } = lossArgs(op, input, target, options, ['reduction', 'delta'], extra);
  const delta = options.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0) || delta === Infinity) throw new Error(`${op}: delta must be a finite number > 0, got ${JSON.stringify(delta)}`);
  const d = sub(input, target);
  const ad = abs(d);
  return reduce(where(lt(ad, delta), mul(mul(d, d), 0.5), mul(sub(ad, 0.5 * delta), delta)), reduction);
}

/**
 * torch.nn.functional.kl_div with input as log-probabilities: target·(log(target) - input), 0 where target is 0
 * (PyTorch's xlogy); with logTarget, exp(target)·(target - input). Where the target is 0 its gradient is -input
 * (the xlogy term is held at 0), where PyTorch's is NaN; the input's gradient is PyTorch's everywhere.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}, ...extra: never[]): Tensor {
  const op = 'klDiv';
  checkLossTensors(op, input, target, options, extra);
  checkOptionKeys(op, options, ['reduction', 'logTarget']);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'batchmean') checkReduction(op, reduction);
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') throw new TypeError(`${op}: logTarget must be a boolean, got ${JSON.stringify(logTarget)}`);
  let loss: Tensor;
  if (logTarget) {
    loss = mul(exp(target), sub(target, input));
  } else {
    const positive = gt(target, 0);
    const safeTarget = where(positive, target, 1); // log(1) = 0 where the target is 0, so no -inf or NaN gradient
    loss = sub(where(positive, mul(target, log(safeTarget)), 0), mul(target, input));
  }
  if (reduction === 'batchmean') {
    const batch = input.ndim === 0 ? 1 : input.shape[0];
    return mul(sum(loss), 1 / batch);
  }
  return reduce(loss, reduction);
}

interface LossArgs {
  weight: Tensor | null;
  posWeight: Tensor | null;
  reduction: Reduction;
}

function lossArgs(op: string, input: Tensor, target: Tensor, options: WeightedLossOptions & BceWithLogitsOptions, known: readonly string[], extra: readonly unknown[]): LossArgs {
  checkLossTensors(op, input, target, options, extra);
  checkOptionKeys(op, options, known);
  const weight = options.weight ?? null;
  const posWeight = options.posWeight ?? null;
  for (const [name, value] of [['weight', weight], ['posWeight', posWeight]] as const) {
    if (value !== null && !(value instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${describe(value)}`);
  }
  return { weight, posWeight, reduction: checkReduction(op, options.reduction ?? 'mean') };
}

function checkLossTensors(op: string, input: unknown, target: unknown, options: unknown, extra: readonly unknown[]): asserts input is Tensor {
  if (!(input instanceof Tensor) || !(target instanceof Tensor)) {
    throw new TypeError(`${op}: expected input and target Tensors, got ${describe(input)} and ${describe(target)}`);
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options instanceof Tensor) {
    throw new TypeError(`${op}: expected an options object as the third argument, got ${describe(options)}`);
  }
  if (extra.length) throw new TypeError(`${op}: takes (input, target, options); got ${3 + extra.length} arguments`);
  if (!isFloating(input.dtype) || !isFloating(target.dtype)) {
    throw new Error(`${op}: expected floating-point input and target, got ${input.dtype} and ${target.dtype}`);
  }
  // PyTorch broadcasts with a warning that the result is likely wrong; torchlet refuses, as mseLoss does.
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(`${op}: input of shape ${formatShape(input.shape)} and target of shape ${formatShape(target.shape)} must have the same shape`);
  }
}

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

function checkBroadcastsTo(op: string, name: string, t: Tensor, shape: readonly number[]): void {
  const joint = broadcastShapes(t.shape, shape);
  if (!joint || !sameShape(joint, shape)) {
    throw new Error(`${op}: ${name} of shape ${formatShape(t.shape)} does not broadcast to the input's shape ${formatShape(shape)}`);
  }
}

function applyWeight(op: string, loss: Tensor, weight: Tensor | null): Tensor {
  if (weight === null) return loss;
  checkBroadcastsTo(op, 'weight', weight, loss.shape);
  return mul(loss, weight);
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `Tensor ${value.dtype} ${formatShape(value.shape)}`;
  if (value === null) return 'null';
  return typeof value === 'object' ? ((value as object).constructor?.name ?? 'Object') : typeof value;
}

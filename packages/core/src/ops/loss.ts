import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import { type OpContext, isGradEnabled } from '../tape.js';
import { isFloating, promoteTypes } from '../dtype.js';
import { formatShape, numelOf, sameShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { checkOptionKeys, rejectExtraArguments } from '../options.js';
import { crossEntropyOfProbabilities } from './cross-entropy-probs.js';
import type { CrossEntropyOptions, MseLossOptions, NllLossOptions, Reduction } from './loss-options.js';
import { add, mul, neg, sub } from './arithmetic.js';
import { reshape } from './shape.js';
import { softmax } from './softmax.js';

export type { CrossEntropyOptions, MseLossOptions, NllLossOptions, Reduction } from './loss-options.js';

interface ClassLossConfig {
  reduction: Reduction;
  ignoreIndex: number;
  weight: Tensor | null;
  labelSmoothing: number;
}

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

function classLossConfig(op: string, options: CrossEntropyOptions | undefined, allowed: readonly string[]): ClassLossConfig {
  const opts = options ?? {};
  checkOptionKeys(op, opts, allowed);
  const { reduction = 'mean', ignoreIndex = -100, weight = null, labelSmoothing = 0 } = opts;
  if (!Number.isInteger(ignoreIndex)) throw new Error(`${op}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  if (weight !== null && !(weight instanceof Tensor)) throw new TypeError(`${op}: weight must be a Tensor, got ${typeof weight}`);
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(`${op}: labelSmoothing must be between 0 and 1, got ${labelSmoothing}`);
  }
  return { reduction: checkReduction(op, reduction), ignoreIndex, weight, labelSmoothing };
}

/** Input [N, C, d1, ...] (or [C]) seen as [N, C, inner] against target [N, d1, ...] (or []), and the ignored class. */
type ClassLayout = kernels.ClassLossGeometry;

/** Checks input, target and weight of a class-index loss; names the op and what was expected. */
function classLayout(op: string, input: Tensor, target: Tensor, config: ClassLossConfig): ClassLayout {
  if (!isFloating(input.dtype)) throw new Error(`${op}: expected floating-point input, got ${input.dtype}`);
  if (target.dtype !== 'int32') throw new Error(`${op}: expected target of dtype int32 (class indices), got ${target.dtype}`);
  if (input.ndim === 0) throw new Error(`${op}: expected input of shape [N, C], [N, C, d1, ...] or [C], got []`);
  const unbatched = input.ndim === 1;
  const expected = unbatched ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (!sameShape(target.shape, expected)) {
    throw new Error(
      `${op}: target of shape ${formatShape(target.shape)} does not match input of shape ${formatShape(input.shape)} ` +
        `(expected target shape ${formatShape(expected)})`,
    );
  }
  const C = unbatched ? input.shape[0] : input.shape[1];
  const { weight, ignoreIndex } = config;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C || !isFloating(weight.dtype))) {
    throw new Error(`${op}: weight must be a floating-point tensor of shape [${C}] (one weight per class), got ${weight.dtype} ${formatShape(weight.shape)}`);
  }
  const bad = kernels.findOutOfRange(target, 0, C, ignoreIndex);
  if (bad) {
    throw new Error(`${op}: target ${bad.value} at flat index ${bad.index} is out of bounds: expected a class index in [0, ${C}) or ignoreIndex ${ignoreIndex}`);
  }
  return { N: unbatched ? 1 : input.shape[0], C, inner: numelOf(input.shape.slice(2)), ignoreIndex };
}

interface CrossEntropyState extends ClassLossConfig, ClassLayout {
  /** softmax(logits), kept only when a gradient is wanted. */
  probs: Tensor;
  /** Σ of target weights over non-ignored positions: the 'mean' denominator. */
  weightSum: number;
  inShape: readonly number[];
}

/**
 * cross_entropy with class-index targets, fused: log-softmax and NLL in one pass per position,
 * with the closed-form gradient (softmax - smoothed onehot) · g / N, so no log-probability tensor is made.
 * With ε = labelSmoothing and weights w (1 without `weight`), each non-ignored position i with target t contributes
 *   (1 - ε)·w_t·(-log p_t) + (ε / C)·Σ_c w_c·(-log p_c),
 * and 'mean' divides the sum by Σ_i w_t(i), exactly as PyTorch does.
 */
const crossEntropyOfIndices = defineOp({
  name: 'crossEntropy',
  signatures: {
    'Tensor, Tensor': (logits: Tensor, target: Tensor): [Tensor, Tensor, ClassLossConfig] => [logits, target, classLossConfig('crossEntropy', undefined, [])],
    'Tensor, Tensor, Object | undefined': (logits: Tensor, target: Tensor, options: CrossEntropyOptions | undefined): [Tensor, Tensor, ClassLossConfig] => [
      logits,
      target,
      classLossConfig('crossEntropy', options, ['reduction', 'ignoreIndex', 'weight', 'labelSmoothing']),
    ],
  },
  forward(ctx: OpContext<CrossEntropyState>, logits: Tensor, target: Tensor, config: ClassLossConfig) {
    const layout = classLayout('crossEntropy', logits, target, config);
    const { loss, probs, weightSum } = kernels.crossEntropy(layout, logits, target, config.weight, config.labelSmoothing, ctx.recording);
    if (probs) {
      ctx.save(...(config.weight ? [target, config.weight] : [target]), logits);
      ctx.state = { ...config, ...layout, probs, weightSum, inShape: logits.shape };
    }
    return kernels.reduceLoss(loss, config.reduction, weightSum, logits.dtype);
  },
  backward(ctx, g) {
    const saved = ctx.saved;
    const [target] = saved;
    const { probs, weightSum, reduction, labelSmoothing, weight } = ctx.state;
    // isGradEnabled: a createGraph backward, whose gradient must be recorded
    if (isGradEnabled()) return [crossEntropyGradientInOps(ctx.state, saved[saved.length - 1], target, g), null, null];
    return [kernels.crossEntropyBackward(ctx.state, probs, target, weight, labelSmoothing, g, reduction, weightSum), null, null];
  },
}) as unknown as (logits: Tensor, target: Tensor, options?: CrossEntropyOptions) => Tensor;

/**
 * torch.nn.functional.cross_entropy. The target is either class indices (int32 [N, d1, ...], the fused op above) or,
 * as PyTorch >= 1.10, class probabilities: a floating tensor of the input's shape (crossEntropyOfProbabilities).
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): Tensor {
  rejectExtraArguments('crossEntropy', 3, arguments.length);
  if (input instanceof Tensor && target instanceof Tensor && isFloating(target.dtype)) return crossEntropyOfProbabilities(input, target, options);
  return crossEntropyOfIndices(input, target, options);
}

/**
 * crossEntropy's gradient in ops, for createGraph. The fused kernel's gradient is affine in the probabilities,
 * g·(A⊙p + B), with A and B fixed by the targets, weights and smoothing: the kernel gives A and B (at p = 0 and
 * p = 1), softmax(logits) is recomputed with ops, so the gradient is differentiable to every order.
 */
function crossEntropyGradientInOps(state: CrossEntropyState, logits: Tensor, target: Tensor, g: Tensor): Tensor {
  const { probs, weightSum, reduction, labelSmoothing, weight } = state;
  const ones = kernels.full(g.shape, 1, g.dtype, g.device);
  const at = (p: number): Tensor =>
    kernels.crossEntropyBackward(state, kernels.full(probs.shape, p, probs.dtype, probs.device), target, weight, labelSmoothing, ones, reduction, weightSum);
  const B = at(0);
  const A = kernels.binary('sub', at(1), B, B.shape, B.dtype);
  const p = softmax(logits, logits.ndim === 1 ? 0 : 1);
  return mul(add(mul(A, p), B), perPosition(g, logits.shape));
}

/** An upstream gradient (one per position for reduction 'none', else 0-d) broadcastable against [N, C, ...]. */
function perPosition(g: Tensor, inShape: readonly number[]): Tensor {
  return g.ndim === 0 ? g : reshape(g, [inShape[0], 1, ...inShape.slice(2)]);
}

interface NllState extends ClassLossConfig, ClassLayout {
  weightSum: number;
  inShape: readonly number[];
}

/** torch.nn.functional.nll_loss: -w_t · input[t] per position, input holding log-probabilities. */
export const nllLoss = defineOp({
  name: 'nllLoss',
  signatures: {
    'Tensor, Tensor': (input: Tensor, target: Tensor): [Tensor, Tensor, ClassLossConfig] => [input, target, classLossConfig('nllLoss', undefined, [])],
    'Tensor, Tensor, Object | undefined': (input: Tensor, target: Tensor, options: NllLossOptions | undefined): [Tensor, Tensor, ClassLossConfig] => [
      input,
      target,
      classLossConfig('nllLoss', options, ['reduction', 'ignoreIndex', 'weight']),
    ],
  },
  forward(ctx: OpContext<NllState>, input: Tensor, target: Tensor, config: ClassLossConfig) {
    const layout = classLayout('nllLoss', input, target, config);
    const { loss, weightSum } = kernels.nllLoss(layout, input, target, config.weight);
    ctx.save(...(config.weight ? [target, config.weight] : [target]));
    ctx.state = { ...config, ...layout, weightSum, inShape: input.shape };
    return kernels.reduceLoss(loss, config.reduction, weightSum, input.dtype);
  },
  backward(ctx, g) {
    const [target] = ctx.saved;
    const { weightSum, reduction, weight, inShape } = ctx.state;
    if (isGradEnabled()) {
      // a createGraph backward: the gradient is g times a constant of the targets, so write that product as an op
      const perUnitG = kernels.nllLossBackward(ctx.state, target, weight, kernels.full(g.shape, 1, g.dtype, g.device), reduction, weightSum, inShape);
      return [mul(perUnitG, perPosition(g, inShape)), null, null];
    }
    return [kernels.nllLossBackward(ctx.state, target, weight, g, reduction, weightSum, inShape), null, null];
  },
}) as unknown as (input: Tensor, target: Tensor, options?: NllLossOptions) => Tensor;

interface MseState {
  reduction: Reduction;
  /** input - target. */
  diff: Tensor;
}

/**
 * torch.nn.functional.mse_loss: (input - target)², reduced. Both may require grad. Shapes must match: PyTorch
 * broadcasts here but warns that the result is likely wrong, and torchlet never returns that silently.
 */
export const mseLoss = defineOp({
  name: 'mseLoss',
  signatures: {
    'Tensor, Tensor': (input: Tensor, target: Tensor): [Tensor, Tensor, Reduction] => [input, target, 'mean'],
    'Tensor, Tensor, Object | undefined': (input: Tensor, target: Tensor, options: MseLossOptions | undefined): [Tensor, Tensor, Reduction] => {
      const opts = options ?? {};
      checkOptionKeys('mseLoss', opts, ['reduction']);
      return [input, target, checkReduction('mseLoss', opts.reduction ?? 'mean')];
    },
  },
  forward(ctx: OpContext<MseState>, input: Tensor, target: Tensor, reduction: Reduction) {
    if (!isFloating(input.dtype) || !isFloating(target.dtype)) {
      throw new Error(`mseLoss: expected floating-point input and target, got ${input.dtype} and ${target.dtype}`);
    }
    if (!sameShape(input.shape, target.shape)) {
      throw new Error(`mseLoss: input of shape ${formatShape(input.shape)} and target of shape ${formatShape(target.shape)} must have the same shape`);
    }
    const dtype = promoteTypes(input.dtype, target.dtype);
    const diff = kernels.binary('sub', input, target, input.shape, dtype);
    if (ctx.recording) {
      ctx.save(input, target);
      ctx.state = { reduction, diff };
    }
    const squares = kernels.binary('mul', diff, diff, diff.shape, dtype);
    return kernels.reduceLoss(squares, reduction, squares.numel(), dtype);
  },
  backward(ctx, g) {
    const { reduction, diff } = ctx.state;
    if (isGradEnabled()) {
      // a createGraph backward: 2·(input - target)·g (/ n for 'mean') in ops, so that it is recorded
      const [input, target] = ctx.saved;
      const gIn = mul(mul(sub(input, target), g), reduction === 'mean' ? 2 / input.numel() : 2);
      return [ctx.needsInputGrad[0] ? gIn : null, ctx.needsInputGrad[1] ? neg(gIn) : null, null];
    }
    const gi = kernels.mseLossBackward(diff, g, reduction);
    return [ctx.needsInputGrad[0] ? gi : null, ctx.needsInputGrad[1] ? kernels.neg(gi, gi.dtype) : null, null];
  },
}) as unknown as (input: Tensor, target: Tensor, options?: MseLossOptions) => Tensor;

import {
  Tensor, binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, huberLoss, klDiv, l1Loss, mseLoss, nllLoss,
  smoothL1Loss,
} from '@torchlet/core';
import { Module } from '../module.js';
import { layerArgs, refuseDeprecated } from './options.js';

/** How a loss module reduces its elementwise values, as PyTorch's `reduction`: 'mean' (default), 'sum' or 'none'. */
export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

/** PyTorch's deprecated size_average/reduce positions: accepted as null/undefined only (see refuseDeprecated). */
const DEPRECATED = ['sizeAverage', 'reduce'] as const;

/** A loss constructor's arguments in PyTorch's positional order or as options; the deprecated pair is refused. */
function lossArgs<O extends object>(op: string, rest: readonly unknown[], positional: readonly string[]): O {
  const options = layerArgs<O & Record<string, unknown>>(op, rest, positional);
  refuseDeprecated(op, options, DEPRECATED);
  return options;
}

/**
 * Options of NLLLoss, as torch.nn.NLLLoss's: weight, reduction (default 'mean'), ignoreIndex (targets that count for nothing,
 * default -100).
 */
export interface NLLLossOptions {
  /** Per-class weights [C]; kept as the buffer `weight`, as in PyTorch. */
  weight?: Tensor | null;
  reduction?: Reduction;
  ignoreIndex?: number;
}

/**
 * Options of CrossEntropyLoss: NLLLoss's plus labelSmoothing, ε in [0, 1] mixing the target with the uniform distribution (default
 * 0).
 */
export interface CrossEntropyLossOptions extends NLLLossOptions {
  labelSmoothing?: number;
}

const NLL_ARGS = ['weight', 'sizeAverage', 'ignoreIndex', 'reduce', 'reduction'];
const CROSS_ENTROPY_ARGS = [...NLL_ARGS, 'labelSmoothing'];

/** Negative log-likelihood of log-probabilities [N, C] at int32 class targets [N]. */
export class NLLLoss extends Module {
  readonly reduction: Reduction;
  readonly ignoreIndex: number;

  constructor(options?: NLLLossOptions);
  /** PyTorch's positional form `NLLLoss(weight, sizeAverage, ignoreIndex, reduce, reduction)` (sizeAverage and reduce must be null). */
  constructor(weight?: Tensor | null, sizeAverage?: null, ignoreIndex?: number, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    super();
    const name = this.constructor.name;
    const options = lossArgs<CrossEntropyLossOptions>(name, args, name === 'CrossEntropyLoss' ? CROSS_ENTROPY_ARGS : NLL_ARGS);
    this.reduction = checkReduction(name, options.reduction ?? 'mean');
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.registerBuffer('weight', options.weight ?? null);
  }

  /** The buffer registered in the constructor. */
  declare readonly weight: Tensor | null;

  forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, reduction: this.reduction, ignoreIndex: this.ignoreIndex });
  }
}

/** logSoftmax followed by NLLLoss, on raw logits [N, C] and int32 class targets [N]. */
export class CrossEntropyLoss extends NLLLoss {
  readonly labelSmoothing: number;

  constructor(options?: CrossEntropyLossOptions);
  /** PyTorch's positional form `CrossEntropyLoss(weight, sizeAverage, ignoreIndex, reduce, reduction, labelSmoothing)`. */
  constructor(weight?: Tensor | null, sizeAverage?: null, ignoreIndex?: number, reduce?: null, reduction?: Reduction, labelSmoothing?: number);
  constructor(...args: unknown[]) {
    super(...(args as [])); // parses and checks every argument, labelSmoothing's position included
    this.labelSmoothing = lossArgs<CrossEntropyLossOptions>('CrossEntropyLoss', args, CROSS_ENTROPY_ARGS).labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) throw new Error(`CrossEntropyLoss: labelSmoothing must be in [0, 1], got ${this.labelSmoothing}`);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, reduction: this.reduction, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing,
    });
  }
}

/** A loss of two same-shaped tensors whose only setting is the reduction (and, for some, one number). */
abstract class PairLoss extends Module {
  readonly reduction: Reduction;

  protected constructor(op: string, options: { reduction?: Reduction }) {
    super();
    this.reduction = checkReduction(op, options.reduction ?? 'mean');
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

/** Mean squared error between input and target of the same shape. */
export class MSELoss extends PairLoss {
  constructor(options?: { reduction?: Reduction });
  /** PyTorch's positional form `MSELoss(sizeAverage, reduce, reduction)`. */
  constructor(sizeAverage?: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    super('MSELoss', lossArgs('MSELoss', args, ['sizeAverage', 'reduce', 'reduction']));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error, like torch.nn.L1Loss. */
export class L1Loss extends PairLoss {
  constructor(options?: { reduction?: Reduction });
  /** PyTorch's positional form `L1Loss(sizeAverage, reduce, reduction)`. */
  constructor(sizeAverage?: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    super('L1Loss', lossArgs('L1Loss', args, ['sizeAverage', 'reduce', 'reduction']));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Quadratic below beta, linear above, like torch.nn.SmoothL1Loss. */
export class SmoothL1Loss extends PairLoss {
  readonly beta: number;

  constructor(options?: { reduction?: Reduction; beta?: number });
  /** PyTorch's positional form `SmoothL1Loss(sizeAverage, reduce, reduction, beta)`. */
  constructor(sizeAverage?: null, reduce?: null, reduction?: Reduction, beta?: number);
  constructor(...args: unknown[]) {
    const options = lossArgs<{ reduction?: Reduction; beta?: number }>('SmoothL1Loss', args, ['sizeAverage', 'reduce', 'reduction', 'beta']);
    super('SmoothL1Loss', options);
    this.beta = options.beta ?? 1;
    if (typeof this.beta !== 'number' || !(this.beta >= 0) || this.beta === Infinity) throw new Error(`SmoothL1Loss: beta must be a finite number >= 0, got ${JSON.stringify(this.beta)}`);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Quadratic below delta, delta-scaled linear above, like torch.nn.HuberLoss. */
export class HuberLoss extends PairLoss {
  readonly delta: number;

  constructor(options?: { reduction?: Reduction; delta?: number });
  /** PyTorch's positional form `HuberLoss(reduction, delta)`. */
  constructor(reduction?: Reduction, delta?: number);
  constructor(...args: unknown[]) {
    const options = layerArgs<{ reduction?: Reduction; delta?: number }>('HuberLoss', args, ['reduction', 'delta']);
    super('HuberLoss', options);
    this.delta = options.delta ?? 1;
    if (typeof this.delta !== 'number' || !(this.delta > 0) || this.delta === Infinity) throw new Error(`HuberLoss: delta must be a finite number > 0, got ${JSON.stringify(this.delta)}`);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/** Options of BCELoss, as torch.nn.BCELoss's: weight and reduction (default 'mean'). */
export interface BCELossOptions {
  /** Rescales each element's loss; kept as the buffer `weight`. */
  weight?: Tensor | null;
  reduction?: Reduction;
}

/** Binary cross-entropy on probabilities, like torch.nn.BCELoss. */
export class BCELoss extends PairLoss {
  constructor(options?: BCELossOptions);
  /** PyTorch's positional form `BCELoss(weight, sizeAverage, reduce, reduction)`. */
  constructor(weight?: Tensor | null, sizeAverage?: null, reduce?: null, reduction?: Reduction);
  constructor(...args: unknown[]) {
    const options = lossArgs<BCELossOptions>('BCELoss', args, ['weight', 'sizeAverage', 'reduce', 'reduction']);
    super('BCELoss', options);
    this.registerBuffer('weight', options.weight ?? null);
  }

  declare readonly weight: Tensor | null;

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Options of BCEWithLogitsLoss: BCELoss's plus posWeight. */
export interface BCEWithLogitsLossOptions extends BCELossOptions {
  /** Weight of positive examples per class; kept as the buffer `pos_weight` (PyTorch's key). */
  posWeight?: Tensor | null;
}

/** Sigmoid and binary cross-entropy in one numerically stable step, like torch.nn.BCEWithLogitsLoss. */
export class BCEWithLogitsLoss extends PairLoss {
  constructor(options?: BCEWithLogitsLossOptions);
  /** PyTorch's positional form `BCEWithLogitsLoss(weight, sizeAverage, reduce, reduction, posWeight)`. */
  constructor(weight?: Tensor | null, sizeAverage?: null, reduce?: null, reduction?: Reduction, posWeight?: Tensor | null);
  constructor(...args: unknown[]) {
    const options = lossArgs<BCEWithLogitsLossOptions>('BCEWithLogitsLoss', args, ['weight', 'sizeAverage', 'reduce', 'reduction', 'posWeight']);
    super('BCEWithLogitsLoss', options);
    this.registerBuffer('weight', options.weight ?? null);
    this.registerBuffer('pos_weight', options.posWeight ?? null);
  }

  declare readonly weight: Tensor | null;

  get posWeight(): Tensor | null {
    return this.getBuffer('pos_weight');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}

/** KLDivLoss's reduction: the usual three or 'batchmean' (the sum divided by the batch size, the true KL divergence). */
export type KLDivReduction = Reduction | 'batchmean';

/** KL divergence of log-probability inputs from targets, like torch.nn.KLDivLoss. */
export class KLDivLoss extends Module {
  readonly reduction: KLDivReduction;
  readonly logTarget: boolean;

  constructor(options?: { reduction?: KLDivReduction; logTarget?: boolean });
  /** PyTorch's positional form `KLDivLoss(sizeAverage, reduce, reduction, logTarget)`. */
  constructor(sizeAverage?: null, reduce?: null, reduction?: KLDivReduction, logTarget?: boolean);
  constructor(...args: unknown[]) {
    super();
    const options = lossArgs<{ reduction?: KLDivReduction; logTarget?: boolean }>('KLDivLoss', args, ['sizeAverage', 'reduce', 'reduction', 'logTarget']);
    this.reduction = options.reduction ?? 'mean';
    this.logTarget = options.logTarget ?? false;
    if (this.reduction !== 'batchmean') checkReduction('KLDivLoss', this.reduction);
    if (typeof this.logTarget !== 'boolean') throw new TypeError(`KLDivLoss: logTarget must be a boolean, got ${JSON.stringify(this.logTarget)}`);
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

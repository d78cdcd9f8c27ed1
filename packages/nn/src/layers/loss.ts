import { Tensor, crossEntropy, mseLoss, nllLoss } from '@torchlet/core';
import { Module } from '../module.js';

export type Reduction = 'mean' | 'sum' | 'none';

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

export interface NLLLossOptions {
  /** Per-class weights [C]; kept as the buffer `weight`, as in PyTorch. */
  weight?: Tensor | null;
  reduction?: Reduction;
  ignoreIndex?: number;
}

export interface CrossEntropyLossOptions extends NLLLossOptions {
  labelSmoothing?: number;
}

/** Negative log-likelihood of log-probabilities [N, C] at int32 class targets [N]. */
export class NLLLoss extends Module {
  readonly reduction: Reduction;
  readonly ignoreIndex: number;

  constructor(options: NLLLossOptions = {}) {
    super();
    this.reduction = checkReduction(this.constructor.name, options.reduction ?? 'mean');
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

  constructor(options: CrossEntropyLossOptions = {}) {
    super(options);
    this.labelSmoothing = options.labelSmoothing ?? 0;
    if (!(this.labelSmoothing >= 0 && this.labelSmoothing <= 1)) throw new Error(`CrossEntropyLoss: labelSmoothing must be in [0, 1], got ${this.labelSmoothing}`);
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, reduction: this.reduction, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing,
    });
  }
}

/** Mean squared error between input and target of the same shape. */
export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(options: { reduction?: Reduction } = {}) {
    super();
    this.reduction = checkReduction('MSELoss', options.reduction ?? 'mean');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

import { Tensor, add, add_, div, fullLike, mul, sqrt } from '@torchlet/core';
import { checkBoolean, checkNonNegative } from './check.js';
import { Optimizer, type Hyperparameters, type ParamGroup, type ParamGroupInput, type Params } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * Adagrad's per-group hyperparameters, as torch.optim.Adagrad's: lr (default 1e-2), lrDecay, weightDecay and
 * initialAccumulatorValue (default 0), eps (default 1e-10), maximize (default false).
 */
export interface AdagradHyperparameters extends Hyperparameters {
  /** The step's lr is lr / (1 + (step - 1)·lrDecay). */
  lrDecay: number;
  weightDecay: number;
  /** The starting value of each parameter's sum of squared gradients. */
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/** Adagrad's constructor options: any of the hyperparameters, the defaults filling the rest. */
export type AdagradOptions = Partial<AdagradHyperparameters>;

/**
 * Adagrad, like torch.optim.Adagrad, step for step: g = -g if maximize; g += weightDecay·p; s += g²;
 * p -= lr/(1 + (t - 1)·lrDecay) · g/(sqrt(s) + eps). As in PyTorch, each parameter's state (step 0 and the sum
 * filled with initialAccumulatorValue) exists from the moment its group is added.
 */
export class Adagrad extends Optimizer<AdagradHyperparameters> {
  protected readonly stateFields = { step: 'count', sum: 'buffer' } as const;

  constructor(params: Params<AdagradHyperparameters>, options?: AdagradOptions);
  /** PyTorch's positional form `Adagrad(params, lr, lrDecay, weightDecay, initialAccumulatorValue, eps)`. */
  constructor(
    params: Params<AdagradHyperparameters>, lr?: number, lrDecay?: number, weightDecay?: number, initialAccumulatorValue?: number,
    eps?: number, options?: Pick<AdagradOptions, 'maximize'>,
  );
  constructor(params: Params<AdagradHyperparameters>, ...args: unknown[]) {
    const options = optimizerOptions<AdagradOptions>('Adagrad', args, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps']);
    super(params, options, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false });
  }

  override addParamGroup(input: ParamGroupInput<AdagradHyperparameters>): void {
    super.addParamGroup(input);
    const group = this.paramGroups[this.paramGroups.length - 1];
    for (const p of group.params) this.state.set(p, { step: 0, sum: fullLike(p, group.initialAccumulatorValue) });
  }

  protected checkHyperparameters(h: AdagradHyperparameters, where: string): void {
    checkNonNegative(this.name, 'learning rate', h.lr, where);
    checkNonNegative(this.name, 'lr decay', h.lrDecay, where);
    checkNonNegative(this.name, 'weight decay', h.weightDecay, where);
    checkNonNegative(this.name, 'initial accumulator value', h.initialAccumulatorValue, where);
    checkNonNegative(this.name, 'eps', h.eps, where);
    checkBoolean(this.name, 'maximize', h.maximize, where);
  }

  protected updateGroup(group: ParamGroup<AdagradHyperparameters>): void {
    const { lr, lrDecay, eps } = group;
    for (const { p, g, step, state } of this.regularizedGradients(group)) {
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum: Tensor = (state.sum ??= fullLike(p, group.initialAccumulatorValue));
      add_(sum, mul(g, g));
      add_(p, div(g, add(sqrt(sum), eps)), { alpha: -clr });
    }
  }
}

import { add, add_, div, mul, mul_, sqrt, sub } from '@torchlet/core';
import { checkBoolean, checkNonNegative } from './check.js';
import { Optimizer, type Hyperparameters, type ParamGroup, type Params } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * RMSprop's per-group hyperparameters, as torch.optim.RMSprop's: lr (default 1e-2), alpha (default 0.99), eps (default 1e-8),
 * weightDecay and momentum (default 0), centered and maximize (default false).
 */
export interface RMSpropHyperparameters extends Hyperparameters {
  /** Smoothing constant of the running average of squared gradients. */
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  /** Divide by the estimated variance (E[g²] - E[g]²) instead of E[g²]. */
  centered: boolean;
  maximize: boolean;
}

/** RMSprop's constructor options: any of the hyperparameters, the defaults filling the rest. */
export type RMSpropOptions = Partial<RMSpropHyperparameters>;

/**
 * RMSprop, like torch.optim.RMSprop, step for step: g = -g if maximize; g += weightDecay·p;
 * v = alpha·v + (1 - alpha)·g²; centered: m = alpha·m + (1 - alpha)·g and v̂ = v - m², else v̂ = v;
 * with momentum b = momentum·b + g/(sqrt(v̂) + eps) and p -= lr·b, else p -= lr·g/(sqrt(v̂) + eps).
 * Written with public tensor ops only (in place under step's noGrad), as an optimizer of one's own would be.
 */
export class RMSprop extends Optimizer<RMSpropHyperparameters> {
  protected readonly stateFields = { step: 'count', square_avg: 'buffer', momentum_buffer: 'optional buffer', grad_avg: 'optional buffer' } as const;

  constructor(params: Params<RMSpropHyperparameters>, options?: RMSpropOptions);
  /** PyTorch's positional form `RMSprop(params, lr, alpha, eps, weightDecay, momentum, centered)`. */
  constructor(
    params: Params<RMSpropHyperparameters>, lr?: number, alpha?: number, eps?: number, weightDecay?: number, momentum?: number,
    centered?: boolean, options?: Pick<RMSpropOptions, 'maximize'>,
  );
  constructor(params: Params<RMSpropHyperparameters>, ...args: unknown[]) {
    const options = optimizerOptions<RMSpropOptions>('RMSprop', args, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered']);
    super(params, options, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
  }

  protected checkHyperparameters(h: RMSpropHyperparameters, where: string): void {
    checkNonNegative(this.name, 'learning rate', h.lr, where);
    checkNonNegative(this.name, 'alpha', h.alpha, where);
    checkNonNegative(this.name, 'eps', h.eps, where);
    checkNonNegative(this.name, 'weight decay', h.weightDecay, where);
    checkNonNegative(this.name, 'momentum', h.momentum, where);
    checkBoolean(this.name, 'centered', h.centered, where);
    checkBoolean(this.name, 'maximize', h.maximize, where);
  }

  protected updateGroup(group: ParamGroup<RMSpropHyperparameters>): void {
    const { lr, alpha, eps, momentum, centered } = group;
    for (const { p, g } of this.regularizedGradients(group)) {
      const squareAvg = this.buffer(p, 'square_avg');
      add_(mul_(squareAvg, alpha), mul(g, g), { alpha: 1 - alpha });
      let variance = squareAvg;
      if (centered) {
        const gradAvg = this.buffer(p, 'grad_avg');
        add_(mul_(gradAvg, alpha), g, { alpha: 1 - alpha });
        variance = sub(squareAvg, mul(gradAvg, gradAvg));
      }
      const denominator = add(sqrt(variance), eps);
      if (momentum > 0) {
        const buffer = this.buffer(p, 'momentum_buffer');
        add_(mul_(buffer, momentum), div(g, denominator));
        add_(p, buffer, { alpha: -lr });
      } else {
        add_(p, div(g, denominator), { alpha: -lr });
      }
    }
  }
}

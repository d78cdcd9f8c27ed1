import { add, add_, div, mul, mul_, sqrt } from '@torchlet/core';
import { checkBoolean, checkNonNegative } from './check.js';
import { Optimizer, type Hyperparameters, type ParamGroup, type Params } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * Adadelta's per-group hyperparameters, as torch.optim.Adadelta's: lr (default 1), rho (default 0.9), eps (default 1e-6),
 * weightDecay (default 0), maximize (default false).
 */
export interface AdadeltaHyperparameters extends Hyperparameters {
  /** Smoothing constant of both running averages, in [0, 1]. */
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

/** Adadelta's constructor options: any of the hyperparameters, the defaults filling the rest. */
export type AdadeltaOptions = Partial<AdadeltaHyperparameters>;

/**
 * Adadelta (Zeiler), like torch.optim.Adadelta, step for step: g = -g if maximize; g += weightDecay·p;
 * v = rho·v + (1 - rho)·g²; d = sqrt(u + eps)/sqrt(v + eps)·g; u = rho·u + (1 - rho)·d²; p -= lr·d.
 */
export class Adadelta extends Optimizer<AdadeltaHyperparameters> {
  protected readonly stateFields = { step: 'count', square_avg: 'buffer', acc_delta: 'buffer' } as const;

  constructor(params: Params<AdadeltaHyperparameters>, options?: AdadeltaOptions);
  /** PyTorch's positional form `Adadelta(params, lr, rho, eps, weightDecay)`. */
  constructor(
    params: Params<AdadeltaHyperparameters>, lr?: number, rho?: number, eps?: number, weightDecay?: number,
    options?: Pick<AdadeltaOptions, 'maximize'>,
  );
  constructor(params: Params<AdadeltaHyperparameters>, ...args: unknown[]) {
    const options = optimizerOptions<AdadeltaOptions>('Adadelta', args, ['lr', 'rho', 'eps', 'weightDecay']);
    super(params, options, { lr: 1, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false });
  }

  protected checkHyperparameters(h: AdadeltaHyperparameters, where: string): void {
    checkNonNegative(this.name, 'learning rate', h.lr, where);
    checkNonNegative(this.name, 'eps', h.eps, where);
    checkNonNegative(this.name, 'weight decay', h.weightDecay, where);
    checkBoolean(this.name, 'maximize', h.maximize, where);
    if (typeof h.rho !== 'number' || !(h.rho >= 0 && h.rho <= 1)) {
      throw new Error(`${this.name}: invalid rho value ${String(h.rho)} ${where} (expected a number in [0, 1])`);
    }
  }

  protected updateGroup(group: ParamGroup<AdadeltaHyperparameters>): void {
    const { lr, rho, eps } = group;
    for (const { p, g } of this.regularizedGradients(group)) {
      const squareAvg = this.buffer(p, 'square_avg');
      const accDelta = this.buffer(p, 'acc_delta');
      add_(mul_(squareAvg, rho), mul(g, g), { alpha: 1 - rho });
      const delta = mul(div(sqrt(add(accDelta, eps)), sqrt(add(squareAvg, eps))), g);
      add_(mul_(accDelta, rho), mul(delta, delta), { alpha: 1 - rho });
      add_(p, delta, { alpha: -lr });
    }
  }
}

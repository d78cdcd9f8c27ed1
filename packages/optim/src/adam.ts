import { kernels } from '@torchlet/core';
import { checkBoolean, checkNonNegative } from './check.js';
import { describe } from './describe.js';
import { Optimizer, type Hyperparameters, type ParamGroup, type Params } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * Adam's and AdamW's per-group hyperparameters, as PyTorch's: lr (default 1e-3), betas (default [0.9, 0.999]), eps (default 1e-8),
 * weightDecay (Adam 0, AdamW 0.01), amsgrad and maximize (default false).
 */
export interface AdamHyperparameters extends Hyperparameters {
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

/** Adam's and AdamW's constructor options: any of the hyperparameters, the defaults filling the rest. */
export type AdamOptions = Partial<AdamHyperparameters>;

/** Adam's and AdamW's hyperparameters in PyTorch's positional order. */
const ADAM_ORDER = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'] as const;

/**
 * Adam, like torch.optim.Adam. Per element, at step t: g = -g if maximize; g += weightDecay·p (Adam) or
 * p *= 1 - lr·weightDecay (AdamW); m = lerp(m, g, 1 - β1); v = β2·v + (1 - β2)·g²; with amsgrad vmax = max(vmax, v)
 * replaces v; p -= lr/(1 - β1^t) · m / (sqrt(v)/sqrt(1 - β2^t) + eps).
 */
export class Adam extends Optimizer<AdamHyperparameters> {
  protected readonly stateFields = { step: 'count', exp_avg: 'buffer', exp_avg_sq: 'buffer', max_exp_avg_sq: 'optional buffer' } as const;

  constructor(params: Params<AdamHyperparameters>, options?: AdamOptions);
  /** PyTorch's positional form `Adam(params, lr, betas, eps, weightDecay, amsgrad)`. */
  constructor(
    params: Params<AdamHyperparameters>, lr?: number, betas?: [number, number], eps?: number, weightDecay?: number, amsgrad?: boolean,
    options?: Pick<AdamOptions, 'maximize'>,
  );
  constructor(params: Params<AdamHyperparameters>, ...args: unknown[]) {
    const options = optimizerOptions<AdamOptions>('Adam', args, ADAM_ORDER);
    super(params, options, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
  }

  override get name(): string {
    return 'Adam';
  }

  /** AdamW's weight decay shrinks the parameters directly instead of adding to the gradient. */
  protected get decoupledWeightDecay(): boolean {
    return false;
  }

  protected checkHyperparameters(h: AdamHyperparameters, where: string): void {
    checkNonNegative(this.name, 'learning rate', h.lr, where);
    checkNonNegative(this.name, 'eps', h.eps, where);
    checkNonNegative(this.name, 'weight decay', h.weightDecay, where);
    checkBoolean(this.name, 'amsgrad', h.amsgrad, where);
    checkBoolean(this.name, 'maximize', h.maximize, where);
    const betas: unknown = h.betas;
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new TypeError(`${this.name}: betas ${where} must be a pair [beta1, beta2], got ${describe(betas)}`);
    }
    betas.forEach((beta: unknown, i) => {
      if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
        throw new Error(`${this.name}: invalid beta parameter at index ${i}: ${String(beta)} ${where} (expected a number in [0, 1))`);
      }
    });
  }

  protected updateGroup(group: ParamGroup<AdamHyperparameters>): void {
    const { lr, eps, weightDecay, amsgrad, maximize } = group;
    const [beta1, beta2] = group.betas;
    const decay = this.decoupledWeightDecay ? 1 - lr * weightDecay : 1;
    const coupledDecay = this.decoupledWeightDecay ? 0 : weightDecay;
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (g === null) continue;
      let state = this.state.get(p);
      if (state === undefined) {
        state = { step: 0, exp_avg: this.newBuffer(p), exp_avg_sq: this.newBuffer(p) };
        this.state.set(p, state);
      }
      if (amsgrad && state.max_exp_avg_sq === undefined) state.max_exp_avg_sq = this.newBuffer(p);
      const step = (state.step = state.step! + 1);
      const stepSize = lr / (1 - beta1 ** step);
      const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
      kernels.adamUpdate(p, g, state.exp_avg!, state.exp_avg_sq!, amsgrad ? state.max_exp_avg_sq! : null, {
        betas: group.betas, eps, amsgrad, maximize, coupledDecay, decay, stepSize, biasCorrection2Sqrt,
      });
      p._bumpVersion();
    }
  }
}

/** AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), like torch.optim.AdamW; weightDecay defaults to 0.01. */
export class AdamW extends Adam {
  constructor(params: Params<AdamHyperparameters>, options?: AdamOptions);
  /** PyTorch's positional form `AdamW(params, lr, betas, eps, weightDecay, amsgrad)`. */
  constructor(
    params: Params<AdamHyperparameters>, lr?: number, betas?: [number, number], eps?: number, weightDecay?: number, amsgrad?: boolean,
    options?: Pick<AdamOptions, 'maximize'>,
  );
  constructor(params: Params<AdamHyperparameters>, ...args: unknown[]) {
    const options = optimizerOptions<AdamOptions>('AdamW', args, ADAM_ORDER);
    super(params, { ...options, weightDecay: options.weightDecay ?? 0.01 });
  }

  override get name(): string {
    return 'AdamW';
  }

  protected override get decoupledWeightDecay(): boolean {
    return true;
  }
}

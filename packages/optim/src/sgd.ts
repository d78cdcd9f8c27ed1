import { kernels } from '@torchlet/core';
import { checkBoolean, checkFiniteNumber, checkNonNegative } from './check.js';
import { Optimizer, type Hyperparameters, type ParamGroup, type Params } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * SGD's per-group hyperparameters, as torch.optim.SGD's: lr (no default: required), momentum, dampening and weightDecay
 * (the L2 penalty; default 0), nesterov and maximize (default false).
 */
export interface SGDHyperparameters extends Hyperparameters {
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  maximize: boolean;
}

/** `lr` is required here or in every group. */
export type SGDOptions = Partial<SGDHyperparameters>;

/**
 * Stochastic gradient descent with optional momentum, like torch.optim.SGD. Per element, with g the gradient:
 * g = -g if maximize; g += weightDecay·p; with momentum, b = g on the first step and momentum·b + (1 - dampening)·g
 * after, then g = g + momentum·b (nesterov) or g = b; finally p -= lr·g.
 */
export class SGD extends Optimizer<SGDHyperparameters> {
  protected readonly stateFields = { momentum_buffer: 'buffer' } as const;

  constructor(params: Params<SGDHyperparameters>, options?: SGDOptions);
  /** PyTorch's positional form `SGD(params, lr, momentum, dampening, weightDecay, nesterov)`. */
  constructor(
    params: Params<SGDHyperparameters>, lr: number, momentum?: number, dampening?: number, weightDecay?: number, nesterov?: boolean,
    options?: Pick<SGDOptions, 'maximize'>,
  );
  constructor(params: Params<SGDHyperparameters>, ...args: unknown[]) {
    const options = optimizerOptions<SGDOptions>('SGD', args, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov']);
    super(params, options, { lr: undefined, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false });
  }

  override get name(): string {
    return 'SGD';
  }

  protected checkHyperparameters(h: SGDHyperparameters, where: string): void {
    checkNonNegative(this.name, 'learning rate', h.lr, where);
    checkNonNegative(this.name, 'momentum', h.momentum, where);
    checkFiniteNumber(this.name, 'dampening', h.dampening, where);
    checkNonNegative(this.name, 'weight decay', h.weightDecay, where);
    checkBoolean(this.name, 'nesterov', h.nesterov, where);
    checkBoolean(this.name, 'maximize', h.maximize, where);
    if (h.nesterov && (h.momentum <= 0 || h.dampening !== 0)) {
      throw new Error(
        `SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum ${h.momentum} and dampening ${h.dampening} ${where}`,
      );
    }
  }

  protected updateGroup(group: ParamGroup<SGDHyperparameters>): void {
    const { momentum } = group;
    for (const p of group.params) {
      const g = this.gradOf(p);
      if (g === null) continue;
      let state = this.state.get(p);
      let firstMomentumStep = false;
      if (momentum !== 0 && state?.momentum_buffer === undefined) {
        if (state === undefined) this.state.set(p, (state = {}));
        state.momentum_buffer = this.newBuffer(p);
        firstMomentumStep = true;
      }
      const b = momentum !== 0 ? state!.momentum_buffer! : null;
      kernels.sgdUpdate(p, g, b, group, firstMomentumStep);
      p._bumpVersion();
    }
  }
}

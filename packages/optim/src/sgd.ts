import { positionalOptions, type FloatArray } from '@torchlet/core';
import { checkBoolean, checkFiniteNumber, checkNonNegative } from './check.js';
import { Optimizer, type Hyperparameters, type ParamGroup, type Params } from './optimizer.js';

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
    const options = positionalOptions('SGD', args, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'], ['maximize']);
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
      const g = this.gradData(p);
      if (g === null) continue;
      let state = this.state.get(p);
      let firstMomentumStep = false;
      if (momentum !== 0 && state?.momentum_buffer === undefined) {
        if (state === undefined) this.state.set(p, (state = {}));
        state.momentum_buffer = this.newBuffer(p);
        firstMomentumStep = true;
      }
      const b = momentum !== 0 ? (state!.momentum_buffer!.data as FloatArray) : null;
      sgdUpdate(p.data as FloatArray, g as FloatArray, b, group, firstMomentumStep);
      p._bumpVersion();
    }
  }
}

/**
 * p -= lr·g with SGD's options, in place. The two cases every training loop hits (plain, and momentum without
 * weight decay or Nesterov after the first step) get loops of their own with no per-element option tests; the
 * general loop covers the rest. All three compute the same numbers: flipping a sign and multiplying by 1 are exact.
 */
function sgdUpdate(x: FloatArray, g: FloatArray, b: FloatArray | null, h: SGDHyperparameters, firstMomentumStep: boolean): void {
  const { lr, momentum, dampening, nesterov, weightDecay, maximize } = h;
  const sign = maximize ? -1 : 1;
  const n = x.length;
  if (b === null && weightDecay === 0) {
    const scale = lr * sign;
    for (let i = 0; i < n; i++) x[i] -= scale * g[i];
    return;
  }
  if (b !== null && weightDecay === 0 && !nesterov && !firstMomentumStep) {
    const gScale = (1 - dampening) * sign;
    for (let i = 0; i < n; i++) {
      b[i] = momentum * b[i] + gScale * g[i];
      x[i] -= lr * b[i]; // read back, so a float32 buffer is rounded as in the general loop
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    let d = sign * g[i];
    if (weightDecay !== 0) d += weightDecay * x[i];
    if (b !== null) {
      b[i] = firstMomentumStep ? d : momentum * b[i] + (1 - dampening) * d;
      d = nesterov ? d + momentum * b[i] : b[i];
    }
    x[i] -= lr * d;
  }
}

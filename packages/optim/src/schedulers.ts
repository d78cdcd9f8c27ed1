import { LRScheduler, schedulerArgs, type SchedulerSetting } from './lr-scheduler.js';
import { type Optimizer } from './optimizer.js';

/** Multiplies each group's lr by gamma every stepSize steps, like torch.optim.lr_scheduler.StepLR. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number });
  /** PyTorch's positional form `StepLR(optimizer, stepSize, gamma)`. */
  constructor(optimizer: Optimizer, stepSize: number, gamma?: number);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const { stepSize, gamma = 0.1 } = schedulerArgs<{ stepSize: number; gamma?: number }>('StepLR', args, ['stepSize', 'gamma']);
    checkPositiveInteger('StepLR', 'stepSize', stepSize);
    checkPositive('StepLR', 'gamma', gamma);
    super('StepLR', optimizer);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.step();
  }

  // PyTorch's chainable form: scale the current lr, so changes made to it elsewhere are kept.
  protected computeLr(): number[] {
    const decay = this.lastEpoch !== 0 && this.lastEpoch % this.stepSize === 0;
    return this.optimizer.paramGroups.map((group) => (decay ? group.lr * this.gamma : group.lr));
  }

  protected settings(): Record<string, SchedulerSetting> {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}

/** Multiplies each group's lr by gamma at each milestone step, like torch.optim.lr_scheduler.MultiStepLR. */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;
  /** How many times each milestone was given: a repeated milestone decays that many times, as in PyTorch. */
  private readonly counts = new Map<number, number>();

  constructor(optimizer: Optimizer, options: { milestones: readonly number[]; gamma?: number });
  /** PyTorch's positional form `MultiStepLR(optimizer, milestones, gamma)`. */
  constructor(optimizer: Optimizer, milestones: readonly number[], gamma?: number);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const { milestones, gamma = 0.1 } = schedulerArgs<{ milestones: readonly number[]; gamma?: number }>('MultiStepLR', args, ['milestones', 'gamma']);
    if (!Array.isArray(milestones) || !milestones.every((m) => Number.isInteger(m) && m > 0)) {
      throw new Error(`MultiStepLR: milestones must be an array of positive integers, got ${JSON.stringify(milestones)}`);
    }
    checkPositive('MultiStepLR', 'gamma', gamma);
    super('MultiStepLR', optimizer);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    for (const m of milestones) this.counts.set(m, (this.counts.get(m) ?? 0) + 1);
    this.step();
  }

  protected computeLr(): number[] {
    const count = this.counts.get(this.lastEpoch) ?? 0;
    return this.optimizer.paramGroups.map((group) => (count === 0 ? group.lr : group.lr * this.gamma ** count));
  }

  protected settings(): Record<string, SchedulerSetting> {
    return { milestones: this.milestones, gamma: this.gamma };
  }
}

/** Multiplies each group's lr by gamma every step, like torch.optim.lr_scheduler.ExponentialLR. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { gamma: number });
  /** PyTorch's positional form `ExponentialLR(optimizer, gamma)`. */
  constructor(optimizer: Optimizer, gamma: number);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const { gamma } = schedulerArgs<{ gamma: number }>('ExponentialLR', args, ['gamma']);
    checkPositive('ExponentialLR', 'gamma', gamma);
    super('ExponentialLR', optimizer);
    this.gamma = gamma;
    this.step();
  }

  protected computeLr(): number[] {
    return this.optimizer.paramGroups.map((group) => (this.lastEpoch === 0 ? group.lr : group.lr * this.gamma));
  }

  protected settings(): Record<string, SchedulerSetting> {
    return { gamma: this.gamma };
  }
}

/**
 * Cosine annealing from each group's initial lr down to etaMin over tMax steps, like
 * torch.optim.lr_scheduler.CosineAnnealingLR, in its closed form: etaMin + (base - etaMin)(1 + cos(π·t/tMax))/2.
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number });
  /** PyTorch's positional form `CosineAnnealingLR(optimizer, tMax, etaMin)`. */
  constructor(optimizer: Optimizer, tMax: number, etaMin?: number);
  constructor(optimizer: Optimizer, ...args: unknown[]) {
    const { tMax, etaMin = 0 } = schedulerArgs<{ tMax: number; etaMin?: number }>('CosineAnnealingLR', args, ['tMax', 'etaMin']);
    checkPositiveInteger('CosineAnnealingLR', 'tMax', tMax);
    if (typeof etaMin !== 'number' || !Number.isFinite(etaMin) || etaMin < 0) {
      throw new Error(`CosineAnnealingLR: etaMin must be a number >= 0, got ${String(etaMin)}`);
    }
    super('CosineAnnealingLR', optimizer);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.step();
  }

  protected computeLr(): number[] {
    const cosine = (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax)) / 2;
    return this.baseLrs.map((base) => this.etaMin + (base - this.etaMin) * cosine);
  }

  protected settings(): Record<string, SchedulerSetting> {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}

export function checkPositiveInteger(name: string, what: string, value: unknown): asserts value is number {
  if (!Number.isInteger(value) || (value as number) <= 0) throw new Error(`${name}: ${what} must be a positive integer, got ${String(value)}`);
}

export function checkPositive(name: string, what: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${name}: ${what} must be a positive number, got ${String(value)}`);
  }
}

import { positionalOptions } from '@torchlet/core';
import { describe, isPlainObject } from './describe.js';
import { Optimizer } from './optimizer.js';

/** A scheduler's fixed settings (step size, gamma, ...), part of its state dict. */
export type SchedulerSetting = number | string | boolean | readonly number[];

/** A scheduler's state dict: the last epoch, each group's base and last lr, and the scheduler's settings (checked on load). */
export interface LRSchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
  settings: Record<string, SchedulerSetting>;
}

/**
 * The base of every learning-rate scheduler, like torch.optim.lr_scheduler.LRScheduler. Attaching one records each
 * group's starting lr as `initialLr` (unless a scheduler already did) and applies the schedule's first value;
 * each `step()` then advances `lastEpoch` and writes the new lr into every group.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  /** The number of `step()` calls so far (0 right after construction, which counts as the first step, as in PyTorch). */
  lastEpoch = -1;
  /** Each group's `initialLr`: where the schedule starts. */
  baseLrs: number[];
  protected lastLr: number[] = [];

  protected constructor(readonly name: string, optimizer: Optimizer) {
    checkOptimizer(name, optimizer);
    this.optimizer = optimizer;
    for (const group of optimizer.paramGroups) if (group.initialLr === undefined) group.initialLr = group.lr;
    this.baseLrs = optimizer.paramGroups.map((group) => group.initialLr as number);
    // Subclasses end their constructors with this.step(): their settings are not set yet while this one runs.
  }

  /** The lr of every group for the current `lastEpoch` (PyTorch's get_lr). */
  protected abstract computeLr(): number[];

  /** This scheduler's fixed settings, saved in the state dict and checked on load. */
  protected abstract settings(): Record<string, SchedulerSetting>;

  /** Advances the schedule by one step (one epoch or one batch, as the schedule is meant) and sets the groups' lrs. */
  step(): void {
    this.lastEpoch++;
    const lrs = this.computeLr();
    const groups = this.optimizer.paramGroups;
    for (let i = 0; i < groups.length; i++) groups[i].lr = lrs[i];
    this.lastLr = groups.map((group) => group.lr);
  }

  /** The lrs set by the last `step()` (or by construction), one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): LRSchedulerStateDict {
    const settings: Record<string, SchedulerSetting> = {};
    for (const [key, value] of Object.entries(this.settings())) settings[key] = Array.isArray(value) ? [...value] : value;
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr], settings };
  }

  /**
   * Restores the position in the schedule saved by `stateDict()` of a scheduler built the same way. Group lrs are
   * not touched: they come back with the optimizer's own `loadStateDict`.
   */
  loadStateDict(dict: LRSchedulerStateDict): void {
    const fail = (message: string): never => {
      throw new Error(`${this.name}: loadStateDict: ${message}`);
    };
    if (!isPlainObject(dict) || !isPlainObject(dict.settings)) fail(`expected an object from stateDict(), got ${describe(dict)}`);
    if (!Number.isInteger(dict.lastEpoch) || dict.lastEpoch < 0) fail(`lastEpoch must be an integer >= 0, got ${describe(dict.lastEpoch)}`);
    const groups = this.optimizer.paramGroups.length;
    for (const key of ['baseLrs', 'lastLr'] as const) {
      const values: unknown = dict[key];
      if (!Array.isArray(values) || values.length !== groups || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        fail(`${key} must hold ${groups} numbers (one per parameter group), got ${describe(values)}`);
      }
    }
    const mine = this.settings();
    for (const key of Object.keys(dict.settings)) if (!(key in mine)) fail(`the state dict has setting "${key}", which ${this.name} does not have`);
    for (const key of Object.keys(mine)) {
      const saved = dict.settings[key];
      if (!sameSetting(saved, mine[key])) {
        fail(`the state dict has ${key} ${JSON.stringify(saved)} but this scheduler has ${JSON.stringify(mine[key])}`);
      }
    }
    this.lastEpoch = dict.lastEpoch;
    this.baseLrs = [...dict.baseLrs];
    this.lastLr = [...dict.lastLr];
  }
}

/**
 * A scheduler's settings in PyTorch's positional order or as options. PyTorch's trailing lastEpoch and verbose are
 * accepted at their defaults only (-1, false): resuming goes through loadStateDict here, and nothing is printed.
 */
export function schedulerArgs<O extends object>(name: string, args: readonly unknown[], positional: readonly string[]): O {
  const options = positionalOptions<O & { lastEpoch?: unknown; verbose?: unknown }>(name, args, [...positional, 'lastEpoch', 'verbose']);
  if (options.lastEpoch !== undefined && options.lastEpoch !== -1) {
    throw new Error(`${name}: lastEpoch ${String(options.lastEpoch)} is not supported (only -1); to resume, use loadStateDict with a saved stateDict()`);
  }
  if (options.verbose !== undefined && options.verbose !== false) throw new Error(`${name}: verbose is not supported (only false); print getLastLr() instead`);
  delete options.lastEpoch;
  delete options.verbose;
  return options;
}

export function checkOptimizer(name: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) throw new TypeError(`${name}: expected an Optimizer, got ${describe(optimizer)}`);
}

function sameSetting(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

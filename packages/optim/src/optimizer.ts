import { Tensor, add, enableGrad, formatShape, kernels, mul, neg, noGrad, unknownOptionMessage, zerosLike } from '@torchlet/core';
import { checkOptionsObject } from './check.js';
import { describe, isIterable, isPlainObject } from './describe.js';

/** The hyperparameters every optimizer has; each optimizer extends this with its own. */
export interface Hyperparameters {
  lr: number;
}

/** A hyperparameter value: groups hold numbers, booleans and number tuples (`betas`). */
type HyperValue = number | boolean | readonly number[];

/** A parameter group as the optimizer keeps it: its tensors plus a full set of hyperparameters. */
export type ParamGroup<H extends Hyperparameters = Hyperparameters> = H & {
  params: Tensor[];
  /** The learning rate a scheduler started from, set by the first scheduler attached (PyTorch's `initial_lr`). */
  initialLr?: number;
};

/** A parameter group as passed in: any iterable of tensors (or one tensor); missing hyperparameters come from the defaults. */
export type ParamGroupInput<H extends Hyperparameters = Hyperparameters> = Partial<H> & {
  params: Iterable<Tensor> | Tensor;
  initialLr?: number;
};

/** What `new SGD(params, ...)` accepts: tensors (e.g. `model.parameters()`) or parameter groups. */
export type Params<H extends Hyperparameters = Hyperparameters> = Iterable<Tensor> | Iterable<ParamGroupInput<H>>;

/**
 * Per-parameter state, with PyTorch's key names (those of the built-in optimizers are listed). Buffers have the
 * parameter's shape and dtype. An optimizer of one's own keeps its own keys, declared in its `stateFields`.
 */
export interface ParamState {
  step?: number;
  momentum_buffer?: Tensor;
  exp_avg?: Tensor;
  exp_avg_sq?: Tensor;
  max_exp_avg_sq?: Tensor;
  square_avg?: Tensor;
  grad_avg?: Tensor;
  sum?: Tensor;
  acc_delta?: Tensor;
  [key: string]: number | Tensor | undefined;
}

/**
 * A snapshot shaped like PyTorch's optimizer state dict: parameters are numbered in group order, `state` is keyed by
 * those numbers and each group lists its numbers under `params`. All tensors are copies.
 */
export interface OptimizerStateDict<H extends Hyperparameters = Hyperparameters> {
  state: Record<number, ParamState>;
  param_groups: (H & { initialLr?: number; params: number[] })[];
}

/** How an optimizer's per-parameter state is shaped, for validating loaded state. */
export type StateFieldKind = 'count' | 'buffer' | 'optional buffer';

/**
 * The base of every optimizer, like torch.optim.Optimizer: parameter groups with their hyperparameters, per-parameter
 * state, `zeroGrad`, `step`, and state dicts. A subclass supplies the update of one group and the checks of its
 * hyperparameters. That is also how to write one's own (see the README and rmsprop.ts, written that way): pass
 * the defaults to `super`, declare `stateFields`, and in `updateGroup` (run under noGrad) read `p.grad`, keep
 * buffers in `this.paramState(p)` and update with in-place ops (`add_`, `mul_`, `copy_`), which bump versions.
 * Parameters without a gradient (requiresGrad false, or unused) are skipped.
 */
export abstract class Optimizer<H extends Hyperparameters = Hyperparameters> {
  /** The groups; hyperparameters such as `paramGroups[0].lr` may be changed between steps. */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** The hyperparameters a group gets when it does not give its own. */
  readonly defaults: Partial<H>;
  protected readonly state = new Map<Tensor, ParamState>();
  /** The keys of per-parameter state this optimizer keeps. */
  protected abstract readonly stateFields: Readonly<Record<string, StateFieldKind>>;

  /** The class name used in error messages; subclasses override this getter, so it is right while this constructor runs. */
  get name(): string {
    return this.constructor.name;
  }

  /**
   * `defaults` holds every hyperparameter key with its default value (undefined for a required one, like SGD's lr);
   * `options` are the user's, overriding the defaults.
   */
  protected constructor(params: Params<H>, options: unknown, defaults: Partial<H>) {
    const name = this.name;
    checkOptionsObject(name, options);
    const merged: Record<string, unknown> = { ...defaults };
    for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
      if (!(key in defaults)) throw new Error(unknownOptionMessage(name, key, Object.keys(defaults)));
      if (value !== undefined) merged[key] = copyValue(value as HyperValue);
    }
    this.defaults = merged as Partial<H>;
    this.checkHyperparameters({ ...merged, lr: merged.lr ?? 0 } as unknown as H, 'in the options');
    // a Tensor is iterable over its rows, which are not parameters: refused as PyTorch does
    if (params instanceof Tensor || !isIterable(params)) {
      throw new TypeError(`${name}: params must be an iterable of Tensors or of parameter groups, got ${describe(params)}`);
    }
    const items: unknown[] = [...params];
    if (items.length === 0) throw new Error(`${name}: got an empty parameter list`);
    if (items.every((item) => item instanceof Tensor)) {
      this.addParamGroup({ params: items as Tensor[] } as unknown as ParamGroupInput<H>);
    } else if (items.every(isPlainObject)) {
      for (const group of items) this.addParamGroup(group as ParamGroupInput<H>);
    } else {
      const bad = items.find((item) => !(item instanceof Tensor));
      throw new TypeError(
        `${name}: params must be all Tensors or all parameter groups ({ params, ...options }), got ${describe(items[0])} and ${describe(bad)}`,
      );
    }
  }

  /** Checks one group's hyperparameters; `where` names the group in messages ("in parameter group 1"). */
  protected abstract checkHyperparameters(group: H, where: string): void;

  /** Applies one update to every parameter of the group that has a gradient. Runs under noGrad. */
  protected abstract updateGroup(group: ParamGroup<H>): void;

  /** Adds a group (e.g. for layers unfrozen during training), filling missing hyperparameters from the defaults. */
  addParamGroup(input: ParamGroupInput<H>): void {
    const index = this.paramGroups.length;
    const where = `in parameter group ${index}`;
    if (!isPlainObject(input)) throw new TypeError(`${this.name}: a parameter group must be an object { params, ...options }, got ${describe(input)}`);
    const { params: rawParams, ...options } = input as Record<string, unknown>;
    const params = this.collectParams(rawParams, where);
    const known = Object.keys(this.defaults);
    const group: Record<string, unknown> = { params };
    for (const key of known) group[key] = copyValue((options[key] ?? this.defaults[key as keyof H]) as HyperValue | undefined);
    for (const [key, value] of Object.entries(options)) {
      if (key === 'initialLr') group.initialLr = value;
      else if (!known.includes(key)) {
        throw new Error(unknownOptionMessage(this.name, key, [...known, 'initialLr'], where));
      }
    }
    if (group.lr === undefined) {
      throw new Error(`${this.name}: parameter group ${index} has no learning rate: give lr in the options or in the group`);
    }
    this.checkHyperparameters(group as unknown as H, where);
    this.paramGroups.push(group as unknown as ParamGroup<H>);
  }

  private collectParams(raw: unknown, where: string): Tensor[] {
    if (!(raw instanceof Tensor) && !isIterable(raw)) {
      throw new TypeError(`${this.name}: params ${where} must be a Tensor or an iterable of Tensors, got ${describe(raw)}`);
    }
    const params = raw instanceof Tensor ? [raw] : [...raw];
    if (params.length === 0) throw new Error(`${this.name}: got an empty parameter list ${where}`);
    const seen = new Set<Tensor>();
    params.forEach((p, i) => {
      const which = `parameter ${i} ${where}`;
      if (!(p instanceof Tensor)) throw new TypeError(`${this.name}: ${which} is not a Tensor, got ${describe(p)}`);
      if (p.dtype === 'int32') throw new Error(`${this.name}: ${which} has dtype int32; only float32 and float64 tensors can be optimized`);
      if (!p.isLeaf) {
        throw new Error(`${this.name}: can't optimize a non-leaf tensor (${which}, shape ${formatShape(p.shape)}, made by ${p.gradFn})`);
      }
      // requiresGrad false is accepted, as in PyTorch (a frozen layer in model.parameters()): it never gets a grad, so it is skipped
      if (seen.has(p)) throw new Error(`${this.name}: ${which} appears twice in the group`);
      for (let g = 0; g < this.paramGroups.length; g++) {
        if (this.paramGroups[g].params.includes(p)) {
          throw new Error(`${this.name}: ${which} already appears in parameter group ${g}; a parameter may be in one group only`);
        }
      }
      seen.add(p);
    });
    return params as Tensor[];
  }

  /** Clears the gradients of every parameter: sets them to null (default, like PyTorch) or fills them with zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    const { setToNone = true } = options;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          p.grad = null;
        } else {
          kernels.fill_(p.grad, 0);
          p.grad._bumpVersion();
        }
      }
    }
  }

  /**
   * Updates every parameter that has a gradient, in place. A closure, if given, is called first with gradients
   * enabled (it should recompute the loss and call backward) and its result is returned, as in PyTorch.
   */
  step(): void;
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    return loss;
  }

  /** The gradient of `p`, or null when it has none; checks that its size matches. */
  protected gradOf(p: Tensor): Tensor | null {
    const grad = p.grad;
    if (grad === null) return null;
    if (grad.numel() !== p.numel()) {
      throw new Error(`${this.name}: a parameter of shape ${formatShape(p.shape)} has a gradient of shape ${formatShape(grad.shape)}`);
    }
    return grad;
  }

  /** The state kept for parameter `p`, created empty on first use. */
  protected paramState(p: Tensor): ParamState {
    let state = this.state.get(p);
    if (state === undefined) this.state.set(p, (state = {}));
    return state;
  }

  /**
   * The first lines of PyTorch's step for each parameter of the group that has a gradient: its state, its step
   * count (bumped in the state) and the gradient the update uses, negated when maximize, plus weightDecay·p (the L2
   * penalty).
   */
  protected *regularizedGradients(
    group: ParamGroup<H> & { weightDecay: number; maximize: boolean },
  ): Generator<{ p: Tensor; g: Tensor; step: number; state: ParamState }> {
    for (const p of group.params) {
      const grad = this.gradOf(p);
      if (grad === null) continue;
      const state = this.paramState(p);
      const step = (state.step = (state.step ?? 0) + 1);
      let g = group.maximize ? neg(grad) : grad;
      if (group.weightDecay !== 0) g = add(g, mul(p, group.weightDecay));
      yield { p, g, step, state };
    }
  }

  /** State buffer `key` of `p` (PyTorch's `state[p][key]`), created as zeros of p's shape and dtype on first use. */
  protected buffer(p: Tensor, key: string): Tensor {
    const state = this.paramState(p);
    const value = state[key];
    if (value instanceof Tensor) return value;
    if (value !== undefined) throw new Error(`${this.name}: state "${key}" of a parameter is a count, not a buffer`);
    return (state[key] = this.newBuffer(p));
  }

  /** A zero buffer with the parameter's shape and dtype (allocated once, on a parameter's first step). */
  protected newBuffer(p: Tensor): Tensor {
    return zerosLike(p);
  }

  /** A snapshot of the per-parameter state and the group hyperparameters, for resuming training. */
  stateDict(): OptimizerStateDict<H> {
    const state: Record<number, ParamState> = {};
    const groups: Record<string, unknown>[] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const { params, ...hyper } = group as Record<string, unknown> & { params: Tensor[] };
      const indices: number[] = [];
      for (const p of params) {
        const s = this.state.get(p);
        if (s) state[index] = copyState(s, null);
        indices.push(index++);
      }
      const saved: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(hyper)) saved[key] = copyValue(value as HyperValue);
      saved.params = indices;
      groups.push(saved);
    }
    return { state, param_groups: groups as unknown as OptimizerStateDict<H>['param_groups'] };
  }

  /**
   * Restores state saved by `stateDict()` of an optimizer built the same way (same class, same number of groups and
   * of parameters per group, same parameter shapes). Copies every tensor; buffers take each parameter's dtype.
   */
  loadStateDict(dict: OptimizerStateDict<H>): void {
    const fail = (message: string): never => {
      throw new Error(`${this.name}: loadStateDict: ${message}`);
    };
    if (!isPlainObject(dict) || !isPlainObject(dict.state) || !Array.isArray(dict.param_groups)) {
      fail(`expected an object { state, param_groups } from stateDict(), got ${describe(dict)}`);
    }
    const savedGroups: unknown[] = dict.param_groups;
    if (savedGroups.length !== this.paramGroups.length) {
      fail(`the state dict has ${savedGroups.length} parameter groups but this optimizer has ${this.paramGroups.length}`);
    }
    const known = Object.keys(this.defaults);
    const byIndex = new Map<number, Tensor>();
    const newHyper: Record<string, unknown>[] = [];
    savedGroups.forEach((saved, g) => {
      if (!isPlainObject(saved) || !Array.isArray(saved.params)) fail(`parameter group ${g} is not an object with a params array`);
      const { params: indices, ...hyper } = saved as Record<string, unknown> & { params: unknown[] };
      const params = this.paramGroups[g].params;
      if (indices.length !== params.length) {
        fail(`parameter group ${g} has ${indices.length} parameters in the state dict but ${params.length} in this optimizer`);
      }
      indices.forEach((index, i) => {
        if (!Number.isInteger(index) || byIndex.has(index as number)) fail(`parameter group ${g} has an invalid or repeated index ${String(index)}`);
        byIndex.set(index as number, params[i]);
      });
      for (const key of Object.keys(hyper)) {
        if (key !== 'initialLr' && !known.includes(key)) fail(`parameter group ${g} has hyperparameter "${key}", which ${this.name} does not use`);
      }
      for (const key of known) if (!(key in hyper)) fail(`parameter group ${g} is missing hyperparameter "${key}"`);
      this.checkHyperparameters(hyper as unknown as H, `in parameter group ${g} of the state dict`);
      newHyper.push(hyper);
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [key, entry] of Object.entries(dict.state as Record<string, unknown>)) {
      const p = byIndex.get(Number(key));
      if (p === undefined) fail(`state is given for parameter ${key}, which is in no parameter group`);
      newState.set(p as Tensor, this.checkParamState(entry, p as Tensor, key, fail));
    }
    // Everything is checked: now apply, so a failed load leaves the optimizer as it was.
    newHyper.forEach((hyper, g) => {
      const group = this.paramGroups[g] as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(hyper)) group[key] = copyValue(value as HyperValue);
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }

  private checkParamState(entry: unknown, p: Tensor, key: string, fail: (message: string) => never): ParamState {
    if (!isPlainObject(entry)) fail(`state of parameter ${key} must be an object, got ${describe(entry)}`);
    const fields = entry as Record<string, unknown>;
    for (const [field, value] of Object.entries(fields)) {
      const kind = this.stateFields[field];
      if (kind === undefined) fail(`state of parameter ${key} has "${field}", which ${this.name} does not keep`);
      if (kind === 'count') {
        if (!Number.isInteger(value) || (value as number) < 0) fail(`state of parameter ${key} has ${field} ${describe(value)}; expected an integer >= 0`);
      } else if (!(value instanceof Tensor)) {
        fail(`state of parameter ${key} has ${field} ${describe(value)}; expected a Tensor`);
      } else if (value.numel() !== p.numel() || value.shape.length !== p.shape.length || value.shape.some((d, i) => d !== p.shape[i])) {
        fail(`state of parameter ${key} has ${field} of shape ${formatShape(value.shape)} but the parameter has shape ${formatShape(p.shape)}`);
      }
    }
    for (const [field, kind] of Object.entries(this.stateFields)) {
      if (kind !== 'optional buffer' && !(field in fields)) fail(`state of parameter ${key} is missing "${field}"`);
    }
    return copyState(fields as ParamState, p);
  }
}

/** Copies arrays so a group never shares a mutable tuple (like `betas`) with its input or a state dict. */
function copyValue<T>(value: T): T {
  return (Array.isArray(value) ? [...value] : value) as T;
}

/** Deep-copies a parameter's state; buffers are cast to `like`'s dtype when given. */
function copyState(state: ParamState, like: Tensor | null): ParamState {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    if (value instanceof Tensor) {
      const copy = like ? zerosLike(like) : zerosLike(value);
      // a flat copy: a buffer of as many elements may come with another shape (checked by the caller)
      kernels.copy_(copy, kernels.view(value, copy.shape));
      out[key] = copy;
    } else {
      out[key] = value;
    }
  }
  return out as ParamState;
}

import { Tensor, formatShape, noGrad, type DType, type Device as CoreDevice } from '@torchlet/core';
import { Parameter, describe } from './parameter.js';
import { summarize, type SummaryOptions } from './summary.js';

/** A module's parameters and buffers by PyTorch's dotted key (`0.weight`, `bn.running_mean`), as stateDict() returns it. */
export type StateDict = Record<string, Tensor>;

/** Options of loadStateDict, as torch's `strict` argument. */
export interface LoadStateDictOptions {
  /** When true (the default), missing and unexpected keys are errors. Shape mismatches always are. */
  strict?: boolean;
}

/**
 * What loadStateDict returns, as PyTorch's: the module's keys the dict lacked and the dict's keys the module lacks (both empty when
 * strict).
 */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Where `Module.to` can move a module: 'cpu', or 'webgpu' after `await initWebGPU()` from '@torchlet/core/webgpu'. */
export type Device = CoreDevice;

/** `registerForwardPreHook`'s hook: may return new arguments (an array, or one value for a single argument). */
export type ForwardPreHook<M extends Module = Module> = (module: M, args: unknown[]) => unknown;
/** `registerForwardHook`'s hook: may return a value that replaces the output. */
export type ForwardHook<M extends Module = Module> = (module: M, args: unknown[], output: unknown) => unknown;

/** What registering a hook returns: `remove()` unregisters it (calling it twice is harmless), like PyTorch's RemovableHandle. */
export interface RemovableHandle {
  remove(): void;
}

/**
 * Makes `new X()` return a function object with X's prototype, so a module is callable (`model(x)`) and still an
 * `instanceof` its class. An arrow function owns only `name` and `length` (no `prototype`): both are deleted so a
 * user's `this.name` is an ordinary field and Sequential's `length` getter is found on its prototype. The prototype
 * chain does not pass through Function.prototype, so a module has no `call`/`bind`, and `apply` is Module's own.
 * Fields of Module and its subclasses are then defined on this function object, as on any returned object.
 * (TypeScript gives any callable type Function's members, so under noImplicitOverride a field `name` needs `override`.)
 */
class CallableObject {
  constructor() {
    const self = (...args: unknown[]): unknown => (self as unknown as Module)._callWithHooks(args);
    delete (self as { name?: string }).name;
    delete (self as { length?: number }).length;
    Object.setPrototypeOf(self, new.target.prototype);
    return self;
  }
}

/** Calling a module runs its forward (typed as that forward) through its hooks; the second form covers a plain `Module`. */
export interface Module {
  (...args: Parameters<this['forward']>): ReturnType<this['forward']>;
  (...args: unknown[]): unknown;
}

/**
 * Base class of every layer and model, like torch.nn.Module.
 *
 * How submodules and parameters are found: JavaScript has no `__setattr__`, so instead of registering on
 * assignment, Module walks its own enumerable fields (in declaration order, which class fields keep) each time
 * it is asked: a field holding a `Parameter` is a parameter, one holding a `Module` is a child. So
 * `this.fc1 = new Linear(4, 8)` just works. Buffers (state that is saved but not trained, such as BatchNorm's
 * running mean) are plain tensors and so must be registered explicitly with `registerBuffer`.
 * One caveat of the walk: JavaScript lists integer-like keys ('0', '1', ...) before other keys, so mix them
 * with named fields only through containers (Sequential, ModuleList).
 */
export abstract class Module extends CallableObject {
  /** Training mode (dropout active, batch norm on batch statistics); set by train()/eval() on the whole tree. */
  training = true;
  private readonly buffersByName = new Map<string, { tensor: Tensor | null; persistent: boolean }>();
  private readonly forwardPreHooks = new Map<number, ForwardPreHook>();
  private readonly forwardHooks = new Map<number, ForwardHook>();

  abstract forward(...args: unknown[]): unknown;

  /** @internal what `module(...args)` runs: pre-hooks, forward, hooks, in registration order, as PyTorch's __call__. */
  _callWithHooks(args: unknown[]): unknown {
    if (this.forwardPreHooks.size === 0 && this.forwardHooks.size === 0) return this.forward(...args);
    let input = args;
    for (const hook of [...this.forwardPreHooks.values()]) {
      const result = hook(this, input);
      if (result !== undefined) input = Array.isArray(result) ? result : [result];
    }
    let output = this.forward(...input);
    for (const hook of [...this.forwardHooks.values()]) {
      const result = hook(this, input, output);
      if (result !== undefined) output = result;
    }
    return output;
  }

  /**
   * Runs `hook(module, args)` before each call of this module; a returned array replaces the arguments (a returned
   * non-array value becomes the only argument), undefined keeps them. Calling `forward` directly skips hooks, as in PyTorch.
   */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    return addHook('registerForwardPreHook', this.forwardPreHooks, hook as ForwardPreHook);
  }

  /** Runs `hook(module, args, output)` after each call of this module; a returned value other than undefined replaces the output. */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    return addHook('registerForwardHook', this.forwardHooks, hook as ForwardHook);
  }

  /** Own parameters and children as [name, value] pairs, in field order; null values (e.g. `bias: false`) included. */
  private ownEntries(): [string, Parameter | Module | null][] {
    const out: [string, Parameter | Module | null][] = [];
    for (const key of Object.keys(this)) {
      const value = (this as Record<string, unknown>)[key];
      if (value instanceof Parameter || value instanceof Module) out.push([key, value]);
    }
    return out;
  }

  /** This module's own parameters (not its children's). */
  private *ownParameters(): Generator<[string, Parameter]> {
    for (const [name, value] of this.ownEntries()) if (value instanceof Parameter) yield [name, value];
  }

  *namedChildren(): Generator<[string, Module]> {
    for (const [name, value] of this.ownEntries()) if (value instanceof Module) yield [name, value];
  }

  *children(): Generator<Module> {
    for (const [, child] of this.namedChildren()) yield child;
  }

  /** This module and every descendant, each once, depth first (PyTorch's order), with dotted names ('' for this). */
  *namedModules(prefix = '', seen: Set<Module> = new Set()): Generator<[string, Module]> {
    if (seen.has(this)) return;
    seen.add(this);
    yield [prefix, this];
    for (const [name, child] of this.namedChildren()) yield* child.namedModules(prefix ? `${prefix}.${name}` : name, seen);
  }

  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  /** Every parameter, each once, with dotted names as PyTorch gives them (`features.3.bias`). */
  *namedParameters(): Generator<[string, Parameter]> {
    const seen = new Set<Parameter>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, p] of m.ownParameters()) {
        if (seen.has(p)) continue;
        seen.add(p);
        yield [prefix ? `${prefix}.${name}` : name, p];
      }
    }
  }

  *parameters(): Generator<Parameter> {
    for (const [, p] of this.namedParameters()) yield p;
  }

  *namedBuffers(): Generator<[string, Tensor]> {
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, b] of m.buffersByName) if (b.tensor) yield [prefix ? `${prefix}.${name}` : name, b.tensor];
    }
  }

  *buffers(): Generator<Tensor> {
    for (const [, b] of this.namedBuffers()) yield b;
  }

  private checkNewName(op: string, name: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new Error(`${op}: name must be a non-empty string without '.', got ${JSON.stringify(name)}`);
    }
  }

  /**
   * Registers a tensor saved in the state dict but not trained (PyTorch's register_buffer). It is readable and
   * assignable as `module[name]`; `persistent: false` keeps it out of the state dict.
   */
  registerBuffer(name: string, tensor: Tensor | null, options: { persistent?: boolean } = {}): void {
    this.checkNewName('registerBuffer', name);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`registerBuffer: expected a Tensor or null for '${name}', got ${describe(tensor)}`);
    if (!this.buffersByName.has(name) && Object.hasOwn(this, name)) throw new Error(`registerBuffer: attribute '${name}' already exists`);
    this.buffersByName.set(name, { tensor, persistent: options.persistent ?? true });
    const buffers = this.buffersByName;
    Object.defineProperty(this, name, {
      configurable: true,
      enumerable: false,
      get: () => buffers.get(name)!.tensor,
      set: (value: Tensor | null) => {
        if (value !== null && !(value instanceof Tensor)) throw new TypeError(`buffer '${name}': expected a Tensor or null, got ${describe(value)}`);
        buffers.get(name)!.tensor = value;
      },
    });
  }

  /** The buffer registered under `name` (null if registered as null); throws if there is none. */
  getBuffer(name: string): Tensor | null {
    const b = this.buffersByName.get(name);
    if (!b) throw new Error(`getBuffer: ${this.constructor.name} has no buffer '${name}'`);
    return b.tensor;
  }

  /** Same as assigning `this[name] = param`, for names that are not identifiers. */
  registerParameter(name: string, param: Parameter | null): void {
    this.checkNewName('registerParameter', name);
    if (param !== null && !(param instanceof Parameter)) throw new TypeError(`registerParameter: expected a Parameter or null for '${name}', got ${describe(param)}`);
    Object.defineProperty(this, name, { value: param, enumerable: true, writable: true, configurable: true });
  }

  /** Same as assigning `this[name] = module`, for names that are not identifiers (Sequential uses '0', '1', ...). */
  registerModule(name: string, module: Module | null): void {
    this.checkNewName('registerModule', name);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`registerModule: expected a Module or null for '${name}', got ${describe(module)}`);
    Object.defineProperty(this, name, { value: module, enumerable: true, writable: true, configurable: true });
  }

  /**
   * Converts every floating parameter, gradient and buffer to `dtype` in place and returns this module, as PyTorch's
   * Module.to: each Parameter stays the same object (an optimizer created afterwards, or namedParameters, sees the
   * converted one), int32 buffers such as num_batches_tracked and bool buffers (masks) are kept. `to('cpu')` is accepted and changes nothing.
   */
  to(dtypeOrDevice: DType | Device): this {
    if (dtypeOrDevice === 'cpu' || dtypeOrDevice === 'webgpu') return this.toDevice(dtypeOrDevice);
    if (dtypeOrDevice !== 'float32' && dtypeOrDevice !== 'float64') {
      throw new TypeError(`${this.constructor.name}.to: expected a floating dtype ('float32' or 'float64') or a device ('cpu', 'webgpu'), got ${JSON.stringify(dtypeOrDevice)}`);
    }
    const dtype = dtypeOrDevice;
    noGrad(() => {
      for (const p of this.parameters()) {
        if (p.dtype === dtype) continue;
        replaceStorage(p, p.to(dtype));
        if (p.grad) p.grad = p.grad.to(dtype);
      }
      for (const m of this.modules()) {
        for (const b of m.buffersByName.values()) {
          const t = b.tensor;
          if (t && (t.dtype === 'float32' || t.dtype === 'float64') && t.dtype !== dtype) b.tensor = t.to(dtype);
        }
      }
    });
    return this;
  }

  /**
   * Moves every parameter, gradient and buffer to `device` in place (each Parameter stays the same object). To the
   * CPU only a module already there: a device's values come back asynchronously (`await t.cpu()` per tensor).
   */
  private toDevice(device: Device): this {
    const move = (t: Tensor): Tensor => t.detach().to(device);
    noGrad(() => {
      for (const p of this.parameters()) {
        if (p.device === device) continue;
        p._replaceStorage(move(p));
        if (p.grad) p.grad = move(p.grad);
      }
      for (const m of this.modules()) {
        for (const b of m.buffersByName.values()) if (b.tensor && b.tensor.device !== device) b.tensor = move(b.tensor);
      }
    });
    return this;
  }

  /** `to('float64')`. */
  double(): this {
    return this.to('float64');
  }

  /** `to('float32')`. */
  float(): this {
    return this.to('float32');
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Drops every parameter's gradient (PyTorch's default set_to_none); `setToNone: false` zeroes them instead. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (options.setToNone === false && p.grad) {
        p.grad.data.fill(0);
        p.grad._bumpVersion();
      } else {
        p.grad = null;
      }
    }
  }

  /** Calls fn on every descendant, then on this module (children first, as PyTorch does). */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Name -> tensor for every parameter and persistent buffer, in PyTorch's order: a module's own parameters,
   * then its buffers, then each child's entries under `child.`. The tensors share storage with the module.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    const visit = (m: Module, prefix: string): void => {
      for (const [name, p] of m.ownParameters()) out[prefix + name] = p.detach();
      for (const [name, b] of m.buffersByName) if (b.tensor && b.persistent) out[prefix + name] = b.tensor.detach();
      for (const [name, child] of m.namedChildren()) visit(child, `${prefix}${name}.`);
    };
    visit(this, '');
    return out;
  }

  /**
   * Copies values from `stateDict` into this module's existing tensors (float32 and float64 convert into each other).
   * Missing and unexpected keys are errors unless `strict: false`; a shape mismatch, or an integer tensor for a
   * floating one (or the reverse), is always an error.
   * Nothing is copied unless every check passes.
   */
  loadStateDict(stateDict: StateDict, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    if (stateDict === null || typeof stateDict !== 'object') throw new TypeError(`loadStateDict: expected an object of tensors, got ${describe(stateDict)}`);
    const own = this.stateDict();
    const missingKeys = Object.keys(own).filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !Object.hasOwn(own, k));
    const mismatches: string[] = [];
    for (const [key, target] of Object.entries(own)) {
      if (!Object.hasOwn(stateDict, key)) continue;
      const source = stateDict[key];
      if (!(source instanceof Tensor)) {
        mismatches.push(`'${key}' is not a Tensor (got ${describe(source)})`);
      } else if (formatShape(source.shape) !== formatShape(target.shape)) {
        mismatches.push(`size mismatch for '${key}': checkpoint has shape ${formatShape(source.shape)}, this module has ${formatShape(target.shape)}`);
      } else if ((source.dtype === 'int32') !== (target.dtype === 'int32')) {
        // float32 <-> float64 converts, as PyTorch's copy_ does; between integers and floats it would truncate or invent values.
        mismatches.push(`dtype mismatch for '${key}': checkpoint has ${source.dtype}, this module has ${target.dtype}`);
      }
    }
    const quoted = (keys: string[]): string => keys.map((k) => `'${k}'`).join(', ');
    const problems = [
      ...(strict && missingKeys.length ? [`missing keys: ${quoted(missingKeys)}`] : []),
      ...(strict && unexpectedKeys.length ? [`unexpected keys: ${quoted(unexpectedKeys)}`] : []),
      ...mismatches,
    ];
    if (problems.length) {
      throw new Error(`loadStateDict: error(s) loading the state dict into ${this.constructor.name}:\n  ${problems.join('\n  ')}`);
    }
    // copy_ under noGrad, as PyTorch's load_state_dict: it converts the dtype and writes on the tensor's device; a
    // CPU checkpoint goes to a 'webgpu' module converted first (float64 cannot live there), then uploaded
    noGrad(() => {
      for (const [key, target] of Object.entries(own)) {
        if (!Object.hasOwn(stateDict, key)) continue;
        const source = stateDict[key];
        const onDevice = source.device === target.device ? source : (source.dtype === target.dtype ? source : source.to(target.dtype)).to(target.device);
        target.copy_(onDevice);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** The text inside this module's parentheses in toString(), like PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's repr layout: `Sequential(\n  (0): Linear(inFeatures=4, outFeatures=8, bias=true)\n)`. */
  override toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this.namedChildren()].map(([name, child]) => `(${name}): ${indentAfterFirstLine(child.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let body = '';
    if (lines.length === 1 && childLines.length === 0) body = lines[0];
    else if (lines.length) body = `\n  ${lines.join('\n  ')}\n`;
    return `${this.constructor.name}(${body})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /**
   * Runs a forward pass on zeros of `inputShape` (batch dimension excluded, as in torchsummary) in eval mode
   * without gradients, and prints a table of each leaf layer's output shape and parameter count, then the totals.
   * Returns the table.
   */
  summary(inputShape: readonly number[], options: SummaryOptions = {}): string {
    return summarize(this, inputShape, options);
  }
}

let nextHookId = 0;

function addHook<H>(op: string, hooks: Map<number, H>, hook: H): RemovableHandle {
  if (typeof hook !== 'function') throw new TypeError(`${op}: expected a function, got ${describe(hook)}`);
  const id = nextHookId++;
  hooks.set(id, hook);
  return { remove: () => void hooks.delete(id) };
}

/**
 * Gives `p` the storage of `converted` (another dtype), as PyTorch's `param.data = ...`: the object stays, so every
 * holder of it sees the new values. `dtype` is readonly for users; this module-level conversion is its one writer.
 * The version is bumped so a graph that saved the old values refuses to run backward.
 */
function replaceStorage(p: Parameter, converted: Tensor): void {
  p.data = converted.data;
  (p as { dtype: DType }).dtype = converted.dtype;
  p._bumpVersion();
}

function indentAfterFirstLine(text: string, spaces: number): string {
  return text.split('\n').join(`\n${' '.repeat(spaces)}`);
}

/** PyTorch-style value formatting for extraRepr: arrays as `[5, 5]`, everything else as JavaScript prints it. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return String(value);
}

import { Tensor, formatShape } from '@torchlet/core';
import { Parameter, describe } from './parameter.js';
import { summarize, type SummaryOptions } from './summary.js';

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** When true (the default), missing and unexpected keys are errors. Shape mismatches always are. */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
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
export abstract class Module {
  /** Training mode (dropout active, batch norm on batch statistics); set by train()/eval() on the whole tree. */
  training = true;
  private readonly buffersByName = new Map<string, { tensor: Tensor | null; persistent: boolean }>();

  abstract forward(...args: unknown[]): unknown;

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
   * Copies values from `stateDict` into this module's existing tensors (converting dtype if needed).
   * Missing and unexpected keys are errors unless `strict: false`; a shape mismatch is always an error.
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
    for (const [key, target] of Object.entries(own)) {
      if (!Object.hasOwn(stateDict, key)) continue;
      target.data.set(stateDict[key].data);
      target._bumpVersion();
    }
    return { missingKeys, unexpectedKeys };
  }

  /** The text inside this module's parentheses in toString(), like PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's repr layout: `Sequential(\n  (0): Linear(inFeatures=4, outFeatures=8, bias=true)\n)`. */
  toString(): string {
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

function indentAfterFirstLine(text: string, spaces: number): string {
  return text.split('\n').join(`\n${' '.repeat(spaces)}`);
}

/** PyTorch-style value formatting for extraRepr: arrays as `[5, 5]`, everything else as JavaScript prints it. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  return String(value);
}

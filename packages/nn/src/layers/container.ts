import { Tensor } from '@torchlet/core';
import { Module } from '../module.js';
import { describe } from '../parameter.js';

function checkModule(op: string, value: unknown, index: number | string): Module {
  if (!(value instanceof Module)) throw new TypeError(`${op}: expected Modules, got ${describe(value)} at ${typeof index === 'number' ? `position ${index}` : `key '${index}'`}`);
  return value;
}

/** 0 | 1 | ... | n-1 for a tuple of length n; never for an array of unknown length. */
type TupleIndex<T extends unknown[]> = Exclude<Partial<T>['length'], T['length']>;

/** Modules kept under keys '0', '1', ... with array-like access; M is the type of the items. */
abstract class IndexedModules<M extends Module> extends Module {
  // `override`: TypeScript sees a callable Module as having Function's members; the object itself has no `length`.
  override get length(): number {
    return [...this.namedChildren()].length;
  }

  /** The module at position i; negative i counts from the end. */
  at(i: number): M {
    const list = [...this.children()];
    const j = Number.isInteger(i) && i < 0 ? i + list.length : i;
    if (!Number.isInteger(j) || j < 0 || j >= list.length) {
      throw new RangeError(`${this.constructor.name}.at: index ${i} is out of range for ${list.length} modules`);
    }
    return list[j] as M;
  }

  append(module: M): this {
    this.registerModule(String(this.length), checkModule(`${this.constructor.name}.append`, module, this.length));
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.children() as Iterator<M>;
  }
}

/**
 * Runs its modules in order, each on the previous one's output, calling each (so their hooks run).
 * `new Sequential(a, b)` names them '0', '1' (state-dict keys `0.weight`); `new Sequential({ conv: a, relu: b })`
 * uses the given names. The items keep their types: `new Sequential(new Linear(2, 3), new ReLU()).at(0)` is a Linear.
 */
export class Sequential<T extends Module[] = Module[]> extends IndexedModules<T[number]> {
  constructor(...modules: T | [Record<string, T[number]>]) {
    super();
    const first: unknown = modules[0];
    if (modules.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first as Record<string, unknown>)) this.registerModule(name, checkModule('Sequential', m, name));
    } else {
      (modules as unknown[]).forEach((m, i) => this.registerModule(String(i), checkModule('Sequential', m, i)));
    }
  }

  /** The module at position i, typed as the one given there when i is a literal index of the constructor's list. */
  override at<I extends TupleIndex<T>>(i: I): T[I & keyof T];
  override at(i: number): T[number];
  override at(i: number): T[number] {
    return super.at(i);
  }

  forward(x: Tensor): Tensor {
    let out: unknown = x;
    for (const m of this.children()) out = m(out);
    return out as Tensor;
  }
}

/** A list of modules whose parameters are registered (a plain array field would not be seen); it has no forward. */
export class ModuleList<M extends Module = Module> extends IndexedModules<M> {
  constructor(modules: Iterable<M> = [], ...extra: never[]) {
    super();
    if (extra.length) throw new TypeError(`ModuleList: takes one iterable of modules, got ${1 + extra.length} arguments`);
    if (modules === null || typeof (modules as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList: expected an iterable of modules, got ${describe(modules)}`);
    }
    for (const m of modules) this.append(m);
  }

  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  forward(): never {
    throw new Error('ModuleList: has no forward; iterate over it and call each module');
  }
}

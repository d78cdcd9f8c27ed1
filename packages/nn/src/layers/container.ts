import { Tensor } from '@torchlet/core';
import { Module } from '../module.js';
import { describe } from '../parameter.js';

function checkModule(op: string, value: unknown, index: number | string): Module {
  if (!(value instanceof Module)) throw new TypeError(`${op}: expected Modules, got ${describe(value)} at ${typeof index === 'number' ? `position ${index}` : `key '${index}'`}`);
  return value;
}

/** Modules kept under keys '0', '1', ... with array-like access. */
abstract class IndexedModules extends Module {
  get length(): number {
    return [...this.namedChildren()].length;
  }

  /** The module at position i; negative i counts from the end. */
  at(i: number): Module {
    const list = [...this.children()];
    const j = Number.isInteger(i) && i < 0 ? i + list.length : i;
    if (!Number.isInteger(j) || j < 0 || j >= list.length) {
      throw new RangeError(`${this.constructor.name}.at: index ${i} is out of range for ${list.length} modules`);
    }
    return list[j];
  }

  append(module: Module): this {
    this.registerModule(String(this.length), checkModule(`${this.constructor.name}.append`, module, this.length));
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
}

/**
 * Runs its modules in order, each on the previous one's output. `new Sequential(a, b)` names them '0', '1'
 * (state-dict keys `0.weight`); `new Sequential({ conv: a, relu: b })` uses the given names.
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first: unknown = modules[0];
    if (modules.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first as Record<string, unknown>)) this.registerModule(name, checkModule('Sequential', m, name));
    } else {
      (modules as unknown[]).forEach((m, i) => this.registerModule(String(i), checkModule('Sequential', m, i)));
    }
  }

  forward(x: Tensor): Tensor {
    let out: unknown = x;
    for (const m of this.children()) out = m.forward(out);
    return out as Tensor;
  }
}

/** A list of modules whose parameters are registered (a plain array field would not be seen); it has no forward. */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  forward(): never {
    throw new Error('ModuleList: has no forward; iterate over it and call each module');
  }
}

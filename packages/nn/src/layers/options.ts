import { checkOptionKeys, type DType, type Generator } from '@torchlet/core';
import { describe } from '../parameter.js';

/** Options every layer with parameters takes: the parameters' dtype and the generator that initialises them. */
export interface LayerOptions {
  dtype?: DType;
  generator?: Generator;
}

export function checkPositiveInt(op: string, what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`${op}: ${what} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function checkFloatDType(op: string, dtype: DType | undefined): DType {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw new Error(`${op}: parameters need a floating dtype (float32 or float64), got ${JSON.stringify(d)}`);
  return d;
}

export type Pair = number | readonly [number, number];

/** A size given as n or [h, w], checked to be integers at least `min`, as a pair. */
export function toPair(op: string, what: string, value: Pair, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= min)) {
    throw new Error(`${op}: ${what} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [pair[0], pair[1]];
}

/**
 * A constructor's trailing arguments in either of PyTorch's forms, as one options object: positional values in the
 * order PyTorch takes them (`Conv2d(1, 32, 3, 2)` is stride 2), optionally followed by an options object (the
 * only form for `keywordOnly` keys such as dtype and generator). Too many positional values, an unknown key
 * ("did you mean ...?") or a value given both ways is an error, so nothing a PyTorch user writes is dropped.
 */
export function layerArgs<O extends object>(op: string, rest: readonly unknown[], positional: readonly string[], keywordOnly: readonly string[] = []): O {
  const last = rest[rest.length - 1];
  const hasOptions = rest.length > 0 && isOptionsObject(last);
  const values = hasOptions ? rest.slice(0, -1) : rest;
  if (values.length > positional.length) {
    const extra = values.slice(positional.length).map(describeArg).join(', ');
    throw new TypeError(
      `${op}: got ${values.length} positional arguments after the required ones, but it takes at most ${positional.length}` +
      `${positional.length ? ` (${positional.join(', ')})` : ''} before an options object; extra: ${extra}`,
    );
  }
  const options: Record<string, unknown> = {};
  values.forEach((value, i) => {
    if (value !== undefined) options[positional[i]] = value;
  });
  if (hasOptions) {
    checkOptionKeys(op, last, [...positional, ...keywordOnly]);
    for (const [key, value] of Object.entries(last)) {
      if (value === undefined) continue;
      if (key in options) throw new TypeError(`${op}: ${key} is given both as a positional argument and in the options`);
      options[key] = value;
    }
  }
  return options as O;
}

/** A plain object (not an array, a Tensor or a Generator) ends an argument list as its options. */
function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeArg(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string' ? JSON.stringify(value) : describe(value);
}

export function checkBoolean(op: string, what: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${op}: ${what} must be a boolean, got ${describeArg(value)}`);
  return value;
}

/** PyTorch's deprecated sizeAverage/reduce arguments of the losses: refused with the replacement, rather than dropped. */
export function refuseDeprecated(op: string, options: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    if (options[key] !== undefined && options[key] !== null) {
      throw new TypeError(`${op}: ${key} is deprecated in PyTorch and not supported; use reduction ('mean', 'sum' or 'none')`);
    }
  }
}

import type { DType, Generator } from '@torchlet/core';
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

/** A 2-D size given as one number for both dims or as [h, w], as PyTorch's `kernel_size=3` or `(3, 5)`. */
export type Pair = number | readonly [number, number];

/** A size given as n or [h, w], checked to be integers at least `min`, as a pair. */
export function toPair(op: string, what: string, value: Pair, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= min)) {
    throw new Error(`${op}: ${what} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [pair[0], pair[1]];
}

/** PyTorch's positional forms beside the options object (Conv2d(1, 32, 3, 2)); shared with optim and data through core. */
export { positionalOptions as layerArgs } from '@torchlet/core';

/** `value` as a boolean, `byDefault` when it was not given; null is refused (PyTorch's None would be false, a guess here). */
export function checkBoolean(op: string, what: string, value: unknown, byDefault?: boolean): boolean {
  if (value === undefined && byDefault !== undefined) return byDefault;
  if (typeof value !== 'boolean') {
    const shown = typeof value === 'number' || typeof value === 'string' ? JSON.stringify(value) : describe(value);
    throw new TypeError(`${op}: ${what} must be a boolean, got ${shown}`);
  }
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

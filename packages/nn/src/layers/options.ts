import type { DType, Generator } from '@torchlet/core';

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

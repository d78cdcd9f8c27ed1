import { describe, isPlainObject } from './describe.js';

/** Throws unless `value` is a finite number >= 0: `SGD: invalid learning rate -1 in parameter group 0 (expected a number >= 0)`. */
export function checkNonNegative(name: string, what: string, value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${name}: invalid ${what} ${describeValue(value)} ${where} (expected a number >= 0)`);
  }
}

export function checkFiniteNumber(name: string, what: string, value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${name}: invalid ${what} ${describeValue(value)} ${where} (expected a finite number)`);
  }
}

export function checkBoolean(name: string, what: string, value: unknown, where: string): void {
  if (typeof value !== 'boolean') throw new TypeError(`${name}: ${what} ${where} must be a boolean, got ${describe(value)}`);
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : describe(value);
}

export function checkOptionsObject(name: string, options: unknown): void {
  if (!isPlainObject(options)) throw new TypeError(`${name}: expected an options object, got ${describe(options)}`);
}

import { Tensor, formatShape } from '@torchlet/core';

/** How a received value is named in error messages: `Tensor float32 [2, 3]`, `Array`, `string`, `null`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Tensor) return `Tensor ${value.dtype} ${formatShape(value.shape)}`;
  // a Module is a function object: name its class (new SGD(model) instead of model.parameters() is a common slip)
  if (typeof value === 'object' || typeof value === 'function') return (value as object).constructor?.name ?? 'Object';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

import { Tensor } from '@torchlet/core';

/**
 * A tensor that is a module's trainable weight, like torch.nn.Parameter. It shares the storage (and version
 * counter) of the tensor it wraps, is always a leaf, and requires grad unless asked otherwise.
 * Module finds its parameters by looking for Parameter-valued fields, so a plain Tensor field is not trained.
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true, ...extra: never[]) {
    if (!(data instanceof Tensor)) throw new TypeError(`Parameter: expected a Tensor, got ${describe(data)}`);
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`Parameter: requiresGrad must be a boolean, got ${describe(requiresGrad)}`);
    if (extra.length) throw new TypeError(`Parameter: takes (data, requiresGrad), got ${2 + extra.length} arguments`);
    super(data.data, data.shape, data);
    if (requiresGrad) this.requiresGrad = true;
  }
}

/** `parameter(t)` is `new Parameter(t)`. */
export function parameter(data: Tensor, requiresGrad = true): Parameter {
  return new Parameter(data, requiresGrad);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Tensor) return `Tensor ${value.dtype} [${value.shape.join(', ')}]`;
  // Modules are function objects (callable), so 'function' is named by its class too.
  if (typeof value === 'object' || typeof value === 'function') return (value as object).constructor?.name ?? 'Object';
  return typeof value;
}

import { Tensor, kernels, positionalOptions } from '@torchlet/core';
import { describe, isIterable } from './describe.js';

/** Options of clipGradNorm beyond maxNorm and normType, as PyTorch's keyword arguments. */
export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it. */
  errorIfNonfinite?: boolean;
  /** PyTorch's choice of implementation; it does not change the result, so any value is accepted. */
  foreach?: boolean | null;
}

/**
 * Rescales the gradients of `parameters` in place so that their joint norm (as if all were concatenated into one
 * vector) is at most maxNorm, like torch.nn.utils.clip_grad_norm_: every gradient is multiplied by
 * maxNorm / (total + 1e-6) when that is below 1. Returns the total norm before clipping. Parameters without a
 * gradient are skipped. `normType` is any p > 0 or Infinity (the largest absolute value).
 */
export function clipGradNorm_(parameters: Iterable<Tensor> | Tensor, maxNorm: number, normType?: number, options?: ClipGradNormOptions): number;
/** PyTorch's positional form `clipGradNorm_(parameters, maxNorm, normType, errorIfNonfinite, foreach)`. */
export function clipGradNorm_(parameters: Iterable<Tensor> | Tensor, maxNorm: number, normType: number, errorIfNonfinite: boolean, foreach?: boolean | null): number;
export function clipGradNorm_(parameters: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2, ...rest: unknown[]): number {
  const options = positionalOptions<ClipGradNormOptions>('clipGradNorm_', rest, ['errorIfNonfinite', 'foreach']);
  const grads = gradients('clipGradNorm_', parameters);
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) throw new Error(`clipGradNorm_: maxNorm must be a number >= 0, got ${describe(maxNorm)}`);
  if (typeof normType !== 'number' || !(normType > 0)) throw new Error(`clipGradNorm_: normType must be a number > 0 or Infinity, got ${describe(normType)}`);
  const total = kernels.totalNorm(grads, normType);
  if (options.errorIfNonfinite !== undefined && typeof options.errorIfNonfinite !== 'boolean') {
    throw new TypeError(`clipGradNorm_: errorIfNonfinite must be a boolean, got ${describe(options.errorIfNonfinite)}`);
  }
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new Error(`clipGradNorm_: the total norm of order ${normType} of the gradients is ${total}; pass errorIfNonfinite: false to clip anyway`);
  }
  const coefficient = maxNorm / (total + 1e-6);
  if (coefficient < 1) {
    for (const g of grads) {
      kernels.mulScalar_(g, coefficient);
      g._bumpVersion();
    }
  }
  return total;
}

/** Clamps every gradient element of `parameters` into [-clipValue, clipValue] in place, like torch.nn.utils.clip_grad_value_. */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number, ...rest: [foreach?: boolean | null] | [{ foreach?: boolean | null }]): void {
  positionalOptions('clipGradValue_', rest, ['foreach']); // foreach only picks PyTorch's implementation: accepted, nothing to do
  const grads = gradients('clipGradValue_', parameters);
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) throw new Error(`clipGradValue_: clipValue must be a number >= 0, got ${describe(clipValue)}`);
  for (const g of grads) {
    kernels.clampMagnitude_(g, clipValue);
    g._bumpVersion();
  }
}

function gradients(name: string, parameters: Iterable<Tensor> | Tensor): Tensor[] {
  if (!(parameters instanceof Tensor) && !isIterable(parameters)) {
    throw new TypeError(`${name}: parameters must be a Tensor or an iterable of Tensors, got ${describe(parameters)}`);
  }
  const list: unknown[] = parameters instanceof Tensor ? [parameters] : [...parameters];
  const grads: Tensor[] = [];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${name}: parameter ${i} is not a Tensor, got ${describe(p)}`);
    if (p.grad !== null) grads.push(p.grad);
  });
  return grads;
}

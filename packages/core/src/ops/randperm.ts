import type { Tensor } from '../tensor.js';
import { type DType, isDType } from '../dtype.js';
import { Generator, defaultGenerator } from '../random.js';
import { checkOptionKeys, rejectExtraArguments } from '../options.js';
import * as kernels from '../kernels/backend.js';

/** Options of randperm: the dtype (default int32), the generator (default defaultGenerator) and requiresGrad (default false). */
export interface RandpermOptions {
  dtype?: DType;
  generator?: Generator;
  requiresGrad?: boolean;
}

/**
 * torch.randperm: a random permutation of 0..n-1, int32 by default (PyTorch's is int64), drawn from the generator
 * (defaultGenerator, seeded by manualSeed). The same seed gives the same permutation here, not PyTorch's.
 */
export function randperm(n: number, options: RandpermOptions = {}): Tensor {
  rejectExtraArguments('randperm', 2, arguments.length);
  if (!Number.isInteger(n) || n < 0) throw new Error(`randperm: n must be a non-negative integer, got ${n}`);
  checkOptionKeys('randperm', options, ['dtype', 'generator', 'requiresGrad']);
  const { dtype = 'int32', generator = defaultGenerator, requiresGrad = false } = options;
  if (!isDType(dtype)) throw new TypeError(`randperm: unknown dtype ${JSON.stringify(dtype)}`);
  if (!(generator instanceof Generator)) throw new TypeError(`randperm: generator must be a Generator, got ${typeof generator}`);
  const out = kernels.randperm(n, dtype, () => generator.random());
  if (requiresGrad) out.requiresGrad = true;
  return out;
}

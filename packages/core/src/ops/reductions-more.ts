import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { formatShape, normalizeDim, normalizeDims } from '../shape.js';
import { checkOptionKeys, positionalOptions } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { div, mul } from './arithmetic.js';
import { eq, ne, where } from './compare.js';
import { zeroGradient } from './gradient-ops.js';
import { abs, pow, sqrt } from './unary.js';
import { cat, slice } from './indexing.js';
import { flip } from './reordering.js';
import { reshape } from './shape.js';
import { type Dims, type VarOptions, reducedShape, sum, var as variance } from './reduction.js';
import { checkTensor, compositeOp } from './math-op.js';

/** torch.std, torch.norm (p = 1, 2, ±inf, 'fro', any other non-zero p, 0), torch.amax and torch.amin. */

/** The sorted dims an amax/norm reduces: null, undefined or [] is every dim; a 0-d tensor has none to reduce. */
function reduceDims(op: string, dim: Dims | undefined, ndim: number): number[] {
  const dims = normalizeDims(op, Array.isArray(dim) && dim.length === 0 ? null : dim, ndim);
  return ndim === 0 ? [] : dims;
}

interface ExtremumState {
  keptShape: number[];
  dims: number[];
}

type ReduceArgs = [Tensor, Dims, boolean];

const dimKeepdimSignatures = {
  Tensor: (x: Tensor): ReduceArgs => [x, null, false],
  'Tensor, number | Array | null | undefined': (x: Tensor, dim: Dims | undefined): ReduceArgs => [x, dim ?? null, false],
  'Tensor, number | Array | null | undefined, boolean | undefined': (x: Tensor, dim: Dims | undefined, keepdim: boolean | undefined): ReduceArgs => [
    x, dim ?? null, keepdim ?? false,
  ],
};

/**
 * torch.amax (sign 1) or torch.amin (-1) over dims (all by default): NaN propagates; the gradient is split evenly
 * among the elements equal to the extremum of their slice, as PyTorch's.
 */
function defineAmax(name: 'amax' | 'amin', sign: 1 | -1) {
  return defineOp({
    name,
    signatures: dimKeepdimSignatures,
    forward(ctx: OpContext<ExtremumState>, x: Tensor, dim: Dims, keepdim: boolean) {
      const dims = reduceDims(name, dim, x.ndim);
      for (const d of dims) {
        if (x.shape[d] === 0) throw new Error(`${name}: cannot reduce over dim ${d} of size 0 (shape ${formatShape(x.shape)}): the extremum of nothing is undefined`);
      }
      const kept = kernels.extremumDims(x, dims, sign);
      const out = kernels.view(kept, reducedShape(x.shape, dims, keepdim));
      ctx.save(x, out);
      ctx.state = { keptShape: [...kept.shape], dims };
      return out;
    },
    backward(ctx, g) {
      const [x, y] = ctx.saved;
      const { keptShape, dims } = ctx.state;
      const ties = eq(x, reshape(y, keptShape));
      return [mul(div(reshape(g, keptShape), sum(ties, dims, true)), ties), null, null];
    },
  }) as unknown as (x: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;
}

/** The largest value over dim (int or list; all dims by default), as torch.amax; ties share the gradient evenly. */
export const amax = defineAmax('amax', 1);
/** The smallest value over dim (int or list; all dims by default), as torch.amin; ties share the gradient evenly. */
export const amin = defineAmax('amin', -1);

/** √v, with PyTorch's std gradient: g / (2·√v), and 0 where the result is 0 (a constant slice), not Infinity·0. */
const sqrtOfVariance = defineOp({
  name: 'std',
  signatures: ['Tensor'],
  forward(ctx: OpContext<undefined>, v: Tensor) {
    const y = sqrt(v);
    ctx.save(y);
    return y;
  },
  backward(ctx, g) {
    const [y] = ctx.saved;
    const zero = eq(y, 0);
    return [where(zero, 0, div(g, mul(where(zero, 1, y), 2)))];
  },
});

/** PyTorch's torch.std: √var, with var's forms (dim, then { unbiased, keepdim }; unbiased by default). */
export const std = compositeOp('std', {
  Tensor: (x: Tensor): Tensor => sqrtOfVariance(variance(x)),
  'Tensor, Object': (x: Tensor, options: VarOptions): Tensor => sqrtOfVariance(variance(x, stdOptions(options))),
  'Tensor, number | Array | null | undefined': (x: Tensor, dim: Dims | undefined): Tensor => sqrtOfVariance(variance(x, dim)),
  'Tensor, number | Array | null | undefined, Object | undefined': (x: Tensor, dim: Dims | undefined, options: VarOptions | undefined): Tensor =>
    sqrtOfVariance(variance(x, dim, stdOptions(options ?? {}))),
}) as {
  (x: Tensor, options?: VarOptions): Tensor;
  (x: Tensor, dim?: Dims, options?: VarOptions): Tensor;
};

function stdOptions(options: VarOptions): VarOptions {
  checkOptionKeys('std', options, ['unbiased', 'keepdim']);
  return options;
}

/** norm's p: a number (1, 2, ±Infinity, 0, any other) or 'fro'. */
export type NormOrder = number | 'fro';

/** norm's arguments by name (each may also be given positionally). */
export interface NormOptions {
  /** The order: 'fro' (default; the 2-norm over the dims), 1, 2, Infinity (max |x|), -Infinity, 0 (count of nonzeros), any other p. */
  p?: NormOrder;
  /** Dims to reduce (all by default). */
  dim?: Dims;
  keepdim?: boolean;
}

interface Norm2State {
  keptShape: number[];
}

/** √Σx² over dims; its gradient x/‖x‖ is 0 where the norm is 0, as PyTorch's (not 0/0). */
const norm2 = defineOp({
  name: 'norm',
  signatures: ['Tensor, Array, boolean'],
  forward(ctx: OpContext<Norm2State>, x: Tensor, dims: number[], keepdim: boolean) {
    const kept = sqrt(sum(mul(x, x), dims, true));
    ctx.state = { keptShape: [...kept.shape] };
    const out = reshape(kept, reducedShape(x.shape, dims, keepdim));
    ctx.save(x, out);
    return out;
  },
  backward(ctx, g) {
    const [x, y] = ctx.saved;
    const norm = reshape(y, ctx.state.keptShape);
    return [mul(x, div(reshape(g, ctx.state.keptShape), where(eq(norm, 0), 1, norm))), null, null];
  },
});

/** The number of nonzero elements (NaN counts) over dims, as the 0-"norm"; its gradient is zero, as PyTorch's. */
const countNonzero = defineOp({
  name: 'norm',
  signatures: ['Tensor, Array, boolean'],
  forward(ctx: OpContext<undefined>, x: Tensor, dims: number[], keepdim: boolean) {
    ctx.save(x);
    return sum(kernels.cast(ne(x, 0), x.dtype), dims, keepdim);
  },
  backward(ctx, _g) {
    return [zeroGradient(ctx.saved[0]), null, null];
  },
});

/**
 * torch.norm(input, p='fro', dim=None, keepdim=False): the vector p-norm over dim (all elements by default); 'fro'
 * is the 2-norm and takes at most two dims, as PyTorch's. 'nuc' and matrix norms are not supported.
 */
export function norm(x: Tensor, ...rest: unknown[]): Tensor {
  checkTensor('norm', x);
  const { p = 'fro', dim = null, keepdim = false } = positionalOptions<NormOptions>('norm', rest, ['p', 'dim', 'keepdim']);
  if (typeof keepdim !== 'boolean') throw new TypeError(`norm: keepdim must be a boolean, got ${String(keepdim)}`);
  if (x.dtype === 'int32') throw new TypeError('norm: expected a floating-point tensor, got int32 (convert with .float())');
  if (p !== 'fro' && (typeof p !== 'number' || Number.isNaN(p))) {
    throw new TypeError(`norm: p must be a number or 'fro', got ${JSON.stringify(p)}${(p as unknown) === 'nuc' ? ' (the nuclear norm is not supported)' : ''}`);
  }
  const dims = reduceDims('norm', dim, x.ndim);
  if (p === 'fro' && dim !== null && (Array.isArray(dim) ? dim.length : 1) > 2) {
    throw new Error(`norm: the Frobenius norm takes at most 2 dims, got ${JSON.stringify(dim)}`);
  }
  if (p === 'fro' || p === 2) return norm2(x, dims, keepdim);
  if (p === 1) return sum(abs(x), dims, keepdim);
  if (p === Infinity) return amax(abs(x), dims, keepdim);
  if (p === -Infinity) return amin(abs(x), dims, keepdim);
  if (p === 0) return countNonzero(x, dims, keepdim);
  return pow(sum(pow(abs(x), p), dims, keepdim), 1 / p);
}

declare module '../tensor.js' {
  interface Tensor {
    amax(dim?: Dims, keepdim?: boolean): Tensor;
    amin(dim?: Dims, keepdim?: boolean): Tensor;
    prod(dim?: number, keepdim?: boolean): Tensor;
    std(options?: VarOptions): Tensor;
    std(dim?: Dims, options?: VarOptions): Tensor;
    norm(p?: NormOrder | NormOptions, dim?: Dims | NormOptions, keepdim?: boolean | NormOptions, options?: NormOptions): Tensor;
  }
}

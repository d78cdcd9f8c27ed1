import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { formatShape, normalizeDim } from '../shape.js';
import { positionalOptions } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { slice } from './indexing.js';
import { reshape } from './shape.js';
import { scatterAdd } from './scatter.js';
import { checkTensor } from './math-op.js';
import { type ValuesIndices, valuesIndices } from './named-tuple.js';

/**
 * torch.sort and torch.topk: the values with their int32 indices, as PyTorch's named tuple. The gradient flows
 * through the values back to the positions they came from; the indices have none.
 */


interface TakeState {
  dim: number;
  inShape: readonly number[];
}

/** x's values at `indices` along dim (indices shaped like x but possibly shorter along dim); the gradient scatters back. */
const takeAlongDim = defineOp({
  name: 'sort',
  signatures: ['Tensor, number, Tensor'],
  forward(ctx: OpContext<TakeState>, x: Tensor, dim: number, indices: Tensor) {
    ctx.save(indices);
    ctx.state = { dim, inShape: x.shape };
    return kernels.gather(x, x.shape, dim, indices, indices.shape);
  },
  backward(ctx, g) {
    const [indices] = ctx.saved;
    const { dim, inShape } = ctx.state;
    return [scatterAdd(kernels.full(inShape, 0, g.dtype, g.device), dim, indices, g), null, null];
  },
});

function checkBoolean(op: string, key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${op}: ${key} must be a boolean, got ${String(value)}`);
  return value;
}

/** A 0-d tensor sorts as the one-element line it is (PyTorch returns it with index 0). */
function asLine(x: Tensor): Tensor {
  return x.ndim === 0 ? reshape(x, [1]) : x;
}

function backToScalar(r: ValuesIndices, x: Tensor): ValuesIndices {
  return x.ndim === 0 ? valuesIndices(reshape(r.values, []), reshape(r.indices, [])) : r;
}

/** sort's arguments by name (dim and descending may also be positional; stable only by name, as in PyTorch). */
export interface SortOptions {
  /** Default -1. */
  dim?: number;
  /** Largest first. Default false. */
  descending?: boolean;
  /** Keep the order of equal elements. torchlet's sort is always stable, so this only documents the wish. */
  stable?: boolean;
}

/**
 * torch.sort(input, dim=-1, descending=False, stable=False): each line along dim in order, with the int32 positions
 * the values came from. Always stable; NaN sorts above +Infinity, as in PyTorch.
 */
export function sort(x: Tensor, ...rest: unknown[]): ValuesIndices {
  checkTensor('sort', x);
  const { dim = -1, descending = false, stable = false } = positionalOptions<SortOptions>('sort', rest, ['dim', 'descending'], ['stable']);
  checkBoolean('sort', 'descending', descending);
  checkBoolean('sort', 'stable', stable);
  const line = asLine(x);
  const d = normalizeDim('sort', dim, line.ndim);
  const indices = kernels.argsort(line, d, descending);
  return backToScalar(valuesIndices(takeAlongDim(line, d, indices), indices), x);
}

/** topk's arguments after k by name (each may also be positional). */
export interface TopkOptions {
  /** Default -1. */
  dim?: number;
  /** The k largest (default) or the k smallest. */
  largest?: boolean;
  /** Return them in order. torchlet always does, so false only documents that the order is not needed. */
  sorted?: boolean;
}

/**
 * torch.topk(input, k, dim=-1, largest=True, sorted=True): the k largest (or smallest) values along dim, in order,
 * with their int32 positions. NaN counts as the largest value, as in PyTorch.
 */
export function topk(x: Tensor, k: number, ...rest: unknown[]): ValuesIndices {
  checkTensor('topk', x);
  const { dim = -1, largest = true, sorted = true } = positionalOptions<TopkOptions>('topk', rest, ['dim', 'largest', 'sorted']);
  checkBoolean('topk', 'largest', largest);
  checkBoolean('topk', 'sorted', sorted);
  const line = asLine(x);
  const d = normalizeDim('topk', dim, line.ndim);
  const size = line.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new RangeError(`topk: k must be an integer in [0, ${size}] (the size of dim ${dim} of shape ${formatShape(x.shape)}), got ${String(k)}`);
  }
  const indices = slice(kernels.argsort(line, d, largest), d, 0, k);
  return backToScalar(valuesIndices(takeAlongDim(line, d, indices), indices), x);
}

declare module '../tensor.js' {
  interface Tensor {
    sort(dim?: number | SortOptions, descending?: boolean | SortOptions, options?: SortOptions): ValuesIndices;
    topk(k: number, dim?: number | TopkOptions, largest?: boolean | TopkOptions, sorted?: boolean | TopkOptions, options?: TopkOptions): ValuesIndices;
  }
}

import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { empty } from '../creation.js';
import { formatShape, normalizeDims, sameShape } from '../shape.js';
import { axisView, sumAxis } from '../kernels/reduce.js';
import { expand, reshape } from './shape.js';

export type Dims = number | readonly number[] | null;

/** The shape left after reducing `dims`, with 1s kept when keepdim. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Sums the (sorted) dims one axis at a time, highest first so lower axes keep their place; keepdim layout. */
export function sumDimsData(x: Tensor, dims: readonly number[]): Tensor {
  let cur = x;
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k];
    const [outer, n, inner] = axisView(cur.shape, d);
    const shape = [...cur.shape];
    shape[d] = 1;
    const out = empty(shape, cur.dtype);
    sumAxis(cur.data, outer, n, inner, out.data);
    cur = out;
  }
  return cur === x ? new Tensor(x.data.slice(), x.shape) : cur;
}

export const reductionSignatures = {
  Tensor: (x: Tensor): [Tensor, Dims, boolean] => [x, null, false],
  'Tensor, number | Array | null | undefined': (x: Tensor, dim: Dims | undefined): [Tensor, Dims, boolean] => [x, dim ?? null, false],
  'Tensor, number | Array | null | undefined, boolean | undefined': (x: Tensor, dim: Dims | undefined, keepdim: boolean | undefined): [Tensor, Dims, boolean] => [x, dim ?? null, keepdim ?? false],
};

interface ReduceState {
  inShape: readonly number[];
  keptShape: number[];
  count: number;
}

/** Gradient of a sum-like reduction: reshape to the keepdim shape, then broadcast back to the input. */
function expandBack(g: Tensor, state: ReduceState): Tensor {
  return expand(reshape(g, state.keptShape), state.inShape);
}

export const sum = defineOp({
  name: 'sum',
  signatures: reductionSignatures,
  forward(ctx: OpContext<ReduceState>, x: Tensor, dim: Dims, keepdim: boolean) {
    const dims = normalizeDims('sum', dim, x.ndim);
    const kept = sumDimsData(x, dims);
    ctx.state = { inShape: x.shape, keptShape: [...kept.shape], count: 0 };
    return new Tensor(kept.data, reducedShape(x.shape, dims, keepdim));
  },
  backward(ctx, g) {
    return [expandBack(g, ctx.state)];
  },
}) as unknown as (x: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;

export const mean = defineOp({
  name: 'mean',
  signatures: reductionSignatures,
  forward(ctx: OpContext<ReduceState>, x: Tensor, dim: Dims, keepdim: boolean) {
    if (x.dtype === 'int32') throw new Error('mean: expected a floating-point tensor, got int32 (convert with .float())');
    const dims = normalizeDims('mean', dim, x.ndim);
    const kept = sumDimsData(x, dims);
    let count = 1;
    for (const d of dims) count *= x.shape[d];
    const o = kept.data;
    for (let i = 0; i < o.length; i++) o[i] /= count;
    ctx.state = { inShape: x.shape, keptShape: [...kept.shape], count };
    return new Tensor(o, reducedShape(x.shape, dims, keepdim));
  },
  backward(ctx, g) {
    const out = expandBack(g, ctx.state);
    const d = out.data;
    for (let i = 0; i < d.length; i++) d[i] /= ctx.state.count;
    return [out];
  },
}) as unknown as (x: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;

/**
 * Sums a broadcast result back to `shape`: the reverse of broadcasting, used by the backward rules of every
 * broadcasting op (tinygrad's "expand undoes itself by summing").
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0) throw new Error(`sumToShape: cannot reduce shape ${formatShape(g.shape)} to ${formatShape(shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) dims.push(i);
    else if (shape[i - lead] !== g.shape[i]) throw new Error(`sumToShape: cannot reduce shape ${formatShape(g.shape)} to ${formatShape(shape)}`);
  }
  return reshape(sum(g, dims, true), shape);
}

declare module '../tensor.js' {
  interface Tensor {
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    mean(dim?: Dims, keepdim?: boolean): Tensor;
  }
}

Tensor.prototype.sum = function (dim, keepdim) { return sum(this, dim, keepdim); };
Tensor.prototype.mean = function (dim, keepdim) { return mean(this, dim, keepdim); };

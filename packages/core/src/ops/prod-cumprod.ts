import { defineOp } from '../op.js';
import { type OpContext, isGradEnabled } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { normalizeDim } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { div, mul } from './arithmetic.js';
import { eq, where } from './compare.js';
import { zeroGradient } from './gradient-ops.js';
import { cat, slice } from './indexing.js';
import { reducedShape, sum } from './reduction.js';
import { flip } from './reordering.js';
import { reshape } from './shape.js';
import { cumulativeSignatures, reverseCumsum, running } from './cumulative.js';
import { compositeOp } from './math-op.js';

/**
 * torch.prod and torch.cumprod: one file, because each one's gradient is built from the other (exact where x has
 * zeros, as PyTorch's). int32 stays int32, refused on overflow (PyTorch gives int64, which torchlet lacks).
 */

interface ProdState {
  /** The reduced dim of x, or null for the product of all elements. */
  dim: number | null;
  keptShape: number[];
}

/** Π_{j≠i} x_j along d, as PyTorch's prod_safe_zeros_backward: exclusive running products from both ends, in ops. */
function productsOfOthers(x: Tensor, d: number): Tensor {
  const n = x.shape[d];
  const oneShape = [...x.shape];
  oneShape[d] = 1;
  const ones = kernels.full(oneShape, 1, x.dtype, x.device);
  const fromStart = cumprod(cat([ones, slice(x, d, 0, n - 1)], d), d);
  const fromEnd = flip(cumprod(cat([ones, flip(slice(x, d, 1, n), d)], d), d), d);
  return mul(fromStart, fromEnd);
}

const prodOp = defineOp({
  name: 'prod',
  signatures: ['Tensor, number | null, boolean'],
  forward(ctx: OpContext<ProdState>, x: Tensor, dim: number | null, keepdim: boolean) {
    const d = dim === null || x.ndim === 0 ? null : normalizeDim('prod', dim, x.ndim);
    const line = d === null ? reshape(x, [x.numel()]) : x;
    const axis = d ?? 0;
    const n = line.shape[axis];
    // the last running product (int32: exact, or refused on overflow); an empty product is 1
    const kept = n === 0 ? kernels.full(reducedShape(line.shape, [axis], true), 1, x.dtype, x.device) : slice(running('prod', line, axis, 'prod'), axis, n - 1, n);
    const out = reshape(kept, d === null ? [] : reducedShape(x.shape, [d], keepdim));
    ctx.save(x, out);
    ctx.state = { dim: d, keptShape: [...kept.shape] };
    return out;
  },
  backward(ctx, g) {
    const [x, y] = ctx.saved;
    const { dim, keptShape } = ctx.state;
    const line = dim === null ? reshape(x, [x.numel()]) : x;
    const axis = dim ?? 0;
    if (line.shape[axis] === 0) return [zeroGradient(x), null, null];
    const upstream = reshape(g, keptShape);
    // PyTorch's prod_backward: g·y/x when x has no zero anywhere, else the products of the others (exact at zeros)
    const hasZero = kernels.findOutOfRange(eq(x, 0), 0, 1) !== null;
    const gx = hasZero ? mul(upstream, productsOfOthers(line, axis)) : mul(upstream, div(reshape(y, keptShape), line));
    return [reshape(gx, x.shape), null, null];
  },
});

/**
 * The product of all elements, or along one dim, as torch.prod; the gradient is exact where x has zeros, as
 * PyTorch's. The product over an empty dim is 1; int32 stays int32, refused on overflow.
 */
export const prod = compositeOp('prod', {
  Tensor: (x: Tensor): Tensor => prodOp(x, null, false),
  'Tensor, number': (x: Tensor, dim: number): Tensor => prodOp(x, dim, false),
  'Tensor, number, boolean | undefined': (x: Tensor, dim: number, keepdim: boolean | undefined): Tensor => prodOp(x, dim, keepdim ?? false),
}) as {
  (x: Tensor): Tensor;
  (x: Tensor, dim: number, keepdim?: boolean): Tensor;
};

/**
 * Running products along dim, as torch.cumprod. The gradient is exact with zeros in x, as PyTorch's: before the first
 * zero of a line it is Σ_{k>=i} g_k·y_k / x_i; at the first zero, the same sum with that zero replaced by 1 (no
 * division); after it, 0 (every product there contains the zero).
 */
export const cumprod: (x: Tensor, dim: number | { dim: number }) => Tensor = defineOp({
  name: 'cumprod',
  signatures: cumulativeSignatures('cumprod'),
  forward(ctx: OpContext<number>, x: Tensor, dim: number) {
    const d = normalizeDim('cumprod', dim, x.ndim);
    const y = running('cumprod', x, d, 'prod');
    ctx.save(x, y);
    ctx.state = d;
    return y;
  },
  backward(ctx, g) {
    const [x, y] = ctx.saved;
    const d = ctx.state;
    // one element (a 0-d tensor too) is y = x
    if (x.numel() <= 1) return [g, null];
    const isZero = eq(x, 0);
    if (!kernels.findOutOfRange(isZero, 0, 1)) return [div(reverseCumsum(mul(g, y), d), x), null];
    // recording a backward (createGraph): the O(n) formula below is right but its own derivative is not (it pins
    // the gradient after a zero to a constant 0), so take PyTorch's O(n²) one, differentiable again
    if (isGradEnabled()) return [omittedProductsGradient(x, g, d), null];
    const zerosSoFar = running('cumprod', isZero, d, 'sum');
    const beforeZero = eq(zerosSoFar, 0);
    const firstZero = mul(isZero, eq(zerosSoFar, 1));
    // the divisor is 1 where its quotient is not used, so no 0/0 reaches the unused branch's gradient either
    const before = div(reverseCumsum(mul(g, y), d), where(beforeZero, x, 1));
    const atFirst = reverseCumsum(mul(g, cumprod(where(firstZero, 1, x), d)), d);
    return [where(beforeZero, before, where(firstZero, atFirst, 0)), null];
  },
}) as unknown as (x: Tensor, dim: number | { dim: number }) => Tensor;

/**
 * cumprod's gradient as Σ_{j>=k} g_j · Π_{i<=j, i≠k} x_i for each k, built from prods and cumprods of slices
 * (PyTorch's cumprod_backward under grad mode): no division, so exact with zeros and differentiable again.
 */
function omittedProductsGradient(x: Tensor, g: Tensor, d: number): Tensor {
  const n = x.shape[d];
  if (n === 1) return g;
  const oneShape = [...x.shape];
  oneShape[d] = 1;
  const parts: Tensor[] = [];
  for (let k = 0; k < n; k++) {
    // omitted[j - k] = Π_{i<=j, i≠k} x_i for j >= k: the product before k times the running product after it
    const before = k === 0 ? kernels.full(oneShape, 1, x.dtype, x.device) : prod(slice(x, d, 0, k), d, true);
    const omitted = k === n - 1 ? before : cat([before, mul(before, cumprod(slice(x, d, k + 1), d))], d);
    parts.push(sum(mul(slice(g, d, k), omitted), d, true));
  }
  return cat(parts, d);
}

declare module '../tensor.js' {
  interface Tensor {
    cumprod(dim: number | { dim: number }): Tensor;
  }
}

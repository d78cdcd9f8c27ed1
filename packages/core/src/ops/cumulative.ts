import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { normalizeDim } from '../shape.js';
import { checkOptionKeys } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { div, mul } from './arithmetic.js';
import { isGradEnabled } from '../tape.js';
import { eq, where } from './compare.js';
import { cat, slice } from './indexing.js';
import { sum } from './reduction.js';
import { prod } from './reductions-more.js';
import { flip } from './reordering.js';

/**
 * torch.cumsum and torch.cumprod along one dim. int32 stays int32 (PyTorch gives int64, which torchlet lacks): the
 * running values are computed exactly in float64 and refused when one leaves int32's range, never wrapped.
 */

type Kind = 'sum' | 'prod';

function running(op: string, x: Tensor, dim: number, kind: Kind): Tensor {
  if (x.dtype !== 'int32') return kernels.cumulative(x, dim, kind);
  const exact = kernels.cumulative(kernels.cast(x, 'float64'), dim, kind);
  const overflow = kernels.findOutOfRange(exact, -(2 ** 31), 2 ** 31);
  if (overflow) {
    throw new RangeError(`${op}: the running ${kind === 'sum' ? 'sum' : 'product'} ${overflow.value} of int32 values does not fit int32 ` +
      '(PyTorch returns int64, which torchlet does not have); convert with .double() first');
  }
  return kernels.cast(exact, 'int32');
}

/** The running products of x along dim (int32: exact, or refused naming `op`), with no graph: for prod's forward. */
export function runningProducts(op: string, x: Tensor, dim: number): Tensor {
  return running(op, x, dim, 'prod');
}

const cumulativeSignatures = (op: string) => ({
  'Tensor, number': (x: Tensor, dim: number): [Tensor, number] => [x, dim],
  'Tensor, Object': (x: Tensor, options: { dim?: number }): [Tensor, number] => {
    checkOptionKeys(op, options, ['dim']);
    if (options.dim === undefined) throw new TypeError(`${op}: dim is required`);
    return [x, options.dim];
  },
});

/** Σ over positions >= each one along dim: cumsum's adjoint, as flip∘cumsum∘flip (recorded, so differentiable again). */
function reverseCumsum(g: Tensor, dim: number): Tensor {
  return g.ndim === 0 ? g : flip(cumsum(flip(g, dim), dim), dim);
}

/** Running sums along dim: out[i] = x[0] + ... + x[i], as torch.cumsum. */
export const cumsum: (x: Tensor, dim: number | { dim: number }) => Tensor = defineOp({
  name: 'cumsum',
  signatures: cumulativeSignatures('cumsum'),
  forward(ctx: OpContext<number>, x: Tensor, dim: number) {
    const d = normalizeDim('cumsum', dim, x.ndim);
    ctx.state = d;
    return running('cumsum', x, d, 'sum');
  },
  backward(ctx, g) {
    return [reverseCumsum(g, ctx.state), null];
  },
}) as unknown as (x: Tensor, dim: number | { dim: number }) => Tensor;

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
    const before = k === 0 ? kernels.full(oneShape, 1, x.dtype) : prod(slice(x, d, 0, k), d, true);
    const omitted = k === n - 1 ? before : cat([before, mul(before, cumprod(slice(x, d, k + 1), d))], d);
    parts.push(sum(mul(slice(g, d, k), omitted), d, true));
  }
  return cat(parts, d);
}

declare module '../tensor.js' {
  interface Tensor {
    cumsum(dim: number | { dim: number }): Tensor;
    cumprod(dim: number | { dim: number }): Tensor;
  }
}

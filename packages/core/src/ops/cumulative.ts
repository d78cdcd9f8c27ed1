import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { normalizeDim } from '../shape.js';
import { checkOptionKeys } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { flip } from './reordering.js';

/**
 * torch.cumsum along one dim, and the running sums and products cumprod and prod (ops/products.ts) build on. int32 stays int32 (PyTorch gives int64, which torchlet lacks): the
 * running values are computed exactly in float64 and refused when one leaves int32's range, never wrapped.
 */

type Kind = 'sum' | 'prod';

/** The running sums or products of x along dim, with no graph (int32: exact, or refused naming `op`). */
export function running(op: string, x: Tensor, dim: number, kind: Kind): Tensor {
  if (x.dtype !== 'int32') return kernels.cumulative(x, dim, kind);
  const exact = kernels.cumulative(kernels.cast(x, 'float64'), dim, kind);
  const overflow = kernels.findOutOfRange(exact, -(2 ** 31), 2 ** 31);
  if (overflow) {
    throw new RangeError(`${op}: the running ${kind === 'sum' ? 'sum' : 'product'} ${overflow.value} of int32 values does not fit int32 ` +
      '(PyTorch returns int64, which torchlet does not have); convert with .double() first');
  }
  return kernels.cast(exact, 'int32');
}

export const cumulativeSignatures = (op: string) => ({
  'Tensor, number': (x: Tensor, dim: number): [Tensor, number] => [x, dim],
  'Tensor, Object': (x: Tensor, options: { dim?: number }): [Tensor, number] => {
    checkOptionKeys(op, options, ['dim']);
    if (options.dim === undefined) throw new TypeError(`${op}: dim is required`);
    return [x, options.dim];
  },
});

/** Σ over positions >= each one along dim: cumsum's adjoint, as flip∘cumsum∘flip (recorded, so differentiable again). */
export function reverseCumsum(g: Tensor, dim: number): Tensor {
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

declare module '../tensor.js' {
  interface Tensor {
    cumsum(dim: number | { dim: number }): Tensor;
  }
}

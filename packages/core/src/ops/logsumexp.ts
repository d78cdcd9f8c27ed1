import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import * as kernels from '../kernels/backend.js';
import { reducedShape } from './reduction.js';
import { normalizeDims } from '../shape.js';
import { reshape } from './shape.js';
import { mul, sub } from './arithmetic.js';
import { exp } from './unary.js';

// Its own file, apart from the other reductions: its backward needs exp (unary.ts), which needs arithmetic.ts, which
// needs reduction.ts (sumToShape): in reduction.ts that import would close a cycle evaluated in the wrong order.

interface LogSumExpState {
  keptShape: number[];
}

/** log(sum(exp(x))) over dim, computed stably (shifted by the maximum); its gradient is g · softmax(x). */
export const logsumexp = defineOp({
  name: 'logsumexp',
  signatures: {
    'Tensor, number | Array': (x: Tensor, dim: number | number[]): [Tensor, number | number[], boolean] => [x, dim, false],
    'Tensor, number | Array, boolean | undefined': (x: Tensor, dim: number | number[], keepdim: boolean | undefined): [Tensor, number | number[], boolean] => [
      x,
      dim,
      keepdim ?? false,
    ],
  },
  forward(ctx: OpContext<LogSumExpState>, x: Tensor, dim: number | number[], keepdim: boolean) {
    if (x.dtype === 'int32') throw new Error('logsumexp: expected a floating-point tensor, got int32 (convert with .float())');
    if (Array.isArray(dim) && dim.length === 0) throw new Error('logsumexp: expected at least one dim, got [] (PyTorch 1.13 refuses it too)');
    const dims = x.ndim === 0 ? [] : normalizeDims('logsumexp', dim, x.ndim);
    // logsumexp over several dims is logsumexp over each in turn: log Σa Σb e^x = log Σa e^(log Σb e^x)
    const kept = kernels.logSumExpDims(x, dims);
    const out = kernels.view(kept, reducedShape(x.shape, dims, keepdim));
    ctx.save(x, out);
    ctx.state = { keptShape: [...kept.shape] };
    return out;
  },
  backward(ctx, g) {
    // g · softmax(x) = g · exp(x - out), in ops: out is this op's own output, so it is recorded too
    const [x, out] = ctx.saved;
    const { keptShape } = ctx.state;
    return [mul(reshape(g, keptShape), exp(sub(x, reshape(out, keptShape))))];
  },
}) as unknown as (x: Tensor, dim: number | readonly number[], keepdim?: boolean) => Tensor;

declare module '../tensor.js' {
  interface Tensor {
    logsumexp(dim: number | readonly number[], keepdim?: boolean): Tensor;
  }
}

Tensor.prototype.logsumexp = function (dim, keepdim) { return logsumexp(this, dim, keepdim); };

import { defineOp } from '../op.js';
import { isFloating } from '../dtype.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { normalizeDim } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { checkOptionKeys } from '../options.js';

type AlongDimKernel = (x: Tensor, dim: number) => Tensor;
type AlongDimBackwardKernel = (y: Tensor, g: Tensor, dim: number) => Tensor;

/**
 * An op that normalizes along one dim with a kernel and differentiates in closed form from its own output,
 * which is all it saves.
 */
function defineAlongDim(name: string, kernel: AlongDimKernel, backwardKernel: AlongDimBackwardKernel) {
  return defineOp({
    name,
    signatures: {
      'Tensor, number': (x: Tensor, dim: number): [Tensor, number] => [x, dim],
      'Tensor, Object': (x: Tensor, options: { dim?: number }): [Tensor, number] => {
        checkOptionKeys(name, options, ['dim']);
        if (options.dim === undefined) throw new TypeError(`${name}: dim is required`);
        return [x, options.dim];
      },
    },
    forward(ctx: OpContext<number>, x: Tensor, dim: number) {
      if (!isFloating(x.dtype)) throw new Error(`${name}: expected a floating-point tensor, got ${x.dtype} (convert with .float())`);
      const d = normalizeDim(name, dim, x.ndim);
      const out = kernel(x, d);
      ctx.save(out);
      ctx.state = d;
      return out;
    },
    backward(ctx, g) {
      const [y] = ctx.saved;
      return [backwardKernel(y, g, ctx.state), null];
    },
  }) as unknown as (x: Tensor, dim: number | { dim: number }) => Tensor;
}

/** exp(x) / sum(exp(x)) along dim, stable for large logits; gradient y · (g - sum(g · y)). */
export const softmax = defineAlongDim('softmax', kernels.softmax, kernels.softmaxBackward);

/** x - logsumexp(x) along dim, stable for large logits; gradient g - exp(y) · sum(g). */
export const logSoftmax = defineAlongDim('logSoftmax', kernels.logSoftmax, kernels.logSoftmaxBackward);

declare module '../tensor.js' {
  interface Tensor {
    softmax(dim: number | { dim: number }): Tensor;
    logSoftmax(dim: number | { dim: number }): Tensor;
  }
}

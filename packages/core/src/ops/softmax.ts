import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { normalizeDim } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { checkOptionKeys } from '../options.js';
import { mul, neg, sub } from './arithmetic.js';
import { sum } from './reduction.js';
import { exp } from './unary.js';
import { defineGradientOp } from './gradient-ops.js';

type AlongDimKernel = (x: Tensor, dim: number) => Tensor;
type AlongDimGradient = (y: Tensor, g: Tensor, dim: number) => Tensor;

/**
 * softmax's gradient y·(g - Σ g·y) as an op; with respect to y its derivative, contracted with gg, is
 * gg·(g - Σ g·y) - g·Σ gg·y (sums along dim).
 */
const softmaxGrad = defineGradientOp(
  'softmaxBackward',
  (y, g, dim: number) => kernels.softmaxBackward(y, g, dim),
  (y, g, gg, dim) => sub(mul(gg, sub(g, sum(mul(g, y), dim, true))), mul(g, sum(mul(gg, y), dim, true))),
);

/**
 * logSoftmax's gradient g - exp(y)·Σ g as an op; its derivative in y, contracted with gg, is -gg·exp(y)·Σ g, and in
 * g it is gg - Σ exp(y)·gg (the rule is not symmetric in g).
 */
const logSoftmaxGrad = defineGradientOp(
  'logSoftmaxBackward',
  (y, g, dim: number) => kernels.logSoftmaxBackward(y, g, dim),
  (y, g, gg, dim) => neg(mul(mul(gg, exp(y)), sum(g, dim, true))),
  (y, gg, dim) => sub(gg, sum(mul(exp(y), gg), dim, true)),
);

/**
 * An op that normalizes along one dim with a kernel and differentiates in closed form from its own output,
 * which is all it saves.
 */
function defineAlongDim(name: string, kernel: AlongDimKernel, gradient: AlongDimGradient) {
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
      if (x.dtype === 'int32') throw new Error(`${name}: expected a floating-point tensor, got int32 (convert with .float())`);
      const d = normalizeDim(name, dim, x.ndim);
      const out = kernel(x, d);
      ctx.save(out);
      ctx.state = d;
      return out;
    },
    backward(ctx, g) {
      const [y] = ctx.saved;
      return [gradient(y, g, ctx.state), null];
    },
  }) as unknown as (x: Tensor, dim: number | { dim: number }) => Tensor;
}

/** exp(x) / sum(exp(x)) along dim, stable for large logits; gradient y · (g - sum(g · y)). */
export const softmax = defineAlongDim('softmax', kernels.softmax, softmaxGrad);

/** x - logsumexp(x) along dim, stable for large logits; gradient g - exp(y) · sum(g). */
export const logSoftmax = defineAlongDim('logSoftmax', kernels.logSoftmax, logSoftmaxGrad);

declare module '../tensor.js' {
  interface Tensor {
    softmax(dim: number | { dim: number }): Tensor;
    logSoftmax(dim: number | { dim: number }): Tensor;
  }
}

import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { empty } from '../creation.js';
import type { TypedArray } from '../dtype.js';
import { normalizeDim } from '../shape.js';
import { axisView, logSoftmaxAxis, logSoftmaxBackwardAxis, softmaxAxis, softmaxBackwardAxis } from '../kernels/reduce.js';

type AxisKernel = (x: TypedArray, outer: number, n: number, inner: number, out: TypedArray) => void;
type AxisBackwardKernel = (y: TypedArray, g: TypedArray, outer: number, n: number, inner: number, out: TypedArray) => void;

/** [outer, n, inner] around the normalized dim. */
type AxisState = [number, number, number];

/**
 * An op that normalizes along one dim with a kernel and differentiates in closed form from its own output,
 * which is all it saves.
 */
function defineAlongDim(name: string, kernel: AxisKernel, backwardKernel: AxisBackwardKernel) {
  return defineOp({
    name,
    signatures: ['Tensor, number'],
    forward(ctx: OpContext<AxisState>, x: Tensor, dim: number) {
      if (x.dtype === 'int32') throw new Error(`${name}: expected a floating-point tensor, got int32 (convert with .float())`);
      const view = axisView(x.shape, normalizeDim(name, dim, x.ndim));
      const out = empty(x.shape, x.dtype);
      kernel(x.data, view[0], view[1], view[2], out.data);
      ctx.save(out);
      ctx.state = view;
      return out;
    },
    backward(ctx, g) {
      const [y] = ctx.saved;
      const [outer, n, inner] = ctx.state;
      const gx = empty(y.shape, y.dtype);
      backwardKernel(y.data, g.data, outer, n, inner, gx.data);
      return [gx, null];
    },
  }) as unknown as (x: Tensor, dim: number) => Tensor;
}

/** exp(x) / sum(exp(x)) along dim, stable for large logits; gradient y · (g - sum(g · y)). */
export const softmax = defineAlongDim('softmax', softmaxAxis, softmaxBackwardAxis);

/** x - logsumexp(x) along dim, stable for large logits; gradient g - exp(y) · sum(g). */
export const logSoftmax = defineAlongDim('logSoftmax', logSoftmaxAxis, logSoftmaxBackwardAxis);

declare module '../tensor.js' {
  interface Tensor {
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
  }
}

Tensor.prototype.softmax = function (dim) { return softmax(this, dim); };
Tensor.prototype.logSoftmax = function (dim) { return logSoftmax(this, dim); };

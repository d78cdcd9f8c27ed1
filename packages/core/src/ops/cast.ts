import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { type DType, isDType } from '../dtype.js';
import * as kernels from '../kernels/backend.js';

/** Converts to another dtype (a copy even when the dtype is the same, like clone). Gradients flow between float types. */
export const to = defineOp({
  name: 'to',
  signatures: ['Tensor, string'],
  forward(ctx: OpContext<DType>, x: Tensor, dtype: string) {
    if (!isDType(dtype)) throw new TypeError(`to: unknown dtype ${JSON.stringify(dtype)} (expected float32, float64 or int32)`);
    ctx.state = x.dtype;
    return kernels.cast(x, dtype);
  },
  backward(ctx, g) {
    return [to(g, ctx.state)];
  },
}) as unknown as (x: Tensor, dtype: DType) => Tensor;

/** torch.clone: a copy of x with its own storage and the same dtype; the gradient flows back to x. */
export function clone(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`clone: expected a Tensor, got ${typeof x}`);
  return to(x, x.dtype);
}

declare module '../tensor.js' {
  interface Tensor {
    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    clone(): Tensor;
  }
}

Tensor.prototype.to = function (dtype) { return to(this, dtype); };
Tensor.prototype.float = function () { return to(this, 'float32'); };
Tensor.prototype.double = function () { return to(this, 'float64'); };
Tensor.prototype.int = function () { return to(this, 'int32'); };
Tensor.prototype.clone = function () { return to(this, this.dtype); };

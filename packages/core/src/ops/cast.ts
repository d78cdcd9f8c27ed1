import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { type DType, isDType, isFloating, unknownDTypeMessage } from '../dtype.js';
import { rejectExtraArguments } from '../options.js';
import * as kernels from '../kernels/backend.js';

/** A cast between floating dtypes: the gradient flows back, cast to the input's dtype. */
const toFloating = defineOp({
  name: 'to',
  signatures: ['Tensor, string'],
  forward(ctx: OpContext<DType>, x: Tensor, dtype: DType) {
    ctx.state = x.dtype;
    return kernels.cast(x, dtype);
  },
  backward(ctx, g) {
    return [to(g, ctx.state)];
  },
}) as unknown as (x: Tensor, dtype: DType) => Tensor;

/** A cast to or from int32 or bool: no gradient (as PyTorch, an integer or bool result never requires grad). */
const toDiscrete = defineOp({
  name: 'to',
  signatures: ['Tensor, string'],
  forward(_ctx, x: Tensor, dtype: DType) {
    return kernels.cast(x, dtype);
  },
}) as unknown as (x: Tensor, dtype: DType) => Tensor;

/**
 * Converts to another dtype (a copy even when the dtype is the same, like clone). Gradients flow between float types.
 * To bool, nonzero (NaN included) is true; from bool, true is 1.
 */
export function to(x: Tensor, dtype: DType): Tensor {
  rejectExtraArguments('to', 2, arguments.length);
  if (typeof dtype === 'string' && !isDType(dtype)) throw new TypeError(unknownDTypeMessage('to', dtype));
  const floating = x instanceof Tensor && isFloating(x.dtype) && isFloating(dtype);
  return floating ? toFloating(x, dtype) : toDiscrete(x, dtype);
}

/** A copy of x with its dtype, recorded (gradients flow back), as torch.clone. */
export function clone(x: Tensor): Tensor {
  rejectExtraArguments('clone', 1, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`clone: expected a Tensor, got ${typeof x}`);
  return to(x, x.dtype);
}

declare module '../tensor.js' {
  interface Tensor {
    to(dtype: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    /** `x.bool()`: `x.to('bool')`, true where x is nonzero. */
    bool(): Tensor;
    clone(): Tensor;
  }
}

Tensor.prototype.to = function (this: Tensor, dtype: DType) { return to(this, dtype); } as Tensor['to'];
Tensor.prototype.float = function () { return to(this, 'float32'); };
Tensor.prototype.double = function () { return to(this, 'float64'); };
Tensor.prototype.int = function () { return to(this, 'int32'); };
Tensor.prototype.bool = function () { return to(this, 'bool'); };
Tensor.prototype.clone = function () { return to(this, this.dtype); };

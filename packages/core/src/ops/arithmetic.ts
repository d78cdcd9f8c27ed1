import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { type DType, promoteTypes, resultType } from '../dtype.js';
import { broadcastShapes, formatShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { sumToShape } from './reduction.js';

export type TensorOrNumber = Tensor | number;

/**
 * A number as a 0-d tensor of the dtype it meets, as PyTorch's wrapped numbers: an int32 tensor meeting a fraction
 * becomes float32; a bool tensor meeting a number is a higher category (int32 for an integer, float32 for a fraction).
 */
export function scalarLike(value: number, like: Tensor): Tensor {
  const integral = Number.isInteger(value);
  const dtype: DType = like.dtype === 'bool' ? (integral ? 'int32' : 'float32') : like.dtype === 'int32' && !integral ? 'float32' : like.dtype;
  return kernels.full([], value, dtype);
}

/** PyTorch's refusal of `-` on bool: "use logicalXor / logicalNot instead". */
function refuseBool(op: string, a: Tensor, b?: Tensor): void {
  if (a.dtype === 'bool' && (b === undefined || b.dtype === 'bool')) {
    throw new TypeError(`${op}: ${b ? 'subtracting two bool tensors' : 'negating a bool tensor'} is not supported, as in PyTorch; use ${b ? 'logicalXor' : 'logicalNot'} instead`);
  }
}

/**
 * Runs a broadcasting binary kernel. Both operands are first converted to the dtype the op computes in, torch.result_type
 * of the two (or `computeDtype` when given), as PyTorch does: int32 16777217 meeting a float32 is 16777216 before the
 * op sees it. The result has `outDtype` (the comparisons' int32) or the compute dtype.
 */
export function broadcastBinary(name: string, op: kernels.BinaryOp, a: Tensor, b: Tensor, computeDtype?: DType, outDtype?: DType): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  if (!shape) {
    throw new Error(`${name}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be broadcast together`);
  }
  const dtype = computeDtype ?? resultType(a, b);
  const x = a.dtype === dtype ? a : kernels.cast(a, dtype);
  const y = b.dtype === dtype ? b : kernels.cast(b, dtype);
  return kernels.binary(op, x, y, shape, outDtype ?? dtype);
}

/** Signatures for (Tensor | number, Tensor | number) ops with at least one tensor. */
export const binarySignatures = {
  'Tensor, Tensor': (a: Tensor, b: Tensor): [Tensor, Tensor] => [a, b],
  'Tensor, number': (a: Tensor, b: number): [Tensor, Tensor] => [a, scalarLike(b, a)],
  'number, Tensor': (a: number, b: Tensor): [Tensor, Tensor] => [scalarLike(a, b), b],
};

type Binary = (a: TensorOrNumber, b: TensorOrNumber) => Tensor;
type ShapesContext = OpContext<(readonly number[])[]>;

export const add = defineOp({
  name: 'add',
  signatures: binarySignatures,
  forward(ctx: ShapesContext, a: Tensor, b: Tensor) {
    ctx.state = [a.shape, b.shape];
    return broadcastBinary('add', 'add', a, b);
  },
  backward(ctx, g) {
    const [as, bs] = ctx.state;
    return [ctx.needsInputGrad[0] ? sumToShape(g, as) : null, ctx.needsInputGrad[1] ? sumToShape(g, bs) : null];
  },
}) as unknown as Binary;

export const sub = defineOp({
  name: 'sub',
  signatures: binarySignatures,
  forward(ctx: ShapesContext, a: Tensor, b: Tensor) {
    refuseBool('sub', a, b);
    ctx.state = [a.shape, b.shape];
    return broadcastBinary('sub', 'sub', a, b);
  },
  backward(ctx, g) {
    const [as, bs] = ctx.state;
    return [ctx.needsInputGrad[0] ? sumToShape(g, as) : null, ctx.needsInputGrad[1] ? sumToShape(neg(g), bs) : null];
  },
}) as unknown as Binary;

export const mul = defineOp({
  name: 'mul',
  signatures: binarySignatures,
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save(a, b);
    return broadcastBinary('mul', 'mul', a, b);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved;
    return [
      ctx.needsInputGrad[0] ? sumToShape(mul(g, b), a.shape) : null,
      ctx.needsInputGrad[1] ? sumToShape(mul(g, a), b.shape) : null,
    ];
  },
}) as unknown as Binary;

/** True division: int32 / int32 gives float32, as in PyTorch. */
export const div = defineOp({
  name: 'div',
  signatures: binarySignatures,
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save(a, b);
    const dtype = promoteTypes(resultType(a, b), 'float32');
    return broadcastBinary('div', 'div', a, b, dtype);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved;
    return [
      ctx.needsInputGrad[0] ? sumToShape(div(g, b), a.shape) : null,
      // -g·(a/b)/b, as PyTorch: -g·a/(b·b) overflows or underflows in b·b (1e-25/1e-25 in float32 gave -inf)
      ctx.needsInputGrad[1] ? sumToShape(neg(mul(g, div(div(a, b), b))), b.shape) : null,
    ];
  },
}) as unknown as Binary;

export const neg: (x: Tensor) => Tensor = defineOp({
  name: 'neg',
  signatures: ['Tensor'],
  forward(_ctx, x: Tensor) {
    refuseBool('neg', x);
    return kernels.neg(x, x.dtype);
  },
  backward(_ctx, g) {
    return [neg(g)];
  },
});

declare module '../tensor.js' {
  interface Tensor {
    add(other: TensorOrNumber): Tensor;
    sub(other: TensorOrNumber): Tensor;
    mul(other: TensorOrNumber): Tensor;
    div(other: TensorOrNumber): Tensor;
    neg(): Tensor;
  }
}

Tensor.prototype.add = function (other) { return add(this, other); };
Tensor.prototype.sub = function (other) { return sub(this, other); };
Tensor.prototype.mul = function (other) { return mul(this, other); };
Tensor.prototype.div = function (other) { return div(this, other); };
Tensor.prototype.neg = function () { return neg(this); };

import { defineOp, typed } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { type DType, promoteTypes, resultType } from '../dtype.js';
import { broadcastShapes, formatShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { binarySignatures, type TensorOrNumber } from './arithmetic.js';
import { zeroGradient } from './gradient-ops.js';
import { sumToShape } from './reduction.js';

/**
 * The makers behind issue 13's elementwise math: a one-input op from a kernel of the backend's math table and a
 * backward rule written in ops (so it is recorded, and differentiable again, when the tape records the backward
 * pass); a broadcasting two-input op the same way; a rounding-like op whose gradient is zero.
 */

/** Throws naming the op unless x is a Tensor (for ops written as plain functions, where typed-function does not check). */
export function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/** The result dtype of an op with a fractional result: int32 becomes float32, as in PyTorch. */
export function floatDType(x: Tensor): DType {
  return x.dtype === 'int32' ? 'float32' : x.dtype;
}

/** d op(x) · g from the input x, the output y and the upstream gradient g, in ops. */
export type UnaryRule = (x: Tensor, y: Tensor, g: Tensor) => Tensor;

/** A one-input elementwise op computed by `kernels.mathUnary(op)`, its result float (int32 gives float32). */
export function unaryMathOp(op: kernels.MathUnaryOp, rule: UnaryRule): (x: Tensor) => Tensor {
  return defineOp({
    name: op,
    signatures: ['Tensor'],
    forward(ctx: OpContext<undefined>, x: Tensor) {
      const y = kernels.mathUnary(op, x, floatDType(x));
      ctx.save(x, y);
      return y;
    },
    backward(ctx, g) {
      const [x, y] = ctx.saved;
      return [rule(x, y, g)];
    },
  });
}

/**
 * A one-input op that keeps the dtype (int32 stays int32) and whose gradient is zero everywhere, as PyTorch's
 * floor, ceil, round, trunc and sign (zeroGradient: exactly zero to every order).
 */
export function zeroGradientOp(op: 'sign' | 'floor' | 'ceil' | 'trunc'): (x: Tensor) => Tensor {
  return defineOp({
    name: op,
    signatures: ['Tensor'],
    forward(_ctx, x: Tensor) {
      return kernels.mathUnary(op, x, x.dtype);
    },
    backward(_ctx, g) {
      return [zeroGradient(g)];
    },
  });
}

/** The two gradients (at the broadcast shape, before summing back) from a, b, the output y and g, in ops. */
export type BinaryRule = (a: Tensor, b: Tensor, y: Tensor, g: Tensor) => [Tensor, Tensor];

/**
 * A broadcasting two-input op computed by `kernels.mathBinary(op)`, in the promoted dtype and at least float32
 * (as PyTorch's atan2, hypot, logaddexp, xlogy); either operand may be a number.
 */
export function binaryMathOp(op: kernels.MathBinaryOp, rule: BinaryRule): (a: TensorOrNumber, b: TensorOrNumber) => Tensor {
  return defineOp({
    name: op,
    signatures: binarySignatures,
    forward(ctx: OpContext<undefined>, a: Tensor, b: Tensor) {
      const shape = broadcastShapes(a.shape, b.shape);
      if (!shape) throw new Error(`${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be broadcast together`);
      const dtype = promoteTypes(resultType(a, b), 'float32');
      const y = kernels.mathBinary(op, a.dtype === dtype ? a : kernels.cast(a, dtype), b.dtype === dtype ? b : kernels.cast(b, dtype), shape, dtype);
      ctx.save(a, b, y);
      return y;
    },
    backward(ctx, g) {
      const [a, b, y] = ctx.saved;
      const [ga, gb] = rule(a, b, y, g);
      return [ctx.needsInputGrad[0] ? sumToShape(ga, a.shape) : null, ctx.needsInputGrad[1] ? sumToShape(gb, b.shape) : null];
    },
  }) as unknown as (a: TensorOrNumber, b: TensorOrNumber) => Tensor;
}

/**
 * An op written as a composition of other ops, under its own name: a wrong or extra argument is refused naming it
 * (the ops inside would name themselves).
 */
export function compositeOp<F extends (...args: never[]) => unknown>(name: string, signatures: Record<string, F>): F {
  return typed(name, signatures) as unknown as F;
}



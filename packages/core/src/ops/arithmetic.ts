import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { type DType, promoteTypes, resultType } from '../dtype.js';
import { broadcastShapes, formatShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { sumToShape } from './reduction.js';
import { checkOptionKeys } from '../options.js';

/** An operand of a binary op: a tensor, or a JS number (a 0-d tensor of the dtype it meets). */
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

/** torch.add's and torch.sub's keyword-only option: `add(x, y, { alpha: 2 })` is x + 2·y. */
export interface AlphaOption {
  alpha?: number;
}

/** add or sub with alpha: `(input, other, options?)`; a third positional argument is refused (alpha is keyword-only). */
type WithAlpha = (input: TensorOrNumber, other: TensorOrNumber, options?: AlphaOption) => Tensor;

/**
 * other scaled by alpha before add/sub sees it, as a recorded mul, so the gradient needs no rule of its own. As PyTorch,
 * a fractional alpha is refused when the result is int32.
 */
function scaledByAlpha(op: string, a: Tensor, b: Tensor, options: AlphaOption = {}): [Tensor, Tensor] {
  checkOptionKeys(op, options, ['alpha']);
  const { alpha = 1 } = options;
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new TypeError(`${op}: alpha must be a number, got ${String(alpha)}`);
  const dtype = resultType(a, b);
  // PyTorch stores alpha·other as bool: any nonzero alpha leaves other as it is
  if (dtype === 'bool') return [a, alpha === 0 ? kernels.full(b.shape, 0, 'bool', b.device) : b];
  if (dtype === 'int32' && !Number.isInteger(alpha)) {
    throw new TypeError(`${op}: for int32 operands alpha must be an integer, got ${alpha} (as in PyTorch)`);
  }
  return alpha === 1 ? [a, b] : [a, mul(b, alpha)];
}

/** binarySignatures plus a trailing options object ({ alpha }), and PyTorch's error for alpha given positionally. */
function alphaSignatures(op: string) {
  return {
    ...binarySignatures,
    'Tensor, Tensor, Object | undefined': (a: Tensor, b: Tensor, options?: AlphaOption) => scaledByAlpha(op, a, b, options),
    'Tensor, number, Object | undefined': (a: Tensor, b: number, options?: AlphaOption) => scaledByAlpha(op, a, scalarLike(b, a), options),
    'number, Tensor, Object | undefined': (a: number, b: Tensor, options?: AlphaOption) => scaledByAlpha(op, scalarLike(a, b), b, options),
    'Tensor | number, Tensor | number, number': (): never => {
      throw new TypeError(`${op}: alpha is keyword-only, as in torch.${op}: write ${op}(input, other, { alpha })`);
    },
  };
}

/** input + alpha·other, broadcasting, as torch.add (bool + bool is a logical or). */
export const add = defineOp({
  name: 'add',
  signatures: alphaSignatures('add'),
  forward(ctx: ShapesContext, a: Tensor, b: Tensor) {
    ctx.state = [a.shape, b.shape];
    return broadcastBinary('add', 'add', a, b);
  },
  backward(ctx, g) {
    const [as, bs] = ctx.state;
    return [ctx.needsInputGrad[0] ? sumToShape(g, as) : null, ctx.needsInputGrad[1] ? sumToShape(g, bs) : null];
  },
}) as unknown as WithAlpha;

/** input - alpha·other, broadcasting, as torch.sub (refused on two bools, as PyTorch). */
export const sub = defineOp({
  name: 'sub',
  signatures: alphaSignatures('sub'),
  forward(ctx: ShapesContext, a: Tensor, b: Tensor) {
    refuseBool('sub', a, b);
    ctx.state = [a.shape, b.shape];
    return broadcastBinary('sub', 'sub', a, b);
  },
  backward(ctx, g) {
    const [as, bs] = ctx.state;
    return [ctx.needsInputGrad[0] ? sumToShape(g, as) : null, ctx.needsInputGrad[1] ? sumToShape(neg(g), bs) : null];
  },
}) as unknown as WithAlpha;

/** a · b elementwise, broadcasting (int32 wraps as 32-bit integers). */
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

/** -x (refused on bool, as PyTorch). */
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
    add(other: TensorOrNumber, options?: AlphaOption): Tensor;
    sub(other: TensorOrNumber, options?: AlphaOption): Tensor;
    mul(other: TensorOrNumber): Tensor;
    div(other: TensorOrNumber): Tensor;
    neg(): Tensor;
  }
}

Tensor.prototype.add = function (other, options) { return add(this, other, options); };
Tensor.prototype.sub = function (other, options) { return sub(this, other, options); };
Tensor.prototype.mul = function (other) { return mul(this, other); };
Tensor.prototype.div = function (other) { return div(this, other); };
Tensor.prototype.neg = function () { return neg(this); };

import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { resultType } from '../dtype.js';
import { broadcastShapes, formatShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { binarySignatures, broadcastBinary, scalarLike, type TensorOrNumber } from './arithmetic.js';
import { sumToShape } from './reduction.js';
import { defineAdjointPair } from './gradient-ops.js';

// The gradients of maximum, minimum and where multiply g by a mask fixed in forward: diagonal maps, each its own
// adjoint, registered as ops so that the rules below are differentiable to every order.
interface SharePick { chosen: Tensor; other: Tensor; sign: 1 | -1 }
const shareOf = (g: Tensor, p: SharePick): Tensor => kernels.extremumShare(p.chosen, p.other, g, p.sign);
const [extremumShareOp] = defineAdjointPair('extremumShare', shareOf, 'extremumShareAdjoint', shareOf);
interface MaskPick { mask: Tensor; keep: 0 | 1 }
const selectOf = (g: Tensor, p: MaskPick): Tensor => kernels.maskSelect(p.mask, p.keep, g);
const [maskSelectOp] = defineAdjointPair('maskSelect', selectOf, 'maskSelectAdjoint', selectOf);

/**
 * Elementwise maximum/minimum, where, and comparisons. Comparisons return bool and have no gradient; maximum,
 * minimum and where pass the gradient to the operand each element came from.
 */

/**
 * Gradients of maximum (sign 1) or minimum (sign -1), as PyTorch's rule: the whole gradient goes to the operand
 * that was chosen, half to each on ties (so the sum of both gradients is always the upstream gradient).
 */
function extremumBackward(ctx: OpContext<unknown>, g: Tensor, sign: 1 | -1): [Tensor | null, Tensor | null] {
  const [a, b] = ctx.saved;
  return [
    ctx.needsInputGrad[0] ? sumToShape(extremumShareOp(g, { chosen: a, other: b, sign }), a.shape) : null,
    ctx.needsInputGrad[1] ? sumToShape(extremumShareOp(g, { chosen: b, other: a, sign }), b.shape) : null,
  ];
}

/** Elementwise larger of a and b, broadcasting; NaN if either is NaN. */
export const maximum = defineOp({
  name: 'maximum',
  signatures: binarySignatures,
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save(a, b);
    return broadcastBinary('maximum', 'maximum', a, b);
  },
  backward(ctx, g) {
    return extremumBackward(ctx, g, 1);
  },
}) as unknown as (a: TensorOrNumber, b: TensorOrNumber) => Tensor;

/** Elementwise smaller of a and b, broadcasting; NaN if either is NaN. */
export const minimum = defineOp({
  name: 'minimum',
  signatures: binarySignatures,
  forward(ctx, a: Tensor, b: Tensor) {
    ctx.save(a, b);
    return broadcastBinary('minimum', 'minimum', a, b);
  },
  backward(ctx, g) {
    return extremumBackward(ctx, g, -1);
  },
}) as unknown as (a: TensorOrNumber, b: TensorOrNumber) => Tensor;

/** Two numbers given to where: a 0-d int32 pair if both are integers, float32 otherwise (as PyTorch's scalar types). */
function scalarPair(a: number, b: number): [Tensor, Tensor] {
  const dtype = Number.isInteger(a) && Number.isInteger(b) ? 'int32' : 'float32';
  return [kernels.full([], a, dtype), kernels.full([], b, dtype)];
}

interface WhereState {
  /** int32 at the output shape: 1 where a was taken. */
  mask: Tensor;
  aShape: readonly number[];
  bShape: readonly number[];
}

// the condition never carries a gradient, so it is detached before the op sees it
type WhereArgs = [Tensor, Tensor, Tensor];

/**
 * a where cond is true, b elsewhere; cond, a and b broadcast together, a and b may be numbers. cond is bool as in
 * PyTorch, or (as before the bool dtype) a numeric tensor read as nonzero = true.
 * Differentiable in a and b (each gets the gradient where it was chosen).
 */
export const where = defineOp({
  name: 'where',
  signatures: {
    'Tensor, Tensor, Tensor': (cond: Tensor, a: Tensor, b: Tensor): WhereArgs => [cond.detach(), a, b],
    'Tensor, Tensor, number': (cond: Tensor, a: Tensor, b: number): WhereArgs => [cond.detach(), a, scalarLike(b, a)],
    'Tensor, number, Tensor': (cond: Tensor, a: number, b: Tensor): WhereArgs => [cond.detach(), scalarLike(a, b), b],
    'Tensor, number, number': (cond: Tensor, a: number, b: number): WhereArgs => [cond.detach(), ...scalarPair(a, b)],
  },
  forward(ctx: OpContext<WhereState>, cond: Tensor, a: Tensor, b: Tensor) {
    const ab = broadcastShapes(a.shape, b.shape);
    const shape = ab && broadcastShapes(cond.shape, ab);
    if (!shape) {
      throw new Error(
        `where: condition ${formatShape(cond.shape)}, input ${formatShape(a.shape)} and other ${formatShape(b.shape)} cannot be broadcast together`,
      );
    }
    const { out, mask } = kernels.where(cond, a, b, shape, resultType(a, b));
    ctx.state = { mask, aShape: a.shape, bShape: b.shape };
    return out;
  },
  backward(ctx, g) {
    const { mask, aShape, bShape } = ctx.state;
    const select = (keep: 0 | 1, target: readonly number[]): Tensor => sumToShape(maskSelectOp(g, { mask, keep }), target);
    return [null, ctx.needsInputGrad[1] ? select(1, aShape) : null, ctx.needsInputGrad[2] ? select(0, bShape) : null];
  },
}) as unknown as (condition: Tensor, input: TensorOrNumber, other: TensorOrNumber) => Tensor;

type ComparisonOp = Extract<kernels.BinaryOp, 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'>;

/** A comparison op: broadcasting, computed in torch.result_type of the operands, a bool result and no backward. */
function comparison(name: ComparisonOp) {
  return defineOp({
    name,
    signatures: binarySignatures,
    forward(_ctx, a: Tensor, b: Tensor) {
      return broadcastBinary(name, name, a, b, undefined, 'bool');
    },
  }) as unknown as (a: TensorOrNumber, b: TensorOrNumber) => Tensor;
}

/** a == b elementwise (NaN equals nothing), as bool. */
export const eq = comparison('eq');
/** a != b elementwise (NaN differs from everything), as bool. */
export const ne = comparison('ne');
/** a > b elementwise, as bool. */
export const gt = comparison('gt');
/** a >= b elementwise, as bool. */
export const ge = comparison('ge');
/** a < b elementwise, as bool. */
export const lt = comparison('lt');
/** a <= b elementwise, as bool. */
export const le = comparison('le');

declare module '../tensor.js' {
  interface Tensor {
    maximum(other: TensorOrNumber): Tensor;
    minimum(other: TensorOrNumber): Tensor;
    /** `x.where(cond, y)` is `where(cond, x, y)`, as torch.Tensor.where. */
    where(condition: Tensor, other: TensorOrNumber): Tensor;
    eq(other: TensorOrNumber): Tensor;
    ne(other: TensorOrNumber): Tensor;
    gt(other: TensorOrNumber): Tensor;
    ge(other: TensorOrNumber): Tensor;
    lt(other: TensorOrNumber): Tensor;
    le(other: TensorOrNumber): Tensor;
  }
}

Tensor.prototype.maximum = function (other) { return maximum(this, other); };
Tensor.prototype.minimum = function (other) { return minimum(this, other); };
Tensor.prototype.where = function (condition, other) { return where(condition, this, other); };
Tensor.prototype.eq = function (other) { return eq(this, other); };
Tensor.prototype.ne = function (other) { return ne(this, other); };
Tensor.prototype.gt = function (other) { return gt(this, other); };
Tensor.prototype.ge = function (other) { return ge(this, other); };
Tensor.prototype.lt = function (other) { return lt(this, other); };
Tensor.prototype.le = function (other) { return le(this, other); };

import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { empty } from '../creation.js';
import { type TypedArray, allocate, promoteTypes } from '../dtype.js';
import { broadcastShapes, formatShape, numelOf, sameShape } from '../shape.js';
import { broadcastTo, type BinaryOp } from '../kernels/elementwise.js';
import { binarySignatures, broadcastBinary, scalarLike, type TensorOrNumber } from './arithmetic.js';
import { sumToShape } from './reduction.js';

/**
 * Elementwise maximum/minimum, where, and comparisons. Comparisons return int32 0/1 (there is no bool dtype)
 * and have no gradient; maximum, minimum and where pass the gradient to the operand each element came from.
 */

/** A tensor's values read at the broadcast output shape (a copy only when it is smaller). */
function expandedData(t: Tensor, shape: readonly number[]): TypedArray {
  if (sameShape(t.shape, shape)) return t.data;
  const out = allocate(t.dtype, numelOf(shape));
  broadcastTo(t.data, t.shape, out, shape);
  return out;
}

/**
 * Gradients of maximum (sign 1) or minimum (sign -1), as PyTorch's rule: the whole gradient goes to the operand
 * that was chosen, half to each on ties (so the sum of both gradients is always the upstream gradient).
 */
function extremumBackward(ctx: OpContext<unknown>, g: Tensor, sign: 1 | -1): [Tensor | null, Tensor | null] {
  const [a, b] = ctx.saved;
  const shape = g.shape;
  const ad = expandedData(a, shape);
  const bd = expandedData(b, shape);
  const gd = g.data;
  const share = (other: TypedArray, self: TypedArray, like: Tensor): Tensor => {
    const full = empty(shape, like.dtype);
    const o = full.data;
    for (let i = 0; i < o.length; i++) {
      const x = self[i];
      const y = other[i];
      // the other operand won where (x - y)·sign < 0; NaN comparisons are false, so NaN passes the gradient on
      o[i] = x === y ? 0.5 * gd[i] : sign * x < sign * y ? 0 : gd[i];
    }
    return sumToShape(full, like.shape);
  };
  return [ctx.needsInputGrad[0] ? share(bd, ad, a) : null, ctx.needsInputGrad[1] ? share(ad, bd, b) : null];
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
  const make = (v: number) => {
    const data = allocate(dtype, 1);
    data[0] = v;
    return new Tensor(data, []);
  };
  return [make(a), make(b)];
}

interface WhereState {
  /** The condition broadcast to the output shape: 1 where a was taken. */
  mask: Uint8Array;
  shape: readonly number[];
  aShape: readonly number[];
  bShape: readonly number[];
}

// the condition never carries a gradient, so it is detached before the op sees it
type WhereArgs = [Tensor, Tensor, Tensor];

/**
 * a where cond is nonzero, b elsewhere; cond, a and b broadcast together, a and b may be numbers.
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
    const c = expandedData(cond, shape);
    const ad = expandedData(a, shape);
    const bd = expandedData(b, shape);
    const out = empty(shape, promoteTypes(a.dtype, b.dtype));
    const o = out.data;
    const mask = new Uint8Array(o.length);
    for (let i = 0; i < o.length; i++) {
      // NaN counts as true (nonzero), as in PyTorch
      const take = c[i] !== 0;
      mask[i] = take ? 1 : 0;
      o[i] = take ? ad[i] : bd[i];
    }
    ctx.state = { mask, shape, aShape: a.shape, bShape: b.shape };
    return out;
  },
  backward(ctx, g) {
    const { mask, shape, aShape, bShape } = ctx.state;
    const gd = g.data;
    const select = (keep: 0 | 1, target: readonly number[]): Tensor => {
      const full = empty(shape, g.dtype);
      const o = full.data;
      for (let i = 0; i < o.length; i++) o[i] = mask[i] === keep ? gd[i] : 0;
      return sumToShape(full, target);
    };
    return [null, ctx.needsInputGrad[1] ? select(1, aShape) : null, ctx.needsInputGrad[2] ? select(0, bShape) : null];
  },
}) as unknown as (condition: Tensor, input: TensorOrNumber, other: TensorOrNumber) => Tensor;

type ComparisonOp = Extract<BinaryOp, 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'>;

/** A comparison op: broadcasting, int32 0/1 result, no backward (like PyTorch's bool results, never requiring grad). */
function comparison(name: ComparisonOp) {
  return defineOp({
    name,
    signatures: binarySignatures,
    forward(_ctx, a: Tensor, b: Tensor) {
      return broadcastBinary(name, name, a, b, 'int32');
    },
  }) as unknown as (a: TensorOrNumber, b: TensorOrNumber) => Tensor;
}

export const eq = comparison('eq');
export const ne = comparison('ne');
export const gt = comparison('gt');
export const ge = comparison('ge');
export const lt = comparison('lt');
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

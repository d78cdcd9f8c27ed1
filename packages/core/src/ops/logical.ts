import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes, formatShape, normalizeDims } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { binarySignatures, sub, type TensorOrNumber } from './arithmetic.js';
import { eq, gt, ne } from './compare.js';
import { isFloating } from '../dtype.js';
import { sum, type DimOptions, type DimReductionMethod, type Dims, type KeepdimOption } from './reduction.js';
import { positionalOptions, rejectExtraArguments } from '../options.js';
import { to } from './cast.js';

/**
 * PyTorch's logical ops, any/all and isnan/isinf/isfinite: every input of the logical ops is read as bool (nonzero,
 * NaN included, is true) and every result is bool. None is differentiable, as in PyTorch.
 */

/** x as bool storage: itself when it already is. */
function asBool(x: Tensor): Tensor {
  return x.dtype === 'bool' ? x : kernels.cast(x, 'bool');
}

function logical(name: string, op: kernels.LogicalOp) {
  return defineOp({
    name,
    signatures: binarySignatures,
    forward(_ctx, a: Tensor, b: Tensor) {
      const shape = broadcastShapes(a.shape, b.shape);
      if (!shape) throw new Error(`${name}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be broadcast together`);
      return kernels.logical(op, asBool(a), asBool(b), shape);
    },
  }) as unknown as (input: TensorOrNumber, other: TensorOrNumber) => Tensor;
}

/** torch.logical_and: true where both are nonzero, broadcasting. */
export const logicalAnd = logical('logicalAnd', 'and');
/** torch.logical_or: true where either is nonzero, broadcasting. */
export const logicalOr = logical('logicalOr', 'or');
/** torch.logical_xor: true where exactly one is nonzero, broadcasting. */
export const logicalXor = logical('logicalXor', 'xor');

/** torch.logical_not: true where x is zero. */
export const logicalNot = defineOp({
  name: 'logicalNot',
  signatures: ['Tensor'],
  forward(_ctx, x: Tensor) {
    return kernels.binary('eq', x, kernels.full([], 0, x.dtype), x.shape, 'bool');
  },
}) as unknown as (x: Tensor) => Tensor;

/** A Tensor argument of isnan/isinf/isfinite, and nothing more. */
function checkUnary(op: string, x: Tensor, given: number): void {
  rejectExtraArguments(op, 1, given);
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/** torch.isnan: true where x is NaN (never for int32 or bool). */
export function isnan(x: Tensor): Tensor {
  checkUnary('isnan', x, arguments.length);
  return ne(x, x);
}

/** torch.isinf: true where x is +Infinity or -Infinity. */
export function isinf(x: Tensor): Tensor {
  checkUnary('isinf', x, arguments.length);
  if (!isFloating(x.dtype)) return kernels.full(x.shape, 0, 'bool', x.device);
  return logicalOr(eq(x, Infinity), eq(x, -Infinity));
}

/** torch.isfinite: true where x is neither NaN nor ±Infinity (always for int32 and bool). */
export function isfinite(x: Tensor): Tensor {
  checkUnary('isfinite', x, arguments.length);
  if (!isFloating(x.dtype)) return kernels.full(x.shape, 1, 'bool', x.device);
  // x - x is 0 exactly when x is finite (NaN for NaN and ±Infinity)
  return eq(sub(x, x), 0);
}

/** The number of true (nonzero) elements over `dim`, as int32, and how many were counted: any's and all's count. */
function countTrue(op: string, x: Tensor, rest: readonly unknown[]): { count: Tensor; of: number } {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  const { dim = null, keepdim = false } = positionalOptions<DimOptions>(op, rest, ['dim', 'keepdim']);
  if (typeof keepdim !== 'boolean') throw new TypeError(`${op}: keepdim must be a boolean, got ${typeof keepdim}`);
  // an empty list reduces every dim, as sum's
  const every = dim === null || (Array.isArray(dim) && dim.length === 0);
  const dims = x.ndim === 0 ? [] : normalizeDims(op, every ? null : dim, x.ndim);
  const of = dims.reduce((n, d) => n * x.shape[d], 1);
  // the cast is an op (not a kernel call), so a traced any/all (ONNX export) sees where its input came from
  return { count: sum(x.dtype === 'bool' ? x : to(x, 'bool'), every ? null : dims, keepdim), of };
}

/** torch.any: whether any element (over `dim`, or the whole tensor) is nonzero; false over no elements. */
export function any(x: Tensor, dim?: Dims, keepdim?: boolean): Tensor;
export function any(x: Tensor, options: DimOptions): Tensor;
export function any(x: Tensor, dim: Dims, options: KeepdimOption): Tensor;
export function any(x: Tensor, ...rest: unknown[]): Tensor {
  return gt(countTrue('any', x, rest).count, 0);
}

/** torch.all: whether every element (over `dim`, or the whole tensor) is nonzero; true over no elements. */
export function all(x: Tensor, dim?: Dims, keepdim?: boolean): Tensor;
export function all(x: Tensor, options: DimOptions): Tensor;
export function all(x: Tensor, dim: Dims, options: KeepdimOption): Tensor;
export function all(x: Tensor, ...rest: unknown[]): Tensor {
  const { count, of } = countTrue('all', x, rest);
  return eq(count, of);
}

declare module '../tensor.js' {
  interface Tensor {
    logicalAnd(other: TensorOrNumber): Tensor;
    logicalOr(other: TensorOrNumber): Tensor;
    logicalXor(other: TensorOrNumber): Tensor;
    logicalNot(): Tensor;
    isnan(): Tensor;
    isinf(): Tensor;
    isfinite(): Tensor;
    any: DimReductionMethod;
    all: DimReductionMethod;
  }
}

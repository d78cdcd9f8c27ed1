import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { formatShape, normalizeDim, sameShape } from '../shape.js';
import { rejectExtraArguments } from '../options.js';
import { isGradEnabled, noGrad } from '../tape.js';
import { copy_ } from './inplace.js';
import * as kernels from '../kernels/backend.js';
import { add } from './arithmetic.js';
import { where } from './compare.js';
import { expand, reshape } from './shape.js';
import { type IndexEntry, index } from './index-expression.js';
import { defineAdjointPair } from './gradient-ops.js';

/**
 * Writes by index, each returning a new tensor (storage is contiguous, so index results are copies and cannot be
 * written through): scatterAdd, scatter, maskedFill and indexSet. Each is a composition around one recorded op,
 * scatterInto (src added at index into zeros), whose gradient is a gather.
 */

interface ScatterState {
  dim: number;
}

function checkScatter(op: string, x: Tensor, dim: number, idx: Tensor, src: Tensor): number {
  for (const [name, t] of [['input', x], ['index', idx], ['src', src]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor ${name}, got ${t === null ? 'null' : typeof t}`);
  }
  if (idx.dtype !== 'int32') throw new TypeError(`${op}: index must be an int32 tensor, got ${idx.dtype}`);
  const d = normalizeDim(op, dim, x.ndim);
  if (idx.ndim !== x.ndim || idx.shape.some((s, j) => j !== d && s > x.shape[j])) {
    throw new Error(`${op}: index of shape ${formatShape(idx.shape)} must have the input's rank and fit in its shape ${formatShape(x.shape)} outside dim ${d}`);
  }
  if (!sameShape(idx.shape, src.shape)) throw new Error(`${op}: src of shape ${formatShape(src.shape)} must have the index's shape ${formatShape(idx.shape)}`);
  const bad = kernels.findOutOfRange(idx, 0, x.shape[d]);
  if (bad) throw new Error(`${op}: index ${bad.value} is out of range for dimension ${d} with size ${x.shape[d]}`);
  return d;
}

/** scatterInto's gradient, gathering g at the index, and its adjoint (scattering back), as ops. */
interface ScatterGeometry { idx: Tensor; dim: number; shape: readonly number[] }
const [gatherAtIndex] = defineAdjointPair(
  'scatterIntoBackward',
  (g: Tensor, p: ScatterGeometry) => kernels.gather(g, p.shape, p.dim, p.idx, p.idx.shape),
  'scatterIntoBackwardAdjoint',
  (gg: Tensor, p: ScatterGeometry) => kernels.scatterAdd(gg, p.idx.shape, p.dim, p.idx, p.shape, p.shape),
);

const scatterInto = defineOp({
  name: 'scatterInto',
  signatures: ['Tensor, number, Tensor, Array'],
  forward(ctx: OpContext<ScatterState>, src: Tensor, dim: number, idx: Tensor, shape: number[]) {
    ctx.save(idx);
    ctx.state = { dim };
    return kernels.scatterAdd(src, idx.shape, dim, idx, shape, shape);
  },
  backward(ctx, g) {
    const [idx] = ctx.saved;
    return [gatherAtIndex(g, { idx, dim: ctx.state.dim, shape: g.shape }), null, null, null];
  },
}) as unknown as (src: Tensor, dim: number, index: Tensor, shape: readonly number[]) => Tensor;

/** torch.scatter_add (out of place): x with src[i][j][k] added at out[index[i][j][k]][j][k] (for dim 0); src has index's shape. */
export function scatterAdd(x: Tensor, dim: number, idx: Tensor, src: Tensor): Tensor {
  rejectExtraArguments('scatterAdd', 4, arguments.length);
  const d = checkScatter('scatterAdd', x, dim, idx, src);
  return add(x, scatterInto(src, d, idx, x.shape));
}

/**
 * torch.scatter (out of place) with a src tensor or a number: x with out[index[i][j][k]][j][k] = src[i][j][k] (for
 * dim 0). An index that names one position twice is an error (PyTorch keeps an unspecified one of the values).
 */
export function scatter(x: Tensor, dim: number, idx: Tensor, src: Tensor | number): Tensor {
  rejectExtraArguments('scatter', 4, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`scatter: expected a Tensor input, got ${typeof x}`);
  const values = typeof src === 'number' ? kernels.full(idx instanceof Tensor ? idx.shape : [], src, x.dtype, x.device) : src;
  const d = checkScatter('scatter', x, dim, idx, values);
  const hits = kernels.scatterAdd(kernels.full(idx.shape, 1, 'int32', idx.device), idx.shape, d, idx, x.shape, x.shape);
  // a count outside [0, 2) is a position named twice; on a device the check runs there and the next read reports it
  if (kernels.findOutOfRange(hits, 0, 2) !== null) throw new Error('scatter: index names a position more than once (which value would win is unspecified)');
  return where(hits, scatterInto(values, d, idx, x.shape), x);
}

/** torch.masked_fill (out of place): value where the bool mask (broadcast to x) is true, x elsewhere; an int32 0/1 mask works too. */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  rejectExtraArguments('maskedFill', 3, arguments.length);
  if (!(x instanceof Tensor) || !(mask instanceof Tensor)) throw new TypeError('maskedFill: expected (Tensor input, Tensor mask, value)');
  if (mask.dtype !== 'bool' && mask.dtype !== 'int32') throw new TypeError(`maskedFill: mask must be a bool (or int32 0/1) tensor, got ${mask.dtype}`);
  if (value instanceof Tensor && value.ndim !== 0) throw new Error(`maskedFill: value must be a number or a 0-dim tensor, got shape ${formatShape(value.shape)}`);
  // a number is stored as x's dtype, as PyTorch's masked_fill keeps x's dtype (a bool x stays bool)
  return where(mask, typeof value === 'number' ? kernels.full([], value, x.dtype) : value, x);
}

/**
 * PyTorch's `x[expression] = value` (index_put) out of place: x with the positions `index(x, expression)` reads set
 * to value (a number, or a tensor broadcast to that result's shape). Gradients flow to x (outside the written
 * positions) and to value.
 */
export function indexSet(x: Tensor, expression: IndexEntry | readonly IndexEntry[], value: number | Tensor): Tensor {
  rejectExtraArguments('indexSet', 3, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`indexSet: expected a Tensor input, got ${typeof x}`);
  const positions = index(reshape(kernels.cyclicRange(x.numel(), 0, 1, x.device), x.shape), expression);
  const flat = reshape(positions, [positions.numel()]);
  const values = typeof value === 'number' ? kernels.full(flat.shape, value, x.dtype, x.device) : reshape(expand(value, positions.shape), flat.shape);
  return reshape(scatter(reshape(x, [x.numel()]), 0, flat, values), x.shape);
}

/**
 * PyTorch's `x[expression] = value` in place (index_put_): writes into x's storage and returns x. Like the other
 * in-place ops (ops/inplace.ts) it is not recorded on the tape and is refused on a tensor that requires grad while
 * grad mode is on (use indexSet for a differentiable write).
 */
export function indexPut_(x: Tensor, expression: IndexEntry | readonly IndexEntry[], value: number | Tensor): Tensor {
  rejectExtraArguments('indexPut_', 3, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`indexPut_: expected a Tensor input, got ${typeof x}`);
  if (isGradEnabled() && x.requiresGrad) {
    throw new Error(`indexPut_: a tensor that requires grad (shape ${formatShape(x.shape)}) cannot be written in place while grad mode is on; use indexSet, or noGrad(() => ...)`);
  }
  return copy_(x, noGrad(() => indexSet(x, expression, value)));
}

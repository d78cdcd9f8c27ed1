import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { broadcastShapes, formatShape, normalizeDim, numelOf, sameShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { sumToShape } from './reduction.js';
import { rejectExtraArguments } from '../options.js';

type ShapeContext = OpContext<readonly number[]>;

function shapeArgs(op: string, args: unknown[], what = 'sizes'): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  for (const d of list) {
    if (typeof d !== 'number' || !Number.isInteger(d)) throw new TypeError(`${op}: expected integer ${what}, got ${JSON.stringify(list)}`);
  }
  return list as number[];
}

/** Resolves one -1 in a target shape against numel, or throws naming the op and both shapes. */
export function inferShape(op: string, from: readonly number[], to: readonly number[]): number[] {
  const n = numelOf(from);
  const out = [...to];
  const free = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (free.length > 1 || out.some((d) => d < -1)) throw new Error(`${op}: invalid shape ${formatShape(to)} (at most one -1, other sizes non-negative)`);
  if (free.length === 1) {
    const rest = numelOf(out.filter((d) => d !== -1));
    if (rest === 0 || n % rest !== 0) throw new Error(`${op}: shape ${formatShape(to)} is invalid for input of shape ${formatShape(from)} (${n} elements)`);
    out[free[0]] = n / rest;
  }
  if (numelOf(out) !== n) throw new Error(`${op}: shape ${formatShape(to)} is invalid for input of shape ${formatShape(from)} (${n} elements)`);
  return out;
}

/** Same elements, new shape. Storage is shared (a view: in-place ops on either are seen by both). */
export const reshape = defineOp({
  name: 'reshape',
  signatures: {
    'Tensor, Array': (x: Tensor, shape: number[]): [Tensor, number[]] => [x, shapeArgs('reshape', shape)],
    'Tensor, ...number': (x: Tensor, ...shape: number[]): [Tensor, number[]] => [x, shapeArgs('reshape', shape)],
  },
  forward(ctx: ShapeContext, x: Tensor, shape: number[]) {
    ctx.state = x.shape;
    return kernels.view(x, inferShape('reshape', x.shape, shape));
  },
  backward(ctx, g) {
    return [reshape(g, [...ctx.state])];
  },
}) as unknown as (x: Tensor, shape: readonly number[]) => Tensor;

/** reshape under PyTorch's other name: storage is always contiguous here, so every view is possible. */
export const view = reshape;

/** torch.flatten: merges dims startDim..endDim (default all) into one; a 0-d tensor becomes shape [1]. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  rejectExtraArguments('flatten', 3, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`flatten: expected a Tensor, got ${typeof x}`);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim);
  const e = normalizeDim('flatten', endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** Removes size-1 dims (all of them, or the given one if it has size 1). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  rejectExtraArguments('squeeze', 2, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`squeeze: expected a Tensor, got ${typeof x}`);
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normalizeDim('squeeze', dim, x.ndim);
  if (x.ndim === 0 || x.shape[d] !== 1) return reshape(x, [...x.shape]);
  return reshape(x, x.shape.filter((_, i) => i !== d));
}

/** torch.unsqueeze: a size-1 dim inserted at `dim` (in -(ndim + 1)..ndim). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  rejectExtraArguments('unsqueeze', 2, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`unsqueeze: expected a Tensor, got ${typeof x}`);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Broadcasts to a larger shape (-1 keeps a size), copying; the gradient sums back. */
export const expand = defineOp({
  name: 'expand',
  signatures: {
    'Tensor, Array': (x: Tensor, shape: number[]): [Tensor, number[]] => [x, shapeArgs('expand', shape)],
    'Tensor, ...number': (x: Tensor, ...shape: number[]): [Tensor, number[]] => [x, shapeArgs('expand', shape)],
  },
  forward(ctx: ShapeContext, x: Tensor, shape: number[]) {
    const lead = shape.length - x.ndim;
    const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead] : d));
    const b = broadcastShapes(x.shape, target);
    // -1 (keep the size) means nothing for a new leading dim; other negative sizes are never valid.
    if (lead < 0 || !b || !sameShape(b, target) || target.some((d) => d < 0)) {
      throw new Error(`expand: cannot expand shape ${formatShape(x.shape)} to ${formatShape(shape)}`);
    }
    ctx.state = x.shape;
    return kernels.broadcastTo(x, target);
  },
  backward(ctx, g) {
    return [sumToShape(g, ctx.state)];
  },
}) as unknown as (x: Tensor, shape: readonly number[]) => Tensor;

/**
 * Reorders the dimensions: output dimension i is input dimension dims[i] (negative dims count from the end).
 * Storage is always contiguous row-major here, so this copies (PyTorch returns a strided view).
 */
export const permute = defineOp({
  name: 'permute',
  signatures: {
    'Tensor, Array': (x: Tensor, dims: number[]): [Tensor, number[]] => [x, shapeArgs('permute', dims, 'dims')],
    'Tensor, ...number': (x: Tensor, ...dims: number[]): [Tensor, number[]] => [x, shapeArgs('permute', dims, 'dims')],
  },
  forward(ctx: OpContext<number[]>, x: Tensor, dims: number[]) {
    if (dims.length !== x.ndim) {
      throw new Error(`permute: dims ${formatShape(dims)} has ${dims.length} entries but the input of shape ${formatShape(x.shape)} has ${x.ndim} dimensions`);
    }
    const perm = dims.map((d) => normalizeDim('permute', d, x.ndim));
    if (new Set(perm).size !== perm.length) throw new Error(`permute: dims ${formatShape(dims)} repeats a dimension`);
    ctx.state = perm;
    return kernels.permute(x, perm);
  },
  backward(ctx, g) {
    // Permuting by the inverse order puts every dimension back.
    const inverse = new Array<number>(ctx.state.length);
    ctx.state.forEach((d, i) => (inverse[d] = i));
    return [permute(g, inverse)];
  },
}) as unknown as (x: Tensor, dims: readonly number[]) => Tensor;

/** Swaps two dimensions (a copy, see permute). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  rejectExtraArguments('transpose', 3, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`transpose: expected a Tensor, got ${typeof x}`);
  const a = normalizeDim('transpose', dim0, x.ndim);
  const b = normalizeDim('transpose', dim1, x.ndim);
  const dims = x.shape.map((_, i) => i);
  if (x.ndim > 0) {
    dims[a] = b;
    dims[b] = a;
  }
  return permute(x, dims);
}

/** torch.t: transposes a 2-D tensor; 0-D and 1-D tensors come back as they are (copied). */
export function t(x: Tensor): Tensor {
  rejectExtraArguments('t', 1, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`t: expected a Tensor, got ${typeof x}`);
  if (x.ndim > 2) throw new Error(`t: expected a tensor with at most 2 dimensions, got shape ${formatShape(x.shape)} (use transpose or permute)`);
  return x.ndim === 2 ? permute(x, [1, 0]) : permute(x, x.shape.map((_, i) => i));
}

declare module '../tensor.js' {
  interface Tensor {
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    view(...shape: number[] | [readonly number[]]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    squeeze(dim?: number): Tensor;
    unsqueeze(dim: number): Tensor;
    expand(...shape: number[] | [readonly number[]]): Tensor;
    permute(...dims: number[] | [readonly number[]]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
  }
}


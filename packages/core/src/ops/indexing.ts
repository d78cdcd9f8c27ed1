import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { type DType, promoteTypes } from '../dtype.js';
import { formatShape, normalizeDim, numelOf, stridesOf } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { checkOptionKeys, rejectExtraArguments } from '../options.js';
import { defineAdjointPair } from './gradient-ops.js';

/**
 * Slicing, selection, concatenation, padding and indexed reads. Storage is always contiguous here, so every
 * result is a copy (where PyTorch would return a view); each backward writes the gradient back into the
 * positions the forward read.
 */

// ---------------------------------------------------------------------------------------------------------------
// Strided windows: slice, narrow, select, index

/** A strided window into a contiguous tensor: window element idx is data[offset + Σ idx·strides]. */
interface Window {
  inShape: readonly number[];
  shape: number[];
  offset: number;
  strides: number[];
}

function readWindow(x: Tensor, w: Window): Tensor {
  return kernels.readWindow(x, w.shape, w.offset, w.strides);
}

/** The adjoint of readWindow: g written into the window of zeros shaped like the input. */
function writeWindow(g: Tensor, w: Window): Tensor {
  return kernels.copyWindow(g, w.shape, 0, stridesOf(w.shape), w.inShape, w.offset, w.strides, 0);
}

// the backward rules below are these adjoint maps as ops, so that they are differentiable to every order
const [, writeWindowOp] = defineAdjointPair('readWindow', readWindow, 'writeWindow', writeWindow);

function checkInteger(op: string, what: string, value: number): void {
  if (!Number.isInteger(value)) throw new TypeError(`${op}: expected an integer ${what}, got ${value}`);
}

function checkNotScalar(op: string, x: Tensor): void {
  if (x.ndim === 0) throw new Error(`${op}: cannot be applied to a 0-dim tensor`);
}

/** Python's reading of a slice bound: negative counts from the end, then clamped to [0, size]. */
function clampBound(i: number, size: number): number {
  const j = i < 0 ? i + size : i;
  return Math.min(Math.max(j, 0), size);
}

/** x[..., start:end:step, ...] along dim, with Python's semantics (negative bounds, clamping); step > 0. */
export const slice = defineOp({
  name: 'slice',
  signatures: {
    'Tensor, number': (x: Tensor, dim: number): SliceArgs => [x, dim, null, null, 1],
    'Tensor, number, number | null | undefined': (x: Tensor, dim: number, start?: number | null): SliceArgs => [x, dim, start ?? null, null, 1],
    'Tensor, number, number | null | undefined, number | null | undefined': (x: Tensor, dim: number, start?: number | null, end?: number | null): SliceArgs => [
      x, dim, start ?? null, end ?? null, 1,
    ],
    'Tensor, number, number | null | undefined, number | null | undefined, number | undefined': (
      x: Tensor, dim: number, start?: number | null, end?: number | null, step?: number,
    ): SliceArgs => [x, dim, start ?? null, end ?? null, step ?? 1],
  },
  forward(ctx: OpContext<Window>, x: Tensor, dim: number, start: number | null, end: number | null, step: number) {
    checkNotScalar('slice', x);
    const d = normalizeDim('slice', dim, x.ndim);
    if (start !== null) checkInteger('slice', 'start', start);
    if (end !== null) checkInteger('slice', 'end', end);
    checkInteger('slice', 'step', step);
    if (step <= 0) throw new Error(`slice: step must be positive, got ${step}`);
    const size = x.shape[d];
    const lo = clampBound(start ?? 0, size);
    const hi = clampBound(end ?? size, size);
    const shape = [...x.shape];
    shape[d] = hi > lo ? Math.ceil((hi - lo) / step) : 0;
    const strides = stridesOf(x.shape);
    const offset = lo * strides[d];
    strides[d] *= step;
    ctx.state = { inShape: x.shape, shape, offset, strides };
    return readWindow(x, ctx.state);
  },
  backward(ctx, g) {
    return [writeWindowOp(g, ctx.state)];
  },
}) as unknown as (x: Tensor, dim: number, start?: number | null, end?: number | null, step?: number) => Tensor;

type SliceArgs = [Tensor, number, number | null, number | null, number];

/** Elements start .. start + length - 1 along dim (start may be negative); like torch.narrow. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  rejectExtraArguments('narrow', 4, arguments.length);
  if (!(x instanceof Tensor)) throw new TypeError(`narrow: expected a Tensor, got ${typeof x}`);
  checkNotScalar('narrow', x);
  const d = normalizeDim('narrow', dim, x.ndim);
  checkInteger('narrow', 'start', start);
  checkInteger('narrow', 'length', length);
  const size = x.shape[d];
  if (start < -size || start > size) throw new Error(`narrow: start ${start} is out of range for dimension ${d} of size ${size}`);
  const s = start < 0 ? start + size : start;
  if (length < 0) throw new Error(`narrow: length must be non-negative, got ${length}`);
  if (s + length > size) throw new Error(`narrow: start (${s}) + length (${length}) exceeds dimension ${d} of size ${size}`);
  return slice(x, d, s, s + length);
}

function resolveIndex(op: string, i: number, d: number, size: number): number {
  checkInteger(op, 'index', i);
  if (i < -size || i >= size) throw new Error(`${op}: index ${i} is out of range for dimension ${d} with size ${size}`);
  return i < 0 ? i + size : i;
}

/** The slice at index i along dim, with that dim removed (negative i counts from the end); like torch.select. */
export const select = defineOp({
  name: 'select',
  signatures: ['Tensor, number, number'],
  forward(ctx: OpContext<Window>, x: Tensor, dim: number, i: number) {
    checkNotScalar('select', x);
    const d = normalizeDim('select', dim, x.ndim);
    const k = resolveIndex('select', i, d, x.shape[d]);
    const allStrides = stridesOf(x.shape);
    const shape = x.shape.filter((_, j) => j !== d);
    const strides = allStrides.filter((_, j) => j !== d);
    ctx.state = { inShape: x.shape, shape, offset: k * allStrides[d], strides };
    return readWindow(x, ctx.state);
  },
  backward(ctx, g) {
    return [writeWindowOp(g, ctx.state)];
  },
}) as unknown as (x: Tensor, dim: number, index: number) => Tensor;

// ---------------------------------------------------------------------------------------------------------------
// cat and stack

function tensorList(op: string, list: unknown[]): Tensor[] {
  if (list.length === 0) throw new Error(`${op}: expected a non-empty list of tensors`);
  list.forEach((t, k) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a list of tensors, but element ${k} is ${t === null ? 'null' : typeof t}`);
  });
  return list as Tensor[];
}

function commonDType(tensors: readonly Tensor[]): DType {
  return tensors.reduce<DType>((acc, t) => promoteTypes(acc, t.dtype), tensors[0].dtype);
}

/** [outer, inner] of a shape around dim: the sizes before and after it. */
function aroundDim(shape: readonly number[], dim: number): [number, number] {
  return [numelOf(shape.slice(0, dim)), numelOf(shape.slice(dim + 1))];
}

interface CatState {
  dim: number;
  sizes: number[];
}

/** Joins tensors along an existing dim; all other sizes must match. Dtypes promote as in PyTorch. */
export const cat = defineOp({
  name: 'cat',
  signatures: {
    Array: (tensors: unknown[]): [number, ...Tensor[]] => [0, ...tensorList('cat', tensors)],
    'Array, number | undefined': (tensors: unknown[], dim?: number): [number, ...Tensor[]] => [dim ?? 0, ...tensorList('cat', tensors)],
  },
  forward(ctx: OpContext<CatState>, dim: number, ...tensors: Tensor[]) {
    const first = tensors[0];
    tensors.forEach((t, k) => {
      if (t.ndim === 0) throw new Error(`cat: tensor ${k} is 0-dim and cannot be concatenated (unsqueeze it, or use stack)`);
    });
    const d = normalizeDim('cat', dim, first.ndim);
    tensors.forEach((t, k) => {
      if (t.ndim !== first.ndim || t.shape.some((s, j) => j !== d && s !== first.shape[j])) {
        throw new Error(
          `cat: sizes must match except in dimension ${d}, but tensor ${k} has shape ${formatShape(t.shape)} and tensor 0 has shape ${formatShape(first.shape)}`,
        );
      }
    });
    const sizes = tensors.map((t) => t.shape[d]);
    const shape = [...first.shape];
    shape[d] = sizes.reduce((a, b) => a + b, 0);
    const [outer, inner] = aroundDim(first.shape, d);
    ctx.state = { dim: d, sizes };
    return kernels.concat(tensors, outer, sizes.map((n) => n * inner), shape, commonDType(tensors));
  },
  backward(ctx, g) {
    const { dim, sizes } = ctx.state;
    let start = 0;
    const grads: (Tensor | null)[] = [null];
    sizes.forEach((n, k) => {
      grads.push(ctx.needsInputGrad[k + 1] ? slice(g, dim, start, start + n) : null);
      start += n;
    });
    return grads;
  },
}) as unknown as (tensors: readonly Tensor[], dim?: number) => Tensor;

/** Joins same-shaped tensors along a new dim (0 ≤ dim ≤ ndim, or negative). Dtypes promote as in PyTorch. */
export const stack = defineOp({
  name: 'stack',
  signatures: {
    Array: (tensors: unknown[]): [number, ...Tensor[]] => [0, ...tensorList('stack', tensors)],
    'Array, number | undefined': (tensors: unknown[], dim?: number): [number, ...Tensor[]] => [dim ?? 0, ...tensorList('stack', tensors)],
  },
  forward(ctx: OpContext<number>, dim: number, ...tensors: Tensor[]) {
    const first = tensors[0];
    tensors.forEach((t, k) => {
      if (t.ndim !== first.ndim || t.shape.some((s, j) => s !== first.shape[j])) {
        throw new Error(`stack: expects tensors of equal shape, but tensor ${k} has shape ${formatShape(t.shape)} and tensor 0 has shape ${formatShape(first.shape)}`);
      }
    });
    const d = normalizeDim('stack', dim, first.ndim + 1);
    const shape = [...first.shape];
    shape.splice(d, 0, tensors.length);
    const outer = numelOf(first.shape.slice(0, d));
    const inner = numelOf(first.shape.slice(d));
    ctx.state = d;
    return kernels.concat(tensors, outer, tensors.map(() => inner), shape, commonDType(tensors));
  },
  backward(ctx, g) {
    return [null, ...ctx.needsInputGrad.slice(1).map((needed, k) => (needed ? select(g, ctx.state, k) : null))];
  },
}) as unknown as (tensors: readonly Tensor[], dim?: number) => Tensor;

// ---------------------------------------------------------------------------------------------------------------
// pad

export interface PadOptions {
  /** The fill value of the padding (default 0). */
  value?: number;
  /** Only 'constant' is supported. */
  mode?: 'constant';
}

/** Where the input and the output overlap, in each one's coordinates. */
interface PadState {
  inShape: readonly number[];
  outShape: readonly number[];
  overlap: number[];
  inOffset: number;
  outOffset: number;
}

/** pad's backward: g cropped back to the input, and its adjoint, zero padding. */
const [, cropOp] = defineAdjointPair(
  'padZeros',
  (x: Tensor, s: PadState) => kernels.copyWindow(x, s.overlap, s.inOffset, stridesOf(s.inShape), s.outShape, s.outOffset, stridesOf(s.outShape), 0),
  'crop',
  (g: Tensor, s: PadState) => kernels.copyWindow(g, s.overlap, s.outOffset, stridesOf(s.outShape), s.inShape, s.inOffset, stridesOf(s.inShape), 0),
);

/**
 * torch.nn.functional.pad in constant mode: pads are [left, right] for the last dim, then [top, bottom] for the one
 * before, and so on (last dim first). Negative pads crop.
 */
export const pad = defineOp({
  name: 'pad',
  signatures: {
    'Tensor, Array': (x: Tensor, pads: unknown[]): [Tensor, number[], number] => [x, padArgs(pads), 0],
    'Tensor, Array, Object | undefined': (x: Tensor, pads: unknown[], options?: PadOptions): [Tensor, number[], number] => [
      x, padArgs(pads), padValue(options),
    ],
  },
  forward(ctx: OpContext<PadState>, x: Tensor, pads: number[], value: number) {
    const nd = x.ndim;
    if (pads.length % 2 !== 0) throw new Error(`pad: expected an even number of pad sizes (2 per padded dimension), got ${formatShape(pads)}`);
    if (pads.length / 2 > nd) {
      throw new Error(`pad: pads ${formatShape(pads)} pad ${pads.length / 2} dimensions but the input of shape ${formatShape(x.shape)} has ${nd}`);
    }
    const outShape = [...x.shape];
    const overlap = [...x.shape];
    const inStart = new Array<number>(nd).fill(0);
    const outStart = new Array<number>(nd).fill(0);
    for (let k = 0; k < pads.length / 2; k++) {
      const d = nd - 1 - k;
      const before = pads[2 * k];
      const after = pads[2 * k + 1];
      const size = x.shape[d];
      outShape[d] = size + before + after;
      if (outShape[d] < 0) {
        throw new Error(`pad: dimension ${d} of size ${size} padded by ${before} and ${after} would have negative size ${outShape[d]}`);
      }
      // Output position o holds input position o - before.
      inStart[d] = Math.max(0, -before);
      overlap[d] = Math.max(0, size - Math.max(0, -after) - inStart[d]);
      outStart[d] = inStart[d] + before;
    }
    const inStrides = stridesOf(x.shape);
    const outStrides = stridesOf(outShape);
    const inOffset = inStart.reduce((acc, s, d) => acc + s * inStrides[d], 0);
    const outOffset = outStart.reduce((acc, s, d) => acc + s * outStrides[d], 0);
    ctx.state = { inShape: x.shape, outShape, overlap, inOffset, outOffset };
    return kernels.copyWindow(x, overlap, inOffset, inStrides, outShape, outOffset, outStrides, value);
  },
  backward(ctx, g) {
    return [cropOp(g, ctx.state)];
  },
}) as unknown as (x: Tensor, pads: readonly number[], options?: PadOptions) => Tensor;

function padArgs(pads: unknown[]): number[] {
  for (const p of pads) {
    if (typeof p !== 'number' || !Number.isInteger(p)) throw new TypeError(`pad: expected integer pad sizes, got ${JSON.stringify(pads)}`);
  }
  return pads as number[];
}

function padValue(options: PadOptions | undefined): number {
  checkOptionKeys('pad', options ?? {}, ['value', 'mode']);
  const { value = 0, mode = 'constant' } = options ?? {};
  if (mode !== 'constant') throw new Error(`pad: only mode 'constant' is supported, got ${JSON.stringify(mode)}`);
  if (typeof value !== 'number') throw new TypeError(`pad: expected a number value, got ${typeof value}`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// gather and indexSelect

function checkIndexTensor(op: string, index: Tensor): void {
  if (index.dtype !== 'int32') throw new TypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
}

function checkIndexRange(op: string, index: Tensor, dim: number, size: number): void {
  const bad = kernels.findOutOfRange(index, 0, size);
  if (bad) throw new Error(`${op}: index ${bad.value} is out of range for dimension ${dim} with size ${size}`);
}

interface GatherState {
  inShape: readonly number[];
  dim: number;
}

/** What gather's and indexSelect's backward maps need: the index and the input's geometry. */
interface IndexGeometry extends GatherState {
  index: Tensor;
}

/** A 0-dim tensor is gathered from as if it had shape [1]. */
const atLeast1d = (shape: readonly number[], like: readonly number[]): readonly number[] => (like.length === 0 ? [1] : shape);

const [, scatterAddOp] = defineAdjointPair(
  'gatherAt',
  (x: Tensor, p: IndexGeometry) => kernels.gather(x, atLeast1d(p.inShape, p.inShape), p.dim, p.index, atLeast1d(p.index.shape, p.inShape)),
  'scatterAddAt',
  (g: Tensor, p: IndexGeometry) => kernels.scatterAdd(g, atLeast1d(p.index.shape, p.inShape), p.dim, p.index, p.inShape, atLeast1d(p.inShape, p.inShape)),
);

const [, indexAddOp] = defineAdjointPair(
  'indexSelectAt',
  (x: Tensor, p: IndexGeometry) => {
    const [outer, inner] = aroundDim(p.inShape, p.dim);
    const shape = [...p.inShape];
    if (shape.length > 0) shape[p.dim] = p.index.numel();
    return kernels.indexSelect(x, outer, p.inShape[p.dim] ?? 1, inner, p.index, shape);
  },
  'indexAddAt',
  (g: Tensor, p: IndexGeometry) => {
    const [outer, inner] = aroundDim(p.inShape, p.dim);
    return kernels.indexAdd(g, outer, p.inShape[p.dim] ?? 1, inner, p.index, p.inShape);
  },
);

/**
 * torch.gather: out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (and likewise for other dims). The index is int32
 * with x's rank and sizes at most x's outside dim; the output has the index's shape. The gradient scatter-adds.
 */
export const gather = defineOp({
  name: 'gather',
  signatures: ['Tensor, number, Tensor'],
  forward(ctx: OpContext<GatherState>, x: Tensor, dim: number, index: Tensor) {
    checkIndexTensor('gather', index);
    const d = normalizeDim('gather', dim, x.ndim);
    if (index.ndim !== x.ndim) {
      throw new Error(`gather: index of shape ${formatShape(index.shape)} must have as many dimensions as the input of shape ${formatShape(x.shape)}`);
    }
    index.shape.forEach((s, j) => {
      if (j !== d && s > x.shape[j]) {
        throw new Error(
          `gather: index of shape ${formatShape(index.shape)} is larger than the input of shape ${formatShape(x.shape)} in dimension ${j} (only dim ${d} may differ)`,
        );
      }
    });
    // A 0-dim tensor is gathered from as if it had shape [1].
    const xShape = x.ndim === 0 ? [1] : x.shape;
    const iShape = x.ndim === 0 ? [1] : index.shape;
    checkIndexRange('gather', index, d, xShape[d]);
    ctx.save(index);
    ctx.state = { inShape: x.shape, dim: d };
    return kernels.gather(x, xShape, d, index, iShape);
  },
  backward(ctx, g) {
    const [index] = ctx.saved;
    return [scatterAddOp(g, { ...ctx.state, index }), null, null];
  },
}) as unknown as (x: Tensor, dim: number, index: Tensor) => Tensor;

/** torch.index_select: the slices of x at the given int32 indices along dim. The gradient index-adds (repeats accumulate). */
export const indexSelect = defineOp({
  name: 'indexSelect',
  signatures: ['Tensor, number, Tensor'],
  forward(ctx: OpContext<GatherState>, x: Tensor, dim: number, index: Tensor) {
    checkIndexTensor('indexSelect', index);
    if (index.ndim > 1) throw new Error(`indexSelect: index must be 1-D, got shape ${formatShape(index.shape)}`);
    const d = normalizeDim('indexSelect', dim, x.ndim);
    const [outer, inner] = aroundDim(x.shape, d);
    const n = x.shape[d] ?? 1;
    checkIndexRange('indexSelect', index, d, n);
    const shape = [...x.shape];
    if (x.ndim > 0) shape[d] = index.numel();
    else if (index.numel() !== 1) throw new Error(`indexSelect: a 0-dim input takes an index with one element, got shape ${formatShape(index.shape)}`);
    ctx.save(index);
    ctx.state = { inShape: x.shape, dim: d };
    return kernels.indexSelect(x, outer, n, inner, index, shape);
  },
  backward(ctx, g) {
    const [index] = ctx.saved;
    return [indexAddOp(g, { ...ctx.state, index }), null, null];
  },
}) as unknown as (x: Tensor, dim: number, index: Tensor) => Tensor;

// ---------------------------------------------------------------------------------------------------------------
// Tensor methods

declare module '../tensor.js' {
  interface Tensor {
    slice(dim: number, start?: number | null, end?: number | null, step?: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    select(dim: number, index: number): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
  }
}

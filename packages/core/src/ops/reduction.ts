import { defineOp, typed } from '../op.js';
import { Tensor } from '../tensor.js';
import { type OpContext, isGradEnabled } from '../tape.js';
import { formatShape, normalizeDim, normalizeDims, sameShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { expand, reshape } from './shape.js';
import { div, mul, sub } from './arithmetic.js';
import { checkOptionKeys } from '../options.js';
import { type DType, isFloating } from '../dtype.js';
import { type ValuesIndices, valuesIndices } from './named-tuple.js';

export type { ValuesIndices } from './named-tuple.js';

/** The dims a reduction reduces: one, several, or null for all. */
export type Dims = number | readonly number[] | null;

/** The shape left after reducing `dims`, with 1s kept when keepdim. */
export function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

/** Sums the (sorted) dims, keepdim layout; never shares x's storage. */
export function sumDimsData(x: Tensor, dims: readonly number[]): Tensor {
  return kernels.sumDims(x, dims);
}

/**
 * The sorted dims to reduce; a 0-d tensor accepts dim 0 or -1 but has no axis to reduce, as in PyTorch. An empty list
 * reduces every dim, as PyTorch 1.13's sum, mean and var.
 */
function reductionDims(op: string, dim: Dims, ndim: number): number[] {
  const dims = normalizeDims(op, Array.isArray(dim) && dim.length === 0 ? null : dim, ndim);
  return ndim === 0 ? [] : dims;
}

/** typed-function signatures of (x, dim?, keepdim?) reductions, normalized to [x, dims or null, keepdim]. */
export const reductionSignatures = {
  Tensor: (x: Tensor): [Tensor, Dims, boolean] => [x, null, false],
  'Tensor, number | Array | null | undefined': (x: Tensor, dim: Dims | undefined): [Tensor, Dims, boolean] => [x, dim ?? null, false],
  'Tensor, number | Array | null | undefined, boolean | undefined': (x: Tensor, dim: Dims | undefined, keepdim: boolean | undefined): [Tensor, Dims, boolean] => [x, dim ?? null, keepdim ?? false],
};

interface ReduceState {
  inShape: readonly number[];
  keptShape: number[];
  count: number;
}

/** Gradient of a sum-like reduction: reshape to the keepdim shape, then broadcast back to the input. */
function expandBack(g: Tensor, state: ReduceState): Tensor {
  return expand(reshape(g, state.keptShape), state.inShape);
}

/**
 * An int32 sum, exact or refused: summed in float64 (exact while the partial sums stay below 2^53), then checked to
 * fit int32. PyTorch returns int64 here; torchlet has no int64 dtype, and a wrapped sum would be a silent wrong answer.
 */
function int32Sum(x: Tensor, dims: readonly number[]): Tensor {
  // a device has no float64; a bool sum is a count below 2^31, which its kernel makes in int32
  if (x.dtype === 'bool' && x.device !== 'cpu') return sumDimsData(x, dims);
  const exact = sumDimsData(kernels.cast(x, 'float64'), dims);
  const overflow = kernels.findOutOfRange(exact, -(2 ** 31), 2 ** 31);
  if (overflow) {
    throw new RangeError(
      `sum: the sum ${overflow.value} of int32 values does not fit int32 (PyTorch returns int64, which torchlet does not have); ` +
        'sum x.double() for a result exact up to 2^53',
    );
  }
  return kernels.cast(exact, 'int32');
}

/** Sum over dims (all when none): int32 stays int32 (exact or refused), a bool sum counts the trues, as int32. */
export const sum = defineOp({
  name: 'sum',
  signatures: reductionSignatures,
  forward(ctx: OpContext<ReduceState>, x: Tensor, dim: Dims, keepdim: boolean) {
    const dims = reductionDims('sum', dim, x.ndim);
    const kept = isFloating(x.dtype) ? sumDimsData(x, dims) : int32Sum(x, dims);
    ctx.state = { inShape: x.shape, keptShape: [...kept.shape], count: 0 };
    return kernels.view(kept, reducedShape(x.shape, dims, keepdim));
  },
  backward(ctx, g) {
    return [expandBack(g, ctx.state)];
  },
}) as unknown as (x: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;

/** Mean over dims (all when none), of a floating-point tensor. */
export const mean = defineOp({
  name: 'mean',
  signatures: reductionSignatures,
  forward(ctx: OpContext<ReduceState>, x: Tensor, dim: Dims, keepdim: boolean) {
    requireFloating('mean', x);
    const dims = reductionDims('mean', dim, x.ndim);
    const kept = sumDimsData(x, dims);
    let count = 1;
    for (const d of dims) count *= x.shape[d];
    kernels.divScalar_(kept, count);
    ctx.state = { inShape: x.shape, keptShape: [...kept.shape], count };
    return kernels.view(kept, reducedShape(x.shape, dims, keepdim));
  },
  backward(ctx, g) {
    return [div(expandBack(g, ctx.state), ctx.state.count)];
  },
}) as unknown as (x: Tensor, dim?: Dims, keepdim?: boolean) => Tensor;

/**
 * Sums a broadcast result back to `shape`: the reverse of broadcasting, used by the backward rules of every
 * broadcasting op (tinygrad's "expand undoes itself by summing").
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0) throw new Error(`sumToShape: cannot reduce shape ${formatShape(g.shape)} to ${formatShape(shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) dims.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) dims.push(i);
    else if (shape[i - lead] !== g.shape[i]) throw new Error(`sumToShape: cannot reduce shape ${formatShape(g.shape)} to ${formatShape(shape)}`);
  }
  return reshape(sum(g, dims, true), shape);
}

function requireFloating(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) throw new Error(`${op}: expected a floating-point tensor, got ${x.dtype} (convert with .float())`);
}

/** Options of var: Bessel's correction and keepdim. */
export interface VarOptions {
  /** Divide by n - 1 (Bessel's correction) rather than n. Default true, as in PyTorch. */
  unbiased?: boolean;
  keepdim?: boolean;
}

function varArgs(x: Tensor, dim: Dims | undefined, options: VarOptions | undefined): [Tensor, Dims, boolean, boolean] {
  const opts = options ?? {};
  checkOptionKeys('var', opts, ['unbiased', 'keepdim']);
  const { unbiased = true, keepdim = false } = opts;
  if (typeof unbiased !== 'boolean' || typeof keepdim !== 'boolean') {
    throw new TypeError(`var: options unbiased and keepdim must be booleans, got ${typeof unbiased} and ${typeof keepdim}`);
  }
  return [x, dim ?? null, unbiased, keepdim];
}

interface VarState {
  keptShape: number[];
  dims: number[];
  /** The mean over the reduced dims, in the keepdim layout. */
  mean: Tensor;
  /** n - 1 or n. */
  denom: number;
}

/** x minus its mean (broadcast from the keepdim layout). */
function deviations(x: Tensor, mean: Tensor): Tensor {
  return kernels.binary('sub', x, mean, x.shape, x.dtype);
}

/** Variance over `dim` (all dims when null), two-pass: mean first, then the mean squared deviation. */
const var_ = defineOp({
  name: 'var',
  signatures: {
    Tensor: (x: Tensor) => varArgs(x, null, undefined),
    'Tensor, Object': (x: Tensor, options: VarOptions) => varArgs(x, null, options),
    'Tensor, number | Array | null | undefined': (x: Tensor, dim: Dims | undefined) => varArgs(x, dim, undefined),
    'Tensor, number | Array | null | undefined, Object | undefined': (x: Tensor, dim: Dims | undefined, options: VarOptions | undefined) =>
      varArgs(x, dim, options),
  },
  forward(ctx: OpContext<VarState>, x: Tensor, dim: Dims, unbiased: boolean, keepdim: boolean) {
    requireFloating('var', x);
    const dims = reductionDims('var', dim, x.ndim);
    let count = 1;
    for (const d of dims) count *= x.shape[d];
    const mean = sumDimsData(x, dims);
    kernels.divScalar_(mean, count);
    const dev = deviations(x, mean);
    const out = sumDimsData(kernels.binary('mul', dev, dev, dev.shape, dev.dtype), dims);
    // n - 1 = 0 gives 0/0 = NaN, as PyTorch does for one sample
    const denom = Math.max(0, count - (unbiased ? 1 : 0));
    kernels.divScalar_(out, denom);
    ctx.save(x);
    ctx.state = { keptShape: [...out.shape], dims, mean, denom };
    return kernels.view(out, reducedShape(x.shape, dims, keepdim));
  },
  backward(ctx, g) {
    // d var / dx = 2 (x - mean) / denom; under createGraph the mean is recomputed with ops, as it depends on x
    const [x] = ctx.saved;
    const { keptShape, dims, mean: savedMean, denom } = ctx.state;
    const dev = isGradEnabled() ? sub(x, mean(x, dims, true)) : deviations(x, savedMean);
    return [mul(mul(dev, reshape(g, keptShape)), 2 / denom)];
  },
}) as unknown as {
  (x: Tensor, options?: VarOptions): Tensor;
  (x: Tensor, dim?: Dims, options?: VarOptions): Tensor;
};
export { var_ as var };

type Extremum = 'max' | 'min';
const SIGN: Record<Extremum, 1 | -1> = { max: 1, min: -1 };

/**
 * The int32 indices of the first maximum (minimum) along `dim`, or into the flattened tensor when `dim` is null.
 * A NaN counts as the extremum, as in PyTorch.
 */
function extremumIndices(op: string, kind: Extremum, x: Tensor, dim: number | null, keepdim: boolean): Tensor {
  if (dim === null) {
    if (x.numel() === 0) throw new Error(`${op}: cannot reduce an empty tensor of shape ${formatShape(x.shape)} without a dim`);
    return kernels.argExtremum(x, null, SIGN[kind], keepdim ? x.shape.map(() => 1) : []);
  }
  const d = normalizeDim(op, dim, x.ndim);
  if ((x.shape[d] ?? 1) === 0) throw new Error(`${op}: cannot reduce over dim ${dim} of size 0 (shape ${formatShape(x.shape)})`);
  return kernels.argExtremum(x, d, SIGN[kind], reducedShape(x.shape, [d], keepdim));
}

const argSignatures = {
  Tensor: (x: Tensor): [Tensor, number | null, boolean] => [x, null, false],
  'Tensor, number | null | undefined': (x: Tensor, dim: number | null | undefined): [Tensor, number | null, boolean] => [x, dim ?? null, false],
  'Tensor, number | null | undefined, boolean | undefined': (x: Tensor, dim: number | null | undefined, keepdim: boolean | undefined): [Tensor, number | null, boolean] => [
    x,
    dim ?? null,
    keepdim ?? false,
  ],
};

type ArgExtremum = (x: Tensor, dim?: number | null, keepdim?: boolean) => Tensor;

/** Index of the first maximum along `dim` (int32), or into the flattened tensor without `dim`. Not differentiable. */
export const argmax = defineOp({
  name: 'argmax',
  signatures: argSignatures,
  forward(_ctx, x: Tensor, dim: number | null, keepdim: boolean) {
    return extremumIndices('argmax', 'max', x, dim, keepdim);
  },
}) as unknown as ArgExtremum;

/** Index of the first minimum along `dim` (int32), or into the flattened tensor without `dim`. Not differentiable. */
export const argmin = defineOp({
  name: 'argmin',
  signatures: argSignatures,
  forward(_ctx, x: Tensor, dim: number | null, keepdim: boolean) {
    return extremumIndices('argmin', 'min', x, dim, keepdim);
  },
}) as unknown as ArgExtremum;

interface PickState {
  inShape: readonly number[];
  /** Reduced dim, or null for the flattened tensor. */
  dim: number | null;
}

/**
 * 1 where x equals the extremum `value` (0-d), NaN matching NaN, 0 elsewhere, as `dtype`: the ties of max() and min().
 */
function tiesOf(x: Tensor, value: Tensor, dtype: DType): Tensor {
  const equal = kernels.binary('eq', x, value, x.shape, dtype);
  const isNaN = kernels.binary('ne', x, x, x.shape, dtype);
  const valueIsNaN = kernels.binary('ne', value, value, [], dtype);
  return kernels.binary('add', equal, kernels.binary('mul', isNaN, valueIsNaN, x.shape, dtype), x.shape, dtype);
}

/**
 * The values of x at extremum `indices` along dim. Along a dim the gradient goes back to exactly those positions
 * (the first extremum, as PyTorch's max(x, dim)); over the whole tensor (dim null) it is split evenly among all the
 * elements equal to the extremum, as PyTorch's max().
 */
function definePick(kind: Extremum) {
  return defineOp({
    name: kind,
    signatures: ['Tensor, Tensor, number | null'],
    forward(ctx: OpContext<PickState>, x: Tensor, indices: Tensor, dim: number | null) {
      const out = kernels.takeAlong(x, indices, dim);
      if (dim === null) ctx.save(x, out);
      else ctx.save(indices);
      ctx.state = { inShape: x.shape, dim };
      return out;
    },
    backward(ctx, g) {
      const { inShape, dim } = ctx.state;
      if (dim === null) {
        // the ties are a constant mask: the share g / count is linear in g, and written in ops
        const [x, value] = ctx.saved;
        const ties = tiesOf(x, value, g.dtype);
        return [mul(ties, div(g, kernels.sumDims(ties, x.shape.map((_, i) => i)))), null, null];
      }
      const [indices] = ctx.saved;
      return [putAlong(g, indices, inShape, dim), null, null];
    },
  });
}

/** The gradient of a pick: g added at `indices` into zeros of inShape. Its own gradient picks gg at the indices. */
const putAlong = defineOp({
  name: 'putAlong',
  signatures: ['Tensor, Tensor, Array, number'],
  forward(ctx: OpContext<number>, g: Tensor, indices: Tensor, inShape: readonly number[], dim: number) {
    if (ctx.recording) {
      ctx.save(indices);
      ctx.state = dim;
    }
    return kernels.putAlong(g, indices, inShape, dim);
  },
  backward(ctx, gg) {
    const [indices] = ctx.saved;
    return [pickAlong(gg, indices, ctx.state), null, null, null];
  },
}) as (g: Tensor, indices: Tensor, inShape: readonly number[], dim: number) => Tensor;

/** x at `indices` along dim: the values of max(x, dim) and min(x, dim). */
const pickAlong = defineOp({
  name: 'pickAlong',
  signatures: ['Tensor, Tensor, number'],
  forward(ctx: OpContext<PickState>, x: Tensor, indices: Tensor, dim: number) {
    if (ctx.recording) {
      ctx.save(indices);
      ctx.state = { inShape: x.shape, dim };
    }
    return kernels.takeAlong(x, indices, dim);
  },
  backward(ctx, g) {
    const [indices] = ctx.saved;
    return [putAlong(g, indices, ctx.state.inShape, ctx.state.dim!), null, null];
  },
}) as (x: Tensor, indices: Tensor, dim: number) => Tensor;

const pickMax = definePick('max');
const pickMin = definePick('min');

/** max and min: of the whole tensor, or along a dim as a named tuple (values, indices). */
export interface ExtremumFn {
  /** The largest (smallest) element as a 0-d tensor; its gradient is split evenly among the elements equal to it. */
  (x: Tensor): Tensor;
  /** Values and int32 indices of the first extremum along dim: `const [values, indices] = max(x, 1)`, or `.values`, `.indices`. */
  (x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
}

function defineExtremum(kind: Extremum, pick: typeof pickMax): ExtremumFn {
  const alongDim = (x: Tensor, dim: number, keepdim: boolean): ValuesIndices => {
    const indices = extremumIndices(kind, kind, x, dim, keepdim);
    return valuesIndices(pick(x, indices, normalizeDim(kind, dim, x.ndim)), indices);
  };
  return typed(kind, {
    Tensor: (x: Tensor) => pick(x, extremumIndices(kind, kind, x, null, false), null),
    'Tensor, number': (x: Tensor, dim: number) => alongDim(x, dim, false),
    'Tensor, number, boolean | undefined': (x: Tensor, dim: number, keepdim: boolean | undefined) => alongDim(x, dim, keepdim ?? false),
  }) as unknown as ExtremumFn;
}

/** torch.max: the largest element, or `[values, indices]` along a dim. */
export const max = defineExtremum('max', pickMax);
/** torch.min: the smallest element, or `[values, indices]` along a dim. */
export const min = defineExtremum('min', pickMin);

/** A reduction method's dim and keepdim by name: `x.sum({ dim: 1, keepdim: true })`. */
export interface DimOptions<D = Dims> {
  dim?: D;
  keepdim?: boolean;
}

/** keepdim by name after a positional dim: `x.sum(1, { keepdim: true })`. */
export interface KeepdimOption {
  keepdim?: boolean;
}

/** The method of a reduction over dims (sum, mean, any, all): positional, by name, or mixed. */
export interface DimReductionMethod {
  (dim?: Dims, keepdim?: boolean): Tensor;
  (options: DimOptions): Tensor;
  (dim: Dims, options: KeepdimOption): Tensor;
}

declare module '../tensor.js' {
  interface Tensor {
    sum: DimReductionMethod;
    mean: DimReductionMethod;
    var(options?: VarOptions & { dim?: Dims }): Tensor;
    var(dim?: Dims, options?: VarOptions): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    max(options: DimOptions<number> & { dim: number }): ValuesIndices;
    max(dim: number, options: KeepdimOption): ValuesIndices;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    min(options: DimOptions<number> & { dim: number }): ValuesIndices;
    min(dim: number, options: KeepdimOption): ValuesIndices;
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmax(options: DimOptions<number | null>): Tensor;
    argmax(dim: number | null, options: KeepdimOption): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(options: DimOptions<number | null>): Tensor;
    argmin(dim: number | null, options: KeepdimOption): Tensor;
  }
}

Tensor.prototype.sum = function (this: Tensor, dim?: Dims, keepdim?: boolean) { return sum(this, dim, keepdim); } as DimReductionMethod;
Tensor.prototype.mean = function (this: Tensor, dim?: Dims, keepdim?: boolean) { return mean(this, dim, keepdim); } as DimReductionMethod;
Tensor.prototype.var = function (this: Tensor, dimOrOptions?: Dims | VarOptions, options?: VarOptions) {
  const isOptions = typeof dimOrOptions === 'object' && dimOrOptions !== null && !Array.isArray(dimOrOptions);
  return isOptions ? var_(this, dimOrOptions as VarOptions) : var_(this, dimOrOptions as Dims | undefined, options);
} as Tensor['var'];
Tensor.prototype.max = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return dim === undefined ? max(this) : max(this, dim, keepdim);
} as Tensor['max'];
Tensor.prototype.min = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return dim === undefined ? min(this) : min(this, dim, keepdim);
} as Tensor['min'];
Tensor.prototype.argmax = function (this: Tensor, dim?: number | null, keepdim?: boolean) { return argmax(this, dim, keepdim); } as Tensor['argmax'];
Tensor.prototype.argmin = function (this: Tensor, dim?: number | null, keepdim?: boolean) { return argmin(this, dim, keepdim); } as Tensor['argmin'];

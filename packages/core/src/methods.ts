/**
 * Every Tensor method is its function with the tensor first, given ALL the method's arguments: `x.add(y, { alpha: 2 })`
 * is `add(x, y, { alpha: 2 })`, so a method honours or refuses exactly what its function does and never drops an
 * argument (JavaScript would, for a method written with a fixed parameter list). The op files declare the methods'
 * types next to their functions; this file, loaded by the index after them, installs the implementations in one place.
 * Reductions also take `dim` and `keepdim` by name here (`x.sum({ dim: 1, keepdim: true })`, `x.sum(1, { keepdim: true })`),
 * as their declared types in ops/reduction.ts and ops/logical.ts list.
 */
import { Tensor } from './tensor.js';
import { positionalOptions, rejectExtraArguments } from './options.js';
import * as arithmetic from './ops/arithmetic.js';
import * as compare from './ops/compare.js';
import * as unary from './ops/unary.js';
import * as softmax from './ops/softmax.js';
import * as linalg from './ops/linalg.js';
import * as shape from './ops/shape.js';
import * as indexing from './ops/indexing.js';
import * as inplace from './ops/inplace.js';
import * as reduction from './ops/reduction.js';
import { logsumexp } from './ops/logsumexp.js';
import { to } from './ops/cast.js';
import { repeat, tile, unflatten, viewAs } from './ops/tiling.js';
import { chunk, split } from './ops/splitting.js';
import { flip, roll } from './ops/reordering.js';
import { tril, triu } from './ops/masks.js';
import * as logical from './ops/logical.js';
import { bmm, mm } from './ops/products.js';
import { type IndexEntry, index, isIndexCopy } from './ops/index-expression.js';
import { indexPut_, indexSet, maskedFill, scatter, scatterAdd } from './ops/scatter.js';
import type { Dims, VarOptions } from './ops/reduction.js';

type Op = (x: Tensor, ...args: unknown[]) => unknown;
type Methods = Record<string, (this: Tensor, ...args: unknown[]) => unknown>;
const proto = Tensor.prototype as unknown as Methods;

const functions: Record<string, unknown> = {
  add: arithmetic.add, sub: arithmetic.sub, mul: arithmetic.mul, div: arithmetic.div, neg: arithmetic.neg,
  maximum: compare.maximum, minimum: compare.minimum, eq: compare.eq, ne: compare.ne, gt: compare.gt, ge: compare.ge, lt: compare.lt, le: compare.le,
  exp: unary.exp, log: unary.log, sqrt: unary.sqrt, abs: unary.abs, pow: unary.pow, clamp: unary.clamp, relu: unary.relu,
  leakyRelu: unary.leakyRelu, sigmoid: unary.sigmoid, tanh: unary.tanh, gelu: unary.gelu, softplus: unary.softplus,
  softmax: softmax.softmax, logSoftmax: softmax.logSoftmax, matmul: linalg.matmul, to,
  reshape: shape.reshape, view: shape.reshape, flatten: shape.flatten, squeeze: shape.squeeze, unsqueeze: shape.unsqueeze,
  expand: shape.expand, permute: shape.permute, transpose: shape.transpose, t: shape.t,
  slice: indexing.slice, narrow: indexing.narrow, select: indexing.select, index, gather: indexing.gather,
  indexSelect: indexing.indexSelect,
  indexSet, maskedFill, scatter, scatterAdd,
  viewAs, unflatten, repeat, tile, chunk, split, flip, roll, triu, tril, mm, bmm,
  logicalAnd: logical.logicalAnd, logicalOr: logical.logicalOr, logicalXor: logical.logicalXor, logicalNot: logical.logicalNot,
  isnan: logical.isnan, isinf: logical.isinf, isfinite: logical.isfinite,
};
for (const [name, fn] of Object.entries(functions)) {
  proto[name] = function (...args) { return (fn as Op)(this, ...args); };
}

const inPlace: Record<string, unknown> = {
  add_: inplace.add_, sub_: inplace.sub_, mul_: inplace.mul_, fill_: inplace.fill_, zero_: inplace.zero_, copy_: inplace.copy_, indexPut_,
};
for (const [name, fn] of Object.entries(inPlace)) {
  proto[name] = function (...args) {
    if (isIndexCopy(this)) {
      throw new Error(`${name}: this tensor is a copy made by index (storage is contiguous, so index never returns a view); ` +
        'writing into it would not change the tensor indexed: use indexPut_ or indexSet on that tensor');
    }
    (fn as Op)(this, ...args);
    return this;
  };
}

const casts = { float: 'float32', double: 'float64', int: 'int32', bool: 'bool' } as const;
for (const [name, dtype] of Object.entries(casts)) {
  proto[name] = function (...args) {
    rejectExtraArguments(name, 0, args.length);
    return to(this, dtype);
  };
}
proto.clone = function (...args) {
  rejectExtraArguments('clone', 0, args.length);
  return to(this, this.dtype);
};
proto.where = function (condition, other, ...extra) { return (compare.where as (...a: unknown[]) => Tensor)(condition, this, other, ...extra); };

/** (dim, keepdim) positionally, by name, or mixed, back to the positional form the reduction functions take. */
function dimArguments(op: string, args: unknown[]): unknown[] {
  const { dim, keepdim } = positionalOptions<{ dim?: unknown; keepdim?: unknown }>(op, args, ['dim', 'keepdim']);
  if (keepdim !== undefined) return [dim, keepdim];
  return dim === undefined ? [] : [dim];
}

const reductions: Record<string, unknown> = {
  sum: reduction.sum, mean: reduction.mean, max: reduction.max, min: reduction.min, argmax: reduction.argmax, argmin: reduction.argmin,
  logsumexp, any: logical.any, all: logical.all,
};
for (const [name, fn] of Object.entries(reductions)) {
  proto[name] = function (...args) { return (fn as Op)(this, ...dimArguments(name, args)); };
}
/** A method for var-like reductions, whose own options object (unbiased, keepdim) may also carry dim. */
function dimInOptions(fn: unknown): (this: Tensor, ...args: unknown[]) => unknown {
  return function (...args) {
    const last = args[args.length - 1];
    if (args.length === 1 && typeof last === 'object' && last !== null && !Array.isArray(last) && 'dim' in last) {
      const { dim, ...options } = last as VarOptions & { dim: Dims };
      return (fn as Op)(this, dim, options);
    }
    return (fn as Op)(this, ...args);
  };
}
proto.var = dimInOptions(reduction.var);

/** A tensor iterates over its first dimension, as in PyTorch: `for (const row of t)`, `[...t]` (each row a copy). */
Tensor.prototype[Symbol.iterator] = function* (this: Tensor): Generator<Tensor, void, undefined> {
  if (this.ndim === 0) throw new TypeError('iteration over a 0-d tensor');
  for (let i = 0; i < this.shape[0]; i++) yield indexing.select(this, 0, i);
};

declare module './tensor.js' {
  interface Tensor {
    [Symbol.iterator](): Iterator<Tensor>;
  }
}

declare module './tensor.js' {
  interface Tensor {
    /** PyTorch's x[...]: `x.index(':, 0')`, `x.index([':', 0])` (see index in ops/index-expression.ts). */
    index(expression: IndexEntry | readonly IndexEntry[]): Tensor;
    indexSet(expression: IndexEntry | readonly IndexEntry[], value: number | Tensor): Tensor;
    indexPut_(expression: IndexEntry | readonly IndexEntry[], value: number | Tensor): this;
    maskedFill(mask: Tensor, value: number | Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    viewAs(other: Tensor): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    repeat(...sizes: number[] | [readonly number[]]): Tensor;
    tile(dims: readonly number[]): Tensor;
    chunk(chunks: number, dim?: number): Tensor[];
    split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[];
    flip(dims: number | readonly number[]): Tensor;
    roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
    triu(diagonal?: number): Tensor;
    tril(diagonal?: number): Tensor;
    mm(mat2: Tensor): Tensor;
    bmm(mat2: Tensor): Tensor;
  }
}

// ---- issue 13's math (branch math): elementwise functions, activations, reductions, cumulative ops, sort and topk ----
import * as trig from './ops/trig.js';
import * as elementwiseMath from './ops/elementwise-math.js';
import * as activations from './ops/activations-more.js';
import * as reductionsMore from './ops/reductions-more.js';
import { cumsum } from './ops/cumulative.js';
import { cumprod, prod } from './ops/prod-cumprod.js';
import { sort, topk } from './ops/sort.js';

const mathFunctions: Record<string, unknown> = {
  ...trig, ...elementwiseMath, silu: activations.silu, mish: activations.mish, elu: activations.elu, selu: activations.selu,
  hardtanh: activations.hardtanh, norm: reductionsMore.norm, cumsum, cumprod, sort, topk,
};
for (const [name, fn] of Object.entries(mathFunctions)) {
  proto[name] = function (...args) { return (fn as Op)(this, ...args); };
}
const mathReductions: Record<string, unknown> = { amax: reductionsMore.amax, amin: reductionsMore.amin, prod };
for (const [name, fn] of Object.entries(mathReductions)) {
  proto[name] = function (...args) { return (fn as Op)(this, ...dimArguments(name, args)); };
}
proto.std = dimInOptions(reductionsMore.std);

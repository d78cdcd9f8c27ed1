import type { Tensor } from '../../tensor.js';
import { empty } from '../../creation.js';
import type { DType, TypedArray } from '../../dtype.js';
import * as loops from '../math.js';
import { type UnaryLoop, truncLoop } from '../unary.js';
import { axisView, extremumAxis } from '../reduce.js';
import { expandedData } from './elementwise.js';
import { reduceAxes } from './reduce.js';

/** The CPU backend's entries for issue 13's math: elementwise functions, amax/amin, cumulative ops and sorting. */

export type MathUnaryOp =
  | 'sin' | 'cos' | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh'
  | 'log1p' | 'expm1' | 'log2' | 'log10' | 'exp2' | 'rsqrt' | 'erf' | 'sign' | 'floor' | 'ceil' | 'trunc';

const unaryLoops: Record<MathUnaryOp, UnaryLoop> = {
  sin: loops.sinLoop, cos: loops.cosLoop, tan: loops.tanLoop, asin: loops.asinLoop, acos: loops.acosLoop, atan: loops.atanLoop,
  sinh: loops.sinhLoop, cosh: loops.coshLoop, asinh: loops.asinhLoop, acosh: loops.acoshLoop, atanh: loops.atanhLoop,
  log1p: loops.log1pLoop, expm1: loops.expm1Loop, log2: loops.log2Loop, log10: loops.log10Loop, exp2: loops.exp2Loop,
  rsqrt: loops.rsqrtLoop, erf: loops.erfLoop, sign: loops.signLoop, floor: loops.floorLoop, ceil: loops.ceilLoop, trunc: truncLoop,
};

/** op(x) elementwise into a new tensor of `dtype`. */
export function mathUnary(op: MathUnaryOp, x: Tensor, dtype: DType): Tensor {
  const out = empty(x.shape, dtype);
  unaryLoops[op](x.data, out.data);
  return out;
}

/** x rounded to `decimals` places, halves to even, into a new tensor of x's dtype. */
export function round(x: Tensor, decimals: number): Tensor {
  const out = empty(x.shape, x.dtype);
  loops.roundLoop(x.data, decimals, out.data);
  return out;
}

export type MathBinaryOp = 'atan2' | 'hypot' | 'logaddexp' | 'xlogy';

const binaryLoops: Record<MathBinaryOp, (a: TypedArray, b: TypedArray, out: TypedArray) => void> = {
  atan2: loops.atan2Loop, hypot: loops.hypotLoop, logaddexp: loops.logaddexpLoop, xlogy: loops.xlogyLoop,
};

/** op(a, b) with a and b broadcast to `shape`, into a new tensor of `dtype` (the operands already have it). */
export function mathBinary(op: MathBinaryOp, a: Tensor, b: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const out = empty(shape, dtype);
  binaryLoops[op](expandedData(a, shape), expandedData(b, shape), out.data);
  return out;
}

/** The maximum (sign 1) or minimum (-1) over the sorted dims, keepdim layout; NaN wins, as in PyTorch's amax. */
export function extremumDims(x: Tensor, dims: readonly number[], sign: 1 | -1): Tensor {
  return reduceAxes(x, dims, (src, outer, n, inner, out) => extremumAxis(src, outer, n, inner, sign, out, null));
}

/** Running sums (or products) along dim, shaped and typed like x. */
export function cumulative(x: Tensor, dim: number, kind: 'sum' | 'prod'): Tensor {
  const out = empty(x.shape, x.dtype);
  const [outer, n, inner] = axisView(x.shape, dim);
  (kind === 'sum' ? loops.cumsumAxis : loops.cumprodAxis)(x.data, outer, n, inner, out.data);
  return out;
}

/** The int32 positions that sort each line along dim (stable; NaN above everything), shaped like x. */
export function argsort(x: Tensor, dim: number, descending: boolean): Tensor {
  const out = empty(x.shape, 'int32');
  const [outer, n, inner] = axisView(x.shape, dim);
  loops.argsortAxis(x.data, outer, n, inner, descending, out.data as Int32Array);
  return out;
}

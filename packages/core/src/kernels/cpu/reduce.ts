import { Tensor } from '../../tensor.js';
import { empty } from './output.js';
import type { TypedArray } from '../../dtype.js';
import { binaryBroadcast } from '../elementwise.js';
import { expLoop } from '../unary.js';
import {
  axisView, extremumAxis, gatherAxis, logSoftmaxAxis, logSoftmaxBackwardAxis, logSumExpAxis, scatterAddAxis, softmaxAxis,
  softmaxBackwardAxis, sumAxis,
} from '../reduce.js';

/** The CPU backend's reductions and normalizations along dims (kernels/reduce.ts's axis loops). */

type AxisLoop = (src: TypedArray, outer: number, n: number, inner: number, out: TypedArray) => void;

/**
 * Applies a single-axis loop to each of the (sorted) dims, highest first so lower axes keep their place; the result
 * has the keepdim layout and never shares x's storage.
 */
export function reduceAxes(x: Tensor, dims: readonly number[], loop: AxisLoop): Tensor {
  let cur = x;
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k];
    const [outer, n, inner] = axisView(cur.shape, d);
    const shape = [...cur.shape];
    shape[d] = 1;
    const out = empty(shape, cur.dtype);
    loop(cur.data, outer, n, inner, out.data);
    cur = out;
  }
  return cur === x ? new Tensor(x.data.slice(), x.shape) : cur;
}

/** Σ over the sorted dims, in the keepdim layout (a copy when dims is empty). */
export function sumDims(x: Tensor, dims: readonly number[]): Tensor {
  return reduceAxes(x, dims, sumAxis);
}

/** log Σ exp over the sorted dims, one after the other (log Σa Σb e^x = log Σa e^(log Σb e^x)), keepdim layout. */
export function logSumExpDims(x: Tensor, dims: readonly number[]): Tensor {
  return reduceAxes(x, dims, logSumExpAxis);
}

/** [outer, n, inner] of a shape around dim, the flattened tensor being [1, numel, 1] when dim is null. */
function viewAround(shape: readonly number[], dim: number | null): [number, number, number] {
  if (dim !== null) return axisView(shape, dim);
  let numel = 1;
  for (const d of shape) numel *= d;
  return [1, numel, 1];
}

/** int32 positions of the first maximum (sign 1) or minimum (sign -1) along dim (or of the flattened x), as `shape`. */
export function argExtremum(x: Tensor, dim: number | null, sign: 1 | -1, shape: readonly number[]): Tensor {
  const [outer, n, inner] = viewAround(x.shape, dim);
  const out = empty(shape, 'int32');
  extremumAxis(x.data, outer, n, inner, sign, null, out.data as Int32Array);
  return out;
}

/** The values of x at `indices` along dim (or in the flattened x), shaped like indices. */
export function takeAlong(x: Tensor, indices: Tensor, dim: number | null): Tensor {
  const [outer, n, inner] = viewAround(x.shape, dim);
  const out = empty(indices.shape, x.dtype);
  gatherAxis(x.data, indices.data as Int32Array, outer, n, inner, out.data);
  return out;
}

/** takeAlong's gradient: g added at `indices` into zeros of inShape. */
export function putAlong(g: Tensor, indices: Tensor, inShape: readonly number[], dim: number | null): Tensor {
  const [outer, n, inner] = viewAround(inShape, dim);
  const gx = empty(inShape, g.dtype);
  scatterAddAxis(g.data, indices.data as Int32Array, outer, n, inner, gx.data);
  return gx;
}

function alongDim(loop: AxisLoop) {
  return (x: Tensor, dim: number): Tensor => {
    const [outer, n, inner] = axisView(x.shape, dim);
    const out = empty(x.shape, x.dtype);
    loop(x.data, outer, n, inner, out.data);
    return out;
  };
}

type AxisGradLoop = (y: TypedArray, g: TypedArray, outer: number, n: number, inner: number, out: TypedArray) => void;

function gradAlongDim(loop: AxisGradLoop) {
  return (y: Tensor, g: Tensor, dim: number): Tensor => {
    const [outer, n, inner] = axisView(y.shape, dim);
    const gx = empty(y.shape, y.dtype);
    loop(y.data, g.data, outer, n, inner, gx.data);
    return gx;
  };
}

export const softmax = alongDim(softmaxAxis);
/** softmax's gradient from its output y. */
export const softmaxBackward = gradAlongDim(softmaxBackwardAxis);
export const logSoftmax = alongDim(logSoftmaxAxis);
/** logSoftmax's gradient from its output y. */
export const logSoftmaxBackward = gradAlongDim(logSoftmaxBackwardAxis);

/** logsumexp's gradient g · exp(x - out), out and g in the keepdim layout `keptShape`. */
export function logsumexpBackward(x: Tensor, out: Tensor, g: Tensor, keptShape: readonly number[]): Tensor {
  const softmax = empty(x.shape, x.dtype);
  const s = softmax.data;
  binaryBroadcast('sub', x.data, x.shape, out.data, keptShape, s, x.shape);
  expLoop(s, s);
  const gx = empty(x.shape, x.dtype);
  binaryBroadcast('mul', s, x.shape, g.data, keptShape, gx.data, x.shape);
  return gx;
}

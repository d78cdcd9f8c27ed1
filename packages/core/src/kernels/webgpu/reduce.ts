import { numelOf } from '../../shape.js';
import { axisView } from '../reduce.js';
import { runBroadcast } from './broadcast.js';
import { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, perItem, runPerItem, wgslType } from './wgsl.js';

/**
 * The WebGPU backend's reductions and normalizations along a dim (kernels/cpu/reduce.ts's entries): one thread per
 * (outer, inner) position walks the n elements of its axis, which sit `inner` apart. params: [outer·inner, n, inner].
 */

/** The axis walk's declarations: `base` (the first element of the thread's axis) and `inner` (the step). */
const AXIS = /* wgsl */ `
  let n = p[1];
  let inner = p[2];
  let base = (i / inner) * n * inner + i % inner;`;

/** [outer, n, inner] around dim, or the flattened tensor [1, numel, 1] when dim is null. */
function viewAround(shape: readonly number[], dim: number | null): [number, number, number] {
  return dim === null ? [1, numelOf(shape), 1] : axisView(shape, dim);
}

/** NaN and infinity tests on the bits (a compiler may assume `v != v` false). */
const FLOAT_CLASSES = /* wgsl */ `
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn isInf(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) == 0x7f800000u; }
`;

/** The bodies of the single-axis reductions: each sets `acc` from the n elements X[base + k·inner]. */
const AXIS_REDUCTIONS = {
  sum: `
  var acc = 0.0;
  for (var k = 0u; k < n; k++) { acc += X[base + k * inner]; }`,
  // log Σ e^x shifted by the largest value, an infinite one not subtracted
  logSumExp: `
  var infBits = 0x7f800000u; // a var: an infinite constant does not compile
  var m = -bitcast<f32>(infBits);
  var nan = false; // a NaN makes the result NaN, as on the CPU (a GPU's exp(NaN) need not be NaN)
  for (var k = 0u; k < n; k++) {
    let v = X[base + k * inner];
    nan = nan || isNan(v);
    m = select(m, v, v > m);
  }
  var s = 0.0;
  for (var k = 0u; k < n; k++) { s += exp(X[base + k * inner] - m); }
  // an infinite maximum is the result (the CPU's exp gives the 0 or infinity a GPU's exp of ±inf need not)
  var acc = select(m + log(s), m, isInf(m));
  if (nan) { var nanBits = 0x7fc00000u; acc = bitcast<f32>(nanBits); }`,
  // the first NaN wins, as PyTorch's amax/amin
  max: extremumBody('>'),
  min: extremumBody('<'),
} as const;

function extremumBody(better: '>' | '<'): string {
  return `
  var acc = X[base];
  if (!isNan(acc)) {
    for (var k = 1u; k < n; k++) {
      let v = X[base + k * inner];
      if (isNan(v)) { acc = v; break; }
      if (v ${better} acc) { acc = v; }
    }
  }`;
}

type AxisReduction = keyof typeof AXIS_REDUCTIONS;

function reduceAxis(kind: AxisReduction, x: DeviceTensor, dim: number): DeviceTensor {
  const [outer, n, inner] = axisView(x.shape, dim);
  const shape = [...x.shape];
  shape[dim] = 1;
  const out = DeviceTensor.empty(x.context, shape, 'float32');
  runPerItem(x.context, `reduceAxis:${kind}`, () => PRELUDE + FLOAT_CLASSES + bindings([['X', 'f32', false], ['O', 'f32', true]]) + perItem(`${AXIS}${AXIS_REDUCTIONS[kind]}
  O[i] = acc;`), [outer * inner, n, inner], [x.buffer, out.buffer]);
  return out;
}

/** The int32 count of true words (bool x) or the int32 sum (int32 x, a partial count) along dim, keepdim layout. */
function countAxis(x: DeviceTensor, dim: number): DeviceTensor {
  const [outer, n, inner] = axisView(x.shape, dim);
  const shape = [...x.shape];
  shape[dim] = 1;
  const out = DeviceTensor.empty(x.context, shape, 'int32');
  const type = wgslType(x.dtype);
  runPerItem(x.context, `countAxis:${type}`, () => PRELUDE + bindings([['X', type, false], ['O', 'i32', true]]) + perItem(`${AXIS}
  var acc = 0i;
  for (var k = 0u; k < n; k++) { acc += i32(X[base + k * inner]); }
  O[i] = acc;`), [outer * inner, n, inner], [x.buffer, out.buffer]);
  return out;
}

/** A single-axis reduction over each of the sorted dims, highest first, in the keepdim layout (a copy when dims is empty). */
function reduceDims(op: string, kind: AxisReduction, x: DeviceTensor, dims: readonly number[]): DeviceTensor {
  const counting = kind === 'sum' && x.dtype === 'bool';
  contextOf(op, counting ? 'bool' : 'float32', x);
  const reduce = (t: DeviceTensor, dim: number): DeviceTensor => (counting ? countAxis(t, dim) : reduceAxis(kind, t, dim));
  if (dims.length === 0) return reduce(x.view([...x.shape, 1]), x.shape.length).view(x.shape);
  let cur = x;
  for (let k = dims.length - 1; k >= 0; k--) {
    const next = reduce(cur, dims[k]);
    if (cur !== x) cur.release();
    cur = next;
  }
  return cur;
}

/**
 * Σ over the sorted dims, in the keepdim layout (a copy when dims is empty). A bool x gives the int32 count of trues
 * (PyTorch's bool sum is an integer count; fewer than 2^31 elements, so it cannot overflow).
 */
export function sumDims(x: DeviceTensor, dims: readonly number[]): DeviceTensor {
  return reduceDims('sum', 'sum', x, dims);
}

/** log Σ exp over the sorted dims, one after the other, keepdim layout. */
export function logSumExpDims(x: DeviceTensor, dims: readonly number[]): DeviceTensor {
  return reduceDims('logsumexp', 'logSumExp', x, dims);
}

/** The maximum (sign 1) or minimum (-1) over the sorted dims, keepdim layout; NaN wins, as in PyTorch's amax. */
export function extremumDims(x: DeviceTensor, dims: readonly number[], sign: 1 | -1): DeviceTensor {
  return reduceDims(sign === 1 ? 'amax' : 'amin', sign === 1 ? 'max' : 'min', x, dims);
}

/** logsumexp's gradient g · exp(x - out), out and g in the keepdim layout `keptShape`. */
export function logsumexpBackward(x: DeviceTensor, out: DeviceTensor, g: DeviceTensor, keptShape: readonly number[]): DeviceTensor {
  contextOf('logsumexpBackward', 'float32', x, out, g);
  const gx = DeviceTensor.empty(x.context, x.shape, 'float32');
  runBroadcast('logsumexpBackward', [['X', x], ['Y', out.view(keptShape)], ['G', g.view(keptShape)]], [['O', gx]], x.shape, `
  O[i] = G[j2] * exp(X[j0] - Y[j1]);`);
  return gx;
}

/** int32 positions of the first maximum (sign 1) or minimum (sign -1) along dim (or of the flattened x), as `shape`. */
export function argExtremum(x: DeviceTensor, dim: number | null, sign: 1 | -1, shape: readonly number[]): DeviceTensor {
  const context = contextOf('argmax', 'float32', x);
  const [outer, n, inner] = viewAround(x.shape, dim);
  const out = DeviceTensor.empty(context, shape, 'int32');
  runPerItem(context, `argExtremum:${sign}`, () => PRELUDE + bindings([['X', 'f32', false], ['O', 'i32', true]]) + perItem(`${AXIS}
  var best = 0u;
  var value = X[base];
  for (var k = 1u; k < n; k++) {
    let v = X[base + k * inner];
    if (v ${sign === 1 ? '>' : '<'} value) { value = v; best = k; }
  }
  O[i] = i32(best);`), [outer * inner, n, inner], [x.buffer, out.buffer]);
  return out;
}

/** The values of x at `indices` along dim (or in the flattened x): one index per line of x, as the CPU entry reads them. */
export function takeAlong(x: DeviceTensor, indices: DeviceTensor, dim: number | null): DeviceTensor {
  const context = contextOf('takeAlong', 'float32', x);
  contextOf('takeAlong', 'int32', indices);
  const [, n, inner] = viewAround(x.shape, dim);
  const out = DeviceTensor.empty(context, indices.shape, 'float32');
  // line i (of outer·inner) is indices[i]; the shape of indices (keepdim or not) does not matter
  runPerItem(context, 'takeAlong', () => PRELUDE + bindings([['X', 'f32', false], ['I', 'i32', false], ['O', 'f32', true]]) + perItem(`
  let n = p[1];
  let inner = p[2];
  O[i] = X[(i / inner) * n * inner + u32(I[i]) * inner + i % inner];`), [indices.numel, n, inner], [x.buffer, indices.buffer, out.buffer]);
  return out;
}

/** softmax along dim (the maximum subtracted first). */
export function softmax(x: DeviceTensor, dim: number): DeviceTensor {
  return alongAxis('softmax', x, dim, `
  O[base + k * inner] = exp(X[base + k * inner] - m) / s;`);
}

/** logSoftmax along dim. */
export function logSoftmax(x: DeviceTensor, dim: number): DeviceTensor {
  return alongAxis('logSoftmax', x, dim, `
  O[base + k * inner] = X[base + k * inner] - m - log(s);`);
}

/** An along-the-axis normalization: `finish` writes element k from m (the axis maximum) and s (Σ e^(x - m)). */
function alongAxis(name: string, x: DeviceTensor, dim: number, finish: string): DeviceTensor {
  const context = contextOf(name, 'float32', x);
  const [outer, n, inner] = axisView(x.shape, dim);
  const out = DeviceTensor.empty(context, x.shape, 'float32');
  runPerItem(context, name, () => PRELUDE + bindings([['X', 'f32', false], ['O', 'f32', true]]) + perItem(`${AXIS}
  var m = X[base];
  for (var k = 1u; k < n; k++) { m = max(m, X[base + k * inner]); }
  var s = 0.0;
  for (var k = 0u; k < n; k++) { s += exp(X[base + k * inner] - m); }
  for (var k = 0u; k < n; k++) {${finish}
  }`), [outer * inner, n, inner], [x.buffer, out.buffer]);
  return out;
}

/** softmax's gradient from its output y: y·(g - Σ g·y). */
export function softmaxBackward(y: DeviceTensor, g: DeviceTensor, dim: number): DeviceTensor {
  return gradAlongAxis('softmaxBackward', y, g, dim, 'G[e] * Y[e]', 'Y[e] * (G[e] - s)');
}

/** logSoftmax's gradient from its output y: g - e^y·Σ g. */
export function logSoftmaxBackward(y: DeviceTensor, g: DeviceTensor, dim: number): DeviceTensor {
  return gradAlongAxis('logSoftmaxBackward', y, g, dim, 'G[e]', 'G[e] - exp(Y[e]) * s');
}

function gradAlongAxis(name: string, y: DeviceTensor, g: DeviceTensor, dim: number, term: string, result: string): DeviceTensor {
  const context = contextOf(name, 'float32', y, g);
  const [outer, n, inner] = axisView(y.shape, dim);
  const gx = DeviceTensor.empty(context, y.shape, 'float32');
  runPerItem(context, name, () => PRELUDE + bindings([['Y', 'f32', false], ['G', 'f32', false], ['O', 'f32', true]]) + perItem(`${AXIS}
  var s = 0.0;
  for (var k = 0u; k < n; k++) { let e = base + k * inner; s += ${term}; }
  for (var k = 0u; k < n; k++) { let e = base + k * inner; O[e] = ${result}; }`), [outer * inner, n, inner], [y.buffer, g.buffer, gx.buffer]);
  return gx;
}

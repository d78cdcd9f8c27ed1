import type { DType } from '../../dtype.js';
import { numelOf } from '../../shape.js';
import type { BinaryOp } from '../elementwise.js';
import { broadcastStrides } from '../elementwise.js';
import type { WebGPUContext } from './device.js';
import { DeviceTensor, deviceDType } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem, wgslType } from './wgsl.js';

/** The WebGPU backend's broadcasting arithmetic and comparisons: the entries of kernels/cpu/elementwise.ts on device tensors. */

/** x^y as the CPU backend's powC computes it: a negative base with an integral exponent keeps its sign rule. */
export const POW = /* wgsl */ `
fn powC(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (x == 0.0) { // a GPU's pow(0, y) need not give 0 or infinity: C's rules, the sign kept for odd integral y
    var infBits = 0x7f800000u;
    let m = select(bitcast<f32>(infBits), 0.0, y > 0.0);
    let negative = (bitcast<u32>(x) & 0x80000000u) != 0u;
    return select(m, -m, negative && floor(y) == y && fract(y * 0.5) != 0.0);
  }
  if (x >= 0.0) { return pow(x, y); }
  if (floor(y) != y) { var nanBits = 0x7fc00000u; return bitcast<f32>(nanBits); } // a var: a NaN constant does not compile
  let m = pow(-x, y);
  if (fract(y * 0.5) != 0.0) { return -m; }
  return m;
}
`;

const EXPRESSIONS: Record<BinaryOp, string> = {
  add: 'x + y', sub: 'x - y', mul: 'x * y', div: 'x / y', maximum: 'max(x, y)', minimum: 'min(x, y)', pow: 'powC(x, y)',
  eq: 'f32(x == y)', ne: 'f32(x != y)', gt: 'f32(x > y)', ge: 'f32(x >= y)', lt: 'f32(x < y)', le: 'f32(x <= y)',
};

/** The element offsets of a and b for output element i: meta is [n, rank, outShape.., aStrides.., bStrides..]. */
export const BROADCAST_INDEX = /* wgsl */ `
  let rank = p[1];
  var rem = i;
  var ia = 0u;
  var ib = 0u;
  for (var k = 0u; k < rank; k++) {
    let d = rank - 1u - k;
    let size = p[2u + d];
    let idx = rem % size;
    rem = rem / size;
    ia += idx * p[2u + rank + d];
    ib += idx * p[2u + 2u * rank + d];
  }
`;

/** a op b broadcast to `shape`, a new device tensor of `dtype` (float32 inputs; comparisons give 1 or 0). */
export function binary(op: BinaryOp, a: DeviceTensor, b: DeviceTensor, shape: readonly number[], dtype: DType): DeviceTensor {
  const context = contextOf(op, 'float32', a, b);
  const outType = wgslType(deviceDType(op, dtype));
  const out = DeviceTensor.empty(context, shape, deviceDType(op, dtype));
  const params = [numelOf(shape), shape.length, ...shape, ...broadcastStrides(a.shape, shape), ...broadcastStrides(b.shape, shape)];
  runPerItem(context, `binary:${op}:${outType}`, () => PRELUDE + POW + bindings([['A', 'f32', false], ['B', 'f32', false], ['O', outType, true]]) + perItem(`${BROADCAST_INDEX}
  let x = A[ia];
  let y = B[ib];
  O[i] = ${outType}(${EXPRESSIONS[op]});`), params, [a.buffer, b.buffer, out.buffer]);
  return out;
}

/** a + b of one shape (the tape's gradient sum). */
export function add(a: DeviceTensor, b: DeviceTensor): DeviceTensor {
  return binary('add', a, b, a.shape, a.dtype);
}

/** x copied to a larger shape it broadcasts to. */
export function broadcastTo(x: DeviceTensor, shape: readonly number[]): DeviceTensor {
  const context = contextOf('broadcastTo', x.dtype, x);
  const type = wgslType(x.dtype);
  const out = DeviceTensor.empty(context, shape, x.dtype);
  const strides = broadcastStrides(x.shape, shape);
  // the index helper reads two stride lists: x's given twice
  runPerItem(context, `broadcastTo:${type}`, () => PRELUDE + bindings([['X', type, false], ['O', type, true]]) + perItem(`${BROADCAST_INDEX}
  O[i] = X[ia];`), [numelOf(shape), shape.length, ...shape, ...strides, ...strides], [x.buffer, out.buffer]);
  return out;
}

/** A new device tensor of `shape` on `context` filled with value (an int32 store truncates toward zero). */
export function full(context: WebGPUContext, shape: readonly number[], value: number, dtype: DType): DeviceTensor {
  const d = deviceDType('full', dtype);
  const out = DeviceTensor.empty(context, shape, d);
  const type = wgslType(d);
  const word = d === 'int32' ? Math.trunc(value) >>> 0 : f32Bits(value);
  runPerItem(context, `full:${type}`, () => PRELUDE + bindings([['O', type, true]]) + perItem(`  O[i] = bitcast<${type}>(p[1]);`), [out.numel, word], [out.buffer]);
  return out;
}

/** self += scale·other in place, other broadcast to self's shape. */
export function addInPlace(self: DeviceTensor, other: DeviceTensor, scale: number): void {
  const context = contextOf('addInPlace', 'float32', self, other);
  const strides = broadcastStrides(other.shape, self.shape);
  runPerItem(context, 'addInPlace', () => PRELUDE + bindings([['S', 'f32', true], ['B', 'f32', false]]) + perItem(`${BROADCAST_INDEX}
  S[i] = S[i] + pf(2u + 3u * rank) * B[ib];`), [self.numel, self.shape.length, ...self.shape, ...strides, ...strides, f32Bits(scale)], [self.buffer, other.buffer]);
}

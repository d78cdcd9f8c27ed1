import type { DType } from '../../dtype.js';
import { numelOf } from '../../shape.js';
import type { BinaryOp, LogicalOp } from '../elementwise.js';
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
  eq: 'x == y', ne: 'x != y', gt: 'x > y', ge: 'x >= y', lt: 'x < y', le: 'x <= y',
};

const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

/**
 * A float32 comparison that gives IEEE's answer for NaN (only ne is true): a GPU compiler may treat every compare
 * as ordered (SwiftShader calls NaN != NaN false), so NaN is tested on the bits.
 */
function floatComparison(op: BinaryOp): string {
  const nan = '(isNan(x) || isNan(y))';
  return op === 'ne' ? `(${nan} || x != y)` : `(!${nan} && ${EXPRESSIONS[op]})`;
}

const IS_NAN = /* wgsl */ `
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
`;

/** The ops an int32 or bool pair can take on the device: the integral ones (bool add is a logical or, as the CPU's). */
const INTEGRAL_OPS = new Set<BinaryOp>(['add', 'sub', 'mul', 'maximum', 'minimum', ...COMPARISONS]);

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

/**
 * a op b broadcast to `shape`, a new device tensor of `dtype`. a and b share one dtype: float32, or int32/bool for
 * the integral ops (on bool, add is a logical or as on the CPU); a comparison's result is 1 or 0 (bool words when
 * `dtype` is 'bool').
 */
export function binary(op: BinaryOp, a: DeviceTensor, b: DeviceTensor, shape: readonly number[], dtype: DType): DeviceTensor {
  const inDtype = deviceDType(op, a.dtype);
  if (inDtype !== 'float32' && !INTEGRAL_OPS.has(op)) {
    throw new TypeError(`${op}: expected float32 device tensors, got ${inDtype} (on 'webgpu' int32 and bool take ${[...INTEGRAL_OPS].join(', ')})`);
  }
  const context = contextOf(op, inDtype, a, b);
  const outDtype = deviceDType(op, dtype);
  const [inType, outType] = [wgslType(inDtype), wgslType(outDtype)];
  const out = DeviceTensor.empty(context, shape, outDtype);
  const params = [numelOf(shape), shape.length, ...shape, ...broadcastStrides(a.shape, shape), ...broadcastStrides(b.shape, shape)];
  const kind = inDtype === 'bool' && op === 'add' ? 'maximum' : op;
  const expression = COMPARISONS.has(op) && inDtype === 'float32' ? floatComparison(op) : EXPRESSIONS[kind];
  runPerItem(context, `binary:${op}:${inType}:${outType}`, () => PRELUDE + IS_NAN + POW + bindings([['A', inType, false], ['B', inType, false], ['O', outType, true]]) + perItem(`${BROADCAST_INDEX}
  let x = A[ia];
  let y = B[ib];
  O[i] = ${COMPARISONS.has(op) ? `select(${outType}(0), ${outType}(1), ${expression})` : `${outType}(${expression})`};`), params, [a.buffer, b.buffer, out.buffer]);
  return out;
}

const LOGICAL: Record<LogicalOp, string> = { and: 'x & y', or: 'x | y', xor: 'x ^ y' };

/** logicalAnd/Or/Xor of two bool device tensors broadcast to `shape`, a new bool device tensor. */
export function logical(op: LogicalOp, a: DeviceTensor, b: DeviceTensor, shape: readonly number[]): DeviceTensor {
  const name = `logical${op[0].toUpperCase()}${op.slice(1)}`;
  const context = contextOf(name, 'bool', a, b);
  const out = DeviceTensor.empty(context, shape, 'bool');
  const params = [numelOf(shape), shape.length, ...shape, ...broadcastStrides(a.shape, shape), ...broadcastStrides(b.shape, shape)];
  // the words are 0/1, so the bitwise operators are the logical ones
  runPerItem(context, `logical:${op}`, () => PRELUDE + bindings([['A', 'u32', false], ['B', 'u32', false], ['O', 'u32', true]]) + perItem(`${BROADCAST_INDEX}
  let x = A[ia];
  let y = B[ib];
  O[i] = ${LOGICAL[op]};`), params, [a.buffer, b.buffer, out.buffer]);
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

/** A new device tensor of `shape` on `context` filled with value (an int32 store truncates toward zero, a bool stores nonzero, NaN too, as 1). */
export function full(context: WebGPUContext, shape: readonly number[], value: number, dtype: DType): DeviceTensor {
  const d = deviceDType('full', dtype);
  const out = DeviceTensor.empty(context, shape, d);
  const type = wgslType(d);
  const word = d === 'int32' ? Math.trunc(value) >>> 0 : d === 'bool' ? Number(value !== 0) : f32Bits(value);
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

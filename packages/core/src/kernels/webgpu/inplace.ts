import { broadcastStrides } from '../elementwise.js';
import { cast } from './convert.js';
import { BROADCAST_INDEX, full } from './elementwise.js';
import type { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem, wgslType } from './wgsl.js';

/** The WebGPU backend's in-place scalar updates, fill and copy: the entries of kernels/cpu/elementwise.ts ending in `_`. */

const SCALAR_OPS = { add: 'S[i] + v', mul: 'S[i] * v', div: 'S[i] / v' } as const;

/** self[i] op= value; on an int32 self (add and mul, the value then an integer) i32 arithmetic wraps, as the CPU's. */
function scalarInPlace(op: keyof typeof SCALAR_OPS, self: DeviceTensor, value: number): void {
  const dtype = op !== 'div' && self.dtype === 'int32' ? 'int32' : 'float32';
  const context = contextOf(`${op}Scalar_`, dtype, self);
  const type = wgslType(dtype);
  const word = dtype === 'int32' ? value >>> 0 : f32Bits(value);
  runPerItem(context, `${op}Scalar_:${type}`, () => PRELUDE + bindings([['S', type, true]]) + perItem(`
  let v = bitcast<${type}>(p[1]);
  S[i] = ${SCALAR_OPS[op]};`), [self.numel, word], [self.buffer]);
}

/** self[i] += value (float32, or int32 with an integer value). */
export function addScalar_(self: DeviceTensor, value: number): void {
  scalarInPlace('add', self, value);
}

/** self[i] *= value (float32, or int32 with an integer value). */
export function mulScalar_(self: DeviceTensor, value: number): void {
  scalarInPlace('mul', self, value);
}

/** self[i] /= value (a division, as the CPU's). */
export function divScalar_(self: DeviceTensor, value: number): void {
  scalarInPlace('div', self, value);
}

/** Every element set to value (an int32 store truncates toward zero, a bool one stores nonzero as 1). */
export function fill_(self: DeviceTensor, value: number): void {
  const value_ = full(self.context, [], value, self.dtype);
  copy_(self, value_);
  value_.release();
}

/** self's values replaced by src broadcast to self's shape (same dtype; into a bool self, src is first cast to bool, as on the CPU). */
export function copy_(self: DeviceTensor, src: DeviceTensor): void {
  if (self.dtype === 'bool' && src.dtype !== 'bool') {
    const values = cast(src, 'bool');
    copy_(self, values);
    values.release();
    return;
  }
  const context = contextOf('copy_', self.dtype, self, src);
  const type = wgslType(self.dtype);
  const strides = broadcastStrides(src.shape, self.shape);
  // the index helper reads two stride lists: src's given twice
  runPerItem(context, `copy_:${type}`, () => PRELUDE + bindings([['S', type, true], ['B', type, false]]) + perItem(`${BROADCAST_INDEX}
  S[i] = B[ia];`), [self.numel, self.shape.length, ...self.shape, ...strides, ...strides], [self.buffer, src.buffer]);
}

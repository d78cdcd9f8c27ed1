import { broadcastStrides } from '../elementwise.js';
import { BROADCAST_INDEX, full } from './elementwise.js';
import type { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem, wgslType } from './wgsl.js';

/** The WebGPU backend's in-place scalar updates, fill and copy: the entries of kernels/cpu/elementwise.ts ending in `_`. */

const SCALAR_OPS = { add: 'S[i] + pf(1u)', mul: 'S[i] * pf(1u)', div: 'S[i] / pf(1u)' } as const;

function scalarInPlace(op: keyof typeof SCALAR_OPS, self: DeviceTensor, value: number): void {
  const context = contextOf(`${op}Scalar_`, 'float32', self);
  runPerItem(context, `${op}Scalar_`, () => PRELUDE + bindings([['S', 'f32', true]]) + perItem(`  S[i] = ${SCALAR_OPS[op]};`), [self.numel, f32Bits(value)], [self.buffer]);
}

/** self[i] += value. */
export function addScalar_(self: DeviceTensor, value: number): void {
  scalarInPlace('add', self, value);
}

/** self[i] *= value. */
export function mulScalar_(self: DeviceTensor, value: number): void {
  scalarInPlace('mul', self, value);
}

/** self[i] /= value (a division, as the CPU's). */
export function divScalar_(self: DeviceTensor, value: number): void {
  scalarInPlace('div', self, value);
}

/** Every element set to value (an int32 store truncates toward zero). */
export function fill_(self: DeviceTensor, value: number): void {
  const value_ = full(self.context, [], value, self.dtype);
  copy_(self, value_);
  value_.release();
}

/** self's values replaced by src broadcast to self's shape (same dtype). */
export function copy_(self: DeviceTensor, src: DeviceTensor): void {
  const context = contextOf('copy_', self.dtype, self, src);
  const type = wgslType(self.dtype);
  const strides = broadcastStrides(src.shape, self.shape);
  // the index helper reads two stride lists: src's given twice
  runPerItem(context, `copy_:${type}`, () => PRELUDE + bindings([['S', type, true], ['B', type, false]]) + perItem(`${BROADCAST_INDEX}
  S[i] = B[ia];`), [self.numel, self.shape.length, ...self.shape, ...strides, ...strides], [self.buffer, src.buffer]);
}

import type { DType } from '../../dtype.js';
import { broadcastTo } from './elementwise.js';
import { DeviceTensor, deviceDType } from './storage.js';
import { PRELUDE, bindings, contextOf, perItem, runPerItem, wgslType } from './wgsl.js';

/** The WebGPU backend's dtype conversion: the table's cast on device tensors. */

/** How element `X[i]` of each source type becomes a bool word: nonzero is true, NaN too (tested on the bits). */
const TO_BOOL = { f32: 'u32((bitcast<u32>(X[i]) & 0x7fffffffu) != 0u)', i32: 'u32(X[i] != 0)', u32: 'X[i]' } as const;

/**
 * A new device tensor of `dtype` with x's values: float32 to int32 truncates toward zero, as the CPU's cast; to bool,
 * nonzero (NaN included) is true; a bool becomes 0 or 1.
 */
export function cast(x: DeviceTensor, dtype: DType): DeviceTensor {
  const to = deviceDType('cast', dtype);
  if (to === x.dtype) return broadcastTo(x, x.shape);
  const context = contextOf('cast', x.dtype, x);
  const out = DeviceTensor.empty(context, x.shape, to);
  const [from, into] = [wgslType(x.dtype), wgslType(to)];
  const value = to === 'bool' ? TO_BOOL[from] : `${into}(X[i])`;
  runPerItem(context, `cast:${from}:${into}`, () => PRELUDE + bindings([['X', from, false], ['O', into, true]]) + perItem(`  O[i] = ${value};`),
    [x.numel], [x.buffer, out.buffer]);
  return out;
}


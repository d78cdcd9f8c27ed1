import type { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem, wgslType } from './wgsl.js';

/**
 * The WebGPU backend's host check of indices (class indices in crossEntropy and nllLoss, gather and scatter bounds).
 * The CPU's findOutOfRange answers at once; on the device nothing waits for a readback, so a kernel finds the first
 * element outside [low, high) and the next read throws if there was one (the op itself went on: null is returned).
 */
export function findOutOfRange(x: DeviceTensor, low: number, high: number, except: number | null = null): null {
  const context = contextOf('findOutOfRange', x.dtype, x);
  const type = wgslType(x.dtype);
  const result = context.acquire(8);
  const skip = except === null ? 'false' : 'v == pf(3u)';
  runPerItem(context, `findOutOfRange:${type}:${except !== null}`, () => PRELUDE + bindings([['X', type, false], ['R', 'i32', true]]) + perItem(`
  var found = -1;
  var bad = 0.0;
  for (var k = 0u; k < p[4]; k++) {
    let v = f32(X[k]);
    if (!(v >= pf(1u) && v < pf(2u)) && !(${skip})) { found = i32(k); bad = v; break; }
  }
  R[0] = found;
  R[1] = bitcast<i32>(bad);`), [1, f32Bits(low), f32Bits(high), f32Bits(except ?? 0), x.numel], [x.buffer, result]);
  const allowed = `[${low}, ${high})${except === null ? '' : ` or ${except}`}`;
  context.deferCheck(result, (index, value) =>
    `an index check on 'webgpu' (class indices of crossEntropy/nllLoss, gather or scatter indices) failed: ${value} at flat index ${index} ` +
    `is outside ${allowed}; the check ran on the device, so it is reported at this read and the values computed from it are wrong`);
  return null;
}

/**
 * detectAnomaly's check on the device: like findOutOfRange, a kernel finds the first NaN or infinity (tested on the
 * bits) and the next read throws, naming the value, its flat index and the output's shape; the op goes on (null).
 */
export function findNonFinite(x: DeviceTensor, producedBy = 'an op'): null {
  if (x.dtype !== 'float32') return null; // int32 and bool are always finite
  const context = contextOf('findNonFinite', 'float32', x);
  const result = context.acquire(8);
  runPerItem(context, 'findNonFinite', () => PRELUDE + bindings([['X', 'f32', false], ['R', 'i32', true]]) + perItem(`
  var found = -1;
  var bad = 0.0;
  for (var k = 0u; k < p[1]; k++) {
    let v = X[k];
    if ((bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u) { found = i32(k); bad = v; break; }
  }
  R[0] = found;
  R[1] = bitcast<i32>(bad);`), [1, x.numel], [x.buffer, result]);
  const shape = `[${x.shape.join(', ')}]`;
  context.deferCheck(result, (index, value) =>
    `detectAnomaly: ${producedBy} on 'webgpu' produced ${value} at flat index ${index} of an output with shape ${shape}; the check ran ` +
    'on the device, so it is reported at this read, not where the op ran (run the step on the CPU to have it thrown there)');
  return null;
}

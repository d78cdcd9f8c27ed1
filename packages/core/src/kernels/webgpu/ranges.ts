import { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, perItem, runPerItem } from './wgsl.js';

/**
 * The WebGPU backend's one-hot encoding (kernels/cpu/ranges.ts's oneHot), and the two entries of that file whose
 * answer the host needs at once, which a device cannot give without a synchronous readback: each throws naming
 * the asynchronous route.
 */

/** int32 [...indices.shape, classes]: 1 at each index's class (the indices checked in range by the op). */
export function oneHot(indices: DeviceTensor, classes: number): DeviceTensor {
  const context = contextOf('oneHot', 'int32', indices);
  const out = DeviceTensor.empty(context, [...indices.shape, classes], 'int32');
  runPerItem(context, 'oneHot', () => PRELUDE + bindings([['I', 'i32', false], ['O', 'i32', true]]) + perItem(`
  O[i] = select(0, 1, I[i / p[1]] == i32(i % p[1]));`), [out.numel, classes], [indices.buffer, out.buffer]);
  return out;
}

/** oneHot's class count from the indices (numClasses -1) and scatter's duplicate check read the largest value on the host. */
export function maxElement(x: DeviceTensor): never {
  contextOf('maxElement', x.dtype, x);
  throw new Error(
    "maxElement: this op needs the largest value of a tensor on 'webgpu' on the host, which WebGPU reads only asynchronously: " +
    'pass the size explicitly (e.g. oneHot\'s numClasses), or move the tensor first with `await x.cpu()`');
}

/** Boolean-mask indexing: the result's length is the number of nonzero mask elements, known only after a read. */
export function nonzeroFlat(mask: DeviceTensor): never {
  contextOf('nonzeroFlat', mask.dtype, mask);
  throw new Error(
    "nonzeroFlat: the size of this op's result (the nonzero positions of a mask on 'webgpu') depends on the mask's values, " +
    'which WebGPU reads only asynchronously: move the mask (or the tensor) first with `await t.cpu()`, or use where(mask, x, 0)');
}

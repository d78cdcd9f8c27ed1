import { type Device, Tensor } from '../../tensor.js';
import { empty } from './output.js';
import type { DType } from '../../dtype.js';
import { countNonzeroLoop, cyclicRangeLoop, maxLoop, nonzeroLoop, oneHotLoop, randpermLoop, triangleMaskLoop } from '../ranges.js';

/** The CPU backend's entries for index ranges, triangular masks, one-hot encodings and permutations (kernels/ranges.ts). */

/** int32 [n]: (start + i·step) mod n. The device is the router's (kernels/backend.ts): this entry always makes a CPU tensor. */
export function cyclicRange(n: number, start: number, step: number, _device: Device = 'cpu'): Tensor {
  const out = empty([n], 'int32');
  cyclicRangeLoop(out.data as Int32Array, start, step);
  return out;
}

/** [rows, cols] of 1 on one side of the diagonal (itself included), 0 elsewhere, in `dtype`. The device is the router's (kernels/backend.ts): this entry always makes a CPU tensor. */
export function triangleMask(rows: number, cols: number, diagonal: number, upper: boolean, dtype: DType, _device: Device = 'cpu'): Tensor {
  const out = empty([rows, cols], dtype);
  triangleMaskLoop(out.data, rows, cols, diagonal, upper);
  return out;
}

/** int32 [...indices.shape, classes]; the indices are checked in range by the op. */
export function oneHot(indices: Tensor, classes: number): Tensor {
  const out = empty([...indices.shape, classes], 'int32');
  oneHotLoop(out.data as Int32Array, indices.data as Int32Array, classes);
  return out;
}

/** The largest element as a number, read back on the host (-Infinity for an empty tensor). */
export function maxElement(x: Tensor): number {
  return maxLoop(x.data);
}

/** A permutation of 0..n-1 as [n] of `dtype`, drawn from `random`. The device is the router's (kernels/backend.ts): this entry always makes a CPU tensor. */
export function randperm(n: number, dtype: DType, random: () => number, _device: Device = 'cpu'): Tensor {
  const out = empty([n], dtype);
  randpermLoop(out.data, random);
  return out;
}

/** int32 [k]: the flat positions of the k nonzero elements of mask (its size depends on the values: a host read). */
export function nonzeroFlat(mask: Tensor): Tensor {
  const out = empty([countNonzeroLoop(mask.data)], 'int32');
  nonzeroLoop(mask.data, out.data as Int32Array);
  return out;
}

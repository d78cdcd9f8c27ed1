import type { Device, Tensor } from '../../tensor.js';
import { empty } from './output.js';
import type { DType } from '../../dtype.js';
import { fillLowerTriangle, fillRange } from '../sequence.js';

// The CPU backend's entries for the sequence ops: new tensors filled by the plain loops of kernels/sequence.ts.

/** [count] of start, start + step, ... The device is the router's (kernels/backend.ts): this entry always makes a CPU tensor. */
export function range(start: number, count: number, step: number, dtype: DType, _device: Device = 'cpu'): Tensor {
  const out = empty([count], dtype);
  fillRange(out.data, start, step);
  return out;
}

/** int32 [rows, cols], 1 on and below the diagonal. The device is the router's (kernels/backend.ts): this entry always makes a CPU tensor. */
export function lowerTriangleMask(rows: number, cols: number, _device: Device = 'cpu'): Tensor {
  const out = empty([rows, cols], 'int32');
  fillLowerTriangle(out.data, rows, cols);
  return out;
}

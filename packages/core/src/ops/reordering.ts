import { Tensor } from '../tensor.js';
import { normalizeDim, normalizeDims } from '../shape.js';
import { rejectExtraArguments } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { indexSelect } from './indexing.js';
import { reshape } from './shape.js';

/** flip and roll: an indexSelect along each dim with an index range from the table, so the gradient is indexSelect's. */

function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/** torch.flip: the order of elements reversed along each of dims. */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  rejectExtraArguments('flip', 2, arguments.length);
  checkInput('flip', x);
  if (dims === undefined) throw new TypeError('flip: dims is required');
  let out = x;
  for (const d of new Set(normalizeDims('flip', dims, x.ndim))) {
    const n = x.shape[d];
    out = indexSelect(out, d, kernels.cyclicRange(n, n - 1, -1, x.device));
  }
  return out === x ? reshape(x, x.shape) : out;
}

/**
 * torch.roll: elements shifted by shifts[i] along dims[i], wrapping around; without dims the flattened tensor is
 * rolled and reshaped back.
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  rejectExtraArguments('roll', 3, arguments.length);
  checkInput('roll', x);
  if (typeof shifts !== 'number' && !Array.isArray(shifts)) throw new TypeError(`roll: shifts must be a number or an array of numbers, got ${typeof shifts}`);
  const shiftList = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (shiftList.some((s) => !Number.isInteger(s))) throw new TypeError(`roll: expected integer shifts, got ${JSON.stringify(shifts)}`);
  if (dims === undefined || dims === null) {
    if (shiftList.length !== 1) throw new Error(`roll: without dims, expected one shift, got ${shiftList.length}`);
    return reshape(roll(reshape(x, [x.numel()]), shiftList[0], 0), x.shape);
  }
  if (typeof dims !== 'number' && !Array.isArray(dims)) throw new TypeError(`roll: dims must be a number or an array of numbers, got ${typeof dims}`);
  const dimList = typeof dims === 'number' ? [dims] : [...dims];
  if (dimList.length !== shiftList.length) throw new Error(`roll: got ${shiftList.length} shifts for ${dimList.length} dims`);
  let out = x;
  dimList.forEach((dim, i) => {
    const d = normalizeDim('roll', dim, x.ndim);
    const n = x.shape[d];
    if (n > 0) out = indexSelect(out, d, kernels.cyclicRange(n, -shiftList[i], 1, x.device));
  });
  return out === x ? reshape(x, x.shape) : out;
}

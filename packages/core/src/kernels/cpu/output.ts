import { Tensor } from '../../tensor.js';
import { MAX_NUMEL, empty as checkedEmpty } from '../../creation.js';
import { type DType, allocate } from '../../dtype.js';

/**
 * A zero-filled tensor for a kernel's output. The shapes here come from the ops, so this skips the user-facing
 * empty()'s argument handling (varargs, a shape copy, a try/catch, on every op call) and only walks the dims once;
 * a dim that is not a non-negative integer, or a size past MAX_NUMEL, goes to empty() for its error.
 */
export function empty(shape: readonly number[], dtype: DType): Tensor {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!(Number.isInteger(d) && d >= 0)) return checkedEmpty(shape, dtype);
    n *= d;
  }
  if (n > MAX_NUMEL) return checkedEmpty(shape, dtype);
  return new Tensor(allocate(dtype, n), shape);
}

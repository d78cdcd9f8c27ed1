import { Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { rejectExtraArguments } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { where } from './compare.js';

/** Triangular parts (a where over a mask from the table, so -Infinity below the diagonal still gives 0) and oneHot. */

function triangle(op: string, x: Tensor, diagonal: number, upper: boolean): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.ndim < 2) throw new Error(`${op}: expected a tensor with at least 2 dimensions, got shape ${formatShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new TypeError(`${op}: diagonal must be an integer, got ${JSON.stringify(diagonal)}`);
  const [rows, cols] = x.shape.slice(-2);
  return where(kernels.triangleMask(rows, cols, diagonal, upper, 'int32', x.device), x, kernels.full([], 0, x.dtype));
}

/** torch.triu: the elements on and above the diagonal `diagonal` (0 the main one, > 0 above it) of the last two dims. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  rejectExtraArguments('triu', 2, arguments.length);
  return triangle('triu', x, diagonal, true);
}

/** torch.tril: the elements on and below the diagonal `diagonal` of the last two dims. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  rejectExtraArguments('tril', 2, arguments.length);
  return triangle('tril', x, diagonal, false);
}

/**
 * torch.nn.functional.one_hot: int32 [...shape, numClasses] with a 1 at each index (PyTorch returns int64; int32 is
 * this library's integer dtype). numClasses -1 (the default) means one more than the largest index.
 */
export function oneHot(indices: Tensor, numClasses = -1): Tensor {
  rejectExtraArguments('oneHot', 2, arguments.length);
  if (!(indices instanceof Tensor) || indices.dtype !== 'int32') {
    throw new TypeError(`oneHot: expected an int32 tensor of class indices, got ${indices instanceof Tensor ? indices.dtype : typeof indices}`);
  }
  if (!Number.isInteger(numClasses) || numClasses < -1) throw new Error(`oneHot: numClasses must be a non-negative integer or -1, got ${numClasses}`);
  const classes = numClasses === -1 ? Math.max(0, kernels.maxElement(indices) + 1) : numClasses;
  const bad = kernels.findOutOfRange(indices, 0, classes);
  if (bad) throw new Error(`oneHot: class index ${bad.value} at position ${bad.index} is out of range for ${classes} classes`);
  return kernels.oneHot(indices, classes);
}

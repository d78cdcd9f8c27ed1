import { Tensor } from '../tensor.js';
import { formatShape, normalizeDim } from '../shape.js';
import { rejectExtraArguments } from '../options.js';
import { slice } from './indexing.js';

/** chunk and split: slices along one dim (copies here; each one's gradient flows back to its part). */

function checkInput(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${x === null ? 'null' : typeof x}`);
  if (x.ndim === 0) throw new Error(`${op}: expected a tensor with at least one dimension, got a 0-d tensor`);
}

function pieces(x: Tensor, d: number, sizes: readonly number[]): Tensor[] {
  const out: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(slice(x, d, start, start + s));
    start += s;
  }
  return out;
}

/**
 * torch.split: pieces of `splitSize` along dim (the last one smaller if it does not divide), or of the given
 * sizes, which must add up to the dim's size.
 */
export function split(x: Tensor, splitSizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  rejectExtraArguments('split', 3, arguments.length);
  checkInput('split', x);
  const d = normalizeDim('split', dim, x.ndim);
  const n = x.shape[d];
  if (typeof splitSizeOrSections === 'number') {
    const size = splitSizeOrSections;
    if (!Number.isInteger(size) || size < 0 || (size === 0 && n > 0)) throw new Error(`split: splitSize must be a positive integer, got ${size}`);
    const sizes: number[] = [];
    for (let start = 0; start < n; start += size) sizes.push(Math.min(size, n - start));
    return pieces(x, d, sizes.length ? sizes : [0]);
  }
  if (!Array.isArray(splitSizeOrSections) || splitSizeOrSections.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new TypeError(`split: expected a split size or an array of non-negative integer sizes, got ${JSON.stringify(splitSizeOrSections)}`);
  }
  const total = splitSizeOrSections.reduce((a, b) => a + b, 0);
  if (total !== n) {
    throw new Error(`split: sizes ${formatShape(splitSizeOrSections)} add up to ${total} but dim ${dim} of shape ${formatShape(x.shape)} has size ${n}`);
  }
  return pieces(x, d, splitSizeOrSections);
}

/** torch.chunk: at most `chunks` pieces of ceil(size / chunks) along dim (fewer when that runs out first). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  rejectExtraArguments('chunk', 3, arguments.length);
  checkInput('chunk', x);
  if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  const d = normalizeDim('chunk', dim, x.ndim);
  return split(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

import { Tensor } from '../tensor.js';
import { formatShape, normalizeDim, numelOf } from '../shape.js';
import { checkOptionKeys, rejectExtraArguments } from '../options.js';
import { expand, reshape } from './shape.js';

/** Reshapes, repeats and grids written as compositions of reshape and expand, whose gradients they inherit. */

function checkTensor(op: string, x: unknown, what = 'input'): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor ${what}, got ${x === null ? 'null' : typeof x}`);
}

function sizesOf(op: string, args: unknown[]): number[] {
  const list = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  if (list.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
    throw new TypeError(`${op}: expected non-negative integer sizes (as numbers or one array), got ${JSON.stringify(list)}`);
  }
  return list as number[];
}

/** torch.Tensor.view_as: x reshaped to other's shape. */
export function viewAs(x: Tensor, other: Tensor): Tensor {
  rejectExtraArguments('viewAs', 2, arguments.length);
  checkTensor('viewAs', x);
  checkTensor('viewAs', other, 'other');
  return reshape(x, other.shape);
}

/** torch.unflatten: dim `dim` split into `sizes` (one of them may be -1). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  rejectExtraArguments('unflatten', 3, arguments.length);
  checkTensor('unflatten', x);
  const d = normalizeDim('unflatten', dim, x.ndim);
  if (!Array.isArray(sizes) || sizes.length === 0) throw new TypeError(`unflatten: expected a non-empty array of sizes, got ${JSON.stringify(sizes)}`);
  const known = numelOf(sizes.filter((s) => s !== -1));
  const filled = sizes.map((s) => (s === -1 && known > 0 ? x.shape[d] / known : s));
  if (numelOf(filled) !== x.shape[d] || filled.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new Error(`unflatten: sizes ${formatShape(sizes)} do not multiply to the size ${x.shape[d]} of dim ${dim} of shape ${formatShape(x.shape)}`);
  }
  return reshape(x, [...x.shape.slice(0, d), ...filled, ...x.shape.slice(d + 1)]);
}

/**
 * torch.Tensor.repeat: the tensor tiled `sizes[i]` times along dim i (sizes may have more dims than x: x gets
 * leading size-1 dims). Interleaving a size-1 dim before each dim and expanding it does the copies.
 */
export function repeat(x: Tensor, ...sizes: number[] | [readonly number[]]): Tensor {
  checkTensor('repeat', x);
  const reps = sizesOf('repeat', sizes);
  if (reps.length < x.ndim) {
    throw new Error(`repeat: got ${reps.length} repeat counts for a tensor of shape ${formatShape(x.shape)}; need at least ${x.ndim}`);
  }
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  const interleaved = shape.flatMap((s) => [1, s]);
  const expanded = shape.flatMap((s, i) => [reps[i], s]);
  return reshape(expand(reshape(x, interleaved), expanded), shape.map((s, i) => s * reps[i]));
}

/** torch.tile: repeat, with fewer repeat counts than dims meaning 1 for the leading ones. */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  rejectExtraArguments('tile', 2, arguments.length);
  checkTensor('tile', x);
  const reps = sizesOf('tile', [dims]);
  return repeat(x, [...new Array<number>(Math.max(0, x.ndim - reps.length)).fill(1), ...reps]);
}

/** Options of meshgrid: the indexing convention. */
export interface MeshgridOptions {
  /** 'ij' (matrix, PyTorch's default): output i varies along dim i; 'xy' (Cartesian) swaps the first two. */
  indexing?: 'ij' | 'xy';
}

/** torch.meshgrid of 1-D (or 0-D) tensors: one tensor per input, each expanded over the grid of all of them. */
export function meshgrid(...args: (Tensor | readonly Tensor[] | MeshgridOptions)[]): Tensor[] {
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && !(last instanceof Tensor) && !Array.isArray(last);
  const options = (hasOptions ? last : {}) as MeshgridOptions;
  checkOptionKeys('meshgrid', options, ['indexing']);
  const rest = hasOptions ? args.slice(0, -1) : args;
  const tensors = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as unknown[];
  if (tensors.length === 0) throw new Error('meshgrid: expected at least one tensor');
  tensors.forEach((t, i) => {
    checkTensor('meshgrid', t, `at position ${i}`);
    if (t.ndim > 1) throw new Error(`meshgrid: expected 0-D or 1-D tensors, got shape ${formatShape(t.shape)} at position ${i}`);
  });
  const indexing = options.indexing ?? 'ij';
  if (indexing !== 'ij' && indexing !== 'xy') throw new Error(`meshgrid: indexing must be 'ij' or 'xy', got ${JSON.stringify(indexing)}`);
  const list = tensors as Tensor[];
  const swap = indexing === 'xy' && list.length >= 2;
  // grid dim of input i: with 'xy' the first two inputs trade places
  const gridDim = (i: number) => (swap && i < 2 ? 1 - i : i);
  const sizes = list.map((t) => t.numel());
  const gridShape = list.map((_, d) => sizes[list.findIndex((__, i) => gridDim(i) === d)]);
  return list.map((t, i) => {
    const shape = gridShape.map((_, d) => (d === gridDim(i) ? sizes[i] : 1));
    return expand(reshape(t, shape), gridShape);
  });
}

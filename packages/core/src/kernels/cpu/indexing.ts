import type { Tensor } from '../../tensor.js';
import { empty } from './output.js';
import { type DType, storedValue } from '../../dtype.js';
import { stridesOf } from '../../shape.js';
import { gatherAxis, indexAddAxis, indexSelectAxis, scatterAddAxis } from '../copy.js';
import { permuteCopy, stridedCopy } from '../permute.js';

/** The CPU backend's copies: strided windows, concatenation, permutes, and indexed reads with their adjoints. */

/**
 * A new tensor of outShape filled with `fill`, with the window `shape` of src (element idx at srcOffset + Σ idx·srcStrides)
 * written at outOffset + Σ idx·outStrides. slice/select read a window, their gradients and pad write one.
 */
export function copyWindow(
  src: Tensor, shape: readonly number[], srcOffset: number, srcStrides: readonly number[],
  outShape: readonly number[], outOffset: number, outStrides: readonly number[], fill: number,
): Tensor {
  const out = empty(outShape, src.dtype);
  if (fill !== 0) out.data.fill(storedValue(fill, src.dtype)); // a bool pad stores any nonzero value as true
  stridedCopy(shape, src.data, srcOffset, srcStrides, out.data, outOffset, outStrides);
  return out;
}

/** The window `shape` at offset/strides of src as a new contiguous tensor. */
export function readWindow(src: Tensor, shape: readonly number[], offset: number, strides: readonly number[]): Tensor {
  return copyWindow(src, shape, offset, strides, shape, 0, stridesOf(shape), 0);
}

/**
 * Each part seen as [outer, widths[k]] written side by side into a new tensor of `shape` seen as [outer, Σ widths]:
 * the layout of a concatenation along one axis once everything after that axis is folded into the widths.
 */
export function concat(parts: readonly Tensor[], outer: number, widths: readonly number[], shape: readonly number[], dtype: DType): Tensor {
  const out = empty(shape, dtype);
  const total = widths.reduce((a, b) => a + b, 0);
  let column = 0;
  parts.forEach((p, k) => {
    stridedCopy([outer, widths[k]], p.data, 0, [widths[k], 1], out.data, column, [total, 1]);
    column += widths[k];
  });
  return out;
}

/** Output dimension i is input dimension perm[i]: a new contiguous tensor. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const out = empty(perm.map((d) => x.shape[d]), x.dtype);
  permuteCopy(x.data, x.shape, perm, out.data);
  return out;
}

/** torch.gather of x (seen as xShape) along dim at the int32 index (seen as indexShape); shaped like the index. */
export function gather(x: Tensor, xShape: readonly number[], dim: number, index: Tensor, indexShape: readonly number[]): Tensor {
  const out = empty(index.shape, x.dtype);
  gatherAxis(x.data, xShape, dim, index.data as Int32Array, indexShape, out.data);
  return out;
}

/** gather's adjoint: g (laid out as indexShape) added at the index into zeros of outShape (seen as viewShape). */
export function scatterAdd(
  g: Tensor, indexShape: readonly number[], dim: number, index: Tensor, outShape: readonly number[], viewShape: readonly number[],
): Tensor {
  const out = empty(outShape, g.dtype);
  scatterAddAxis(g.data, indexShape, dim, index.data as Int32Array, out.data, viewShape);
  return out;
}

/** torch.index_select on x seen as [outer, n, inner]: the slices at the int32 indices, as a new tensor of `shape`. */
export function indexSelect(x: Tensor, outer: number, n: number, inner: number, index: Tensor, shape: readonly number[]): Tensor {
  const out = empty(shape, x.dtype);
  indexSelectAxis(x.data, outer, n, inner, index.data as Int32Array, out.data);
  return out;
}

/** indexSelect's adjoint: g added at the indexed slices into zeros of inShape (seen as [outer, n, inner]). */
export function indexAdd(g: Tensor, outer: number, n: number, inner: number, index: Tensor, inShape: readonly number[]): Tensor {
  const out = empty(inShape, g.dtype);
  indexAddAxis(g.data, outer, n, inner, index.data as Int32Array, out.data);
  return out;
}

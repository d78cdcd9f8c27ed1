import type { DType } from '../../dtype.js';
import { numelOf, stridesOf } from '../../shape.js';
import { axisView } from '../reduce.js';
import { full } from './elementwise.js';
import { DeviceTensor, deviceDType } from './storage.js';
import { PRELUDE, bindings, contextOf, perItem, runPerItem, wgslType } from './wgsl.js';

/**
 * The WebGPU backend's copies and indexed reads with their adjoints (kernels/cpu/indexing.ts's entries, and
 * putAlong of kernels/cpu/reduce.ts). Copies move raw 32-bit words, so one kernel serves float32 and int32. The
 * adjoints that add (scatterAdd, indexAdd, putAlong) run one thread per output element, which walks the index
 * entries that land on it in the order the CPU loop adds them: the sums are the CPU's, with no float atomics.
 */

/** A signed integer as a parameter word. */
const word = (v: number): number => v >>> 0;

/** The multi-index walk of a strided copy: params [n, rank, shape.., srcStrides.., dstStrides.., srcOffset, dstOffset]. */
const STRIDED = /* wgsl */ `
  let rank = p[1];
  var rem = i;
  var src = bitcast<i32>(p[2u + 3u * rank]);
  var dst = bitcast<i32>(p[3u + 3u * rank]);
  for (var k = 0u; k < rank; k++) {
    let d = rank - 1u - k;
    let size = p[2u + d];
    let idx = i32(rem % size);
    rem = rem / size;
    src += idx * bitcast<i32>(p[2u + rank + d]);
    dst += idx * bitcast<i32>(p[2u + 2u * rank + d]);
  }
  D[dst] = S[src];`;

/** The window `shape` of src (at srcOffset, srcStrides) written into dst (at dstOffset, dstStrides). */
function stridedCopy(
  src: DeviceTensor, shape: readonly number[], srcOffset: number, srcStrides: readonly number[],
  dst: DeviceTensor, dstOffset: number, dstStrides: readonly number[],
): void {
  const params = [numelOf(shape), shape.length, ...shape, ...srcStrides.map(word), ...dstStrides.map(word), word(srcOffset), word(dstOffset)];
  runPerItem(src.context, 'stridedCopy', () => PRELUDE + bindings([['S', 'u32', false], ['D', 'u32', true]]) + perItem(STRIDED), params, [src.buffer, dst.buffer]);
}

/**
 * A new tensor of outShape filled with `fill`, with the window `shape` of src (element idx at srcOffset + Σ idx·srcStrides)
 * written at outOffset + Σ idx·outStrides.
 */
export function copyWindow(
  src: DeviceTensor, shape: readonly number[], srcOffset: number, srcStrides: readonly number[],
  outShape: readonly number[], outOffset: number, outStrides: readonly number[], fill: number,
): DeviceTensor {
  const context = contextOf('copyWindow', src.dtype, src);
  const out = full(context, outShape, fill, src.dtype);
  stridedCopy(src, shape, srcOffset, srcStrides, out, outOffset, outStrides);
  return out;
}

/** The window `shape` at offset/strides of src as a new contiguous tensor (every element written: no fill). */
export function readWindow(src: DeviceTensor, shape: readonly number[], offset: number, strides: readonly number[]): DeviceTensor {
  const out = DeviceTensor.empty(contextOf('readWindow', src.dtype, src), shape, src.dtype);
  stridedCopy(src, shape, offset, strides, out, 0, stridesOf(shape));
  return out;
}

/** Each part seen as [outer, widths[k]] written side by side into a new tensor of `shape` seen as [outer, Σ widths]. */
export function concat(parts: readonly DeviceTensor[], outer: number, widths: readonly number[], shape: readonly number[], dtype: DType): DeviceTensor {
  const d = deviceDType('concat', dtype);
  const context = contextOf('concat', d, ...parts);
  const out = DeviceTensor.empty(context, shape, d);
  const total = widths.reduce((a, b) => a + b, 0);
  let column = 0;
  parts.forEach((part, k) => {
    stridedCopy(part, [outer, widths[k]], 0, [widths[k], 1], out, column, [total, 1]);
    column += widths[k];
  });
  return out;
}

/** Output dimension i is input dimension perm[i]: a new contiguous tensor. */
export function permute(x: DeviceTensor, perm: readonly number[]): DeviceTensor {
  const context = contextOf('permute', x.dtype, x);
  const shape = perm.map((d) => x.shape[d]);
  const strides = stridesOf(x.shape);
  const out = DeviceTensor.empty(context, shape, x.dtype);
  stridedCopy(x, shape, 0, perm.map((d) => strides[d]), out, 0, stridesOf(shape));
  return out;
}

/** torch.gather of x (seen as xShape) along dim at the int32 index (seen as indexShape); shaped like the index. */
export function gather(x: DeviceTensor, xShape: readonly number[], dim: number, index: DeviceTensor, indexShape: readonly number[]): DeviceTensor {
  const context = contextOf('gather', x.dtype, x);
  contextOf('gather', 'int32', index);
  const out = DeviceTensor.empty(context, index.shape, x.dtype);
  const rank = indexShape.length;
  const params = [index.numel, rank, dim, ...indexShape, ...stridesOf(xShape)];
  runPerItem(context, 'gather', () => PRELUDE + bindings([['X', 'u32', false], ['I', 'i32', false], ['O', 'u32', true]]) + perItem(`
  let rank = p[1];
  let dim = p[2];
  var rem = i;
  var src = u32(I[i]) * p[3u + rank + dim];
  for (var k = 0u; k < rank; k++) {
    let d = rank - 1u - k;
    let size = p[3u + d];
    if (d != dim) { src += (rem % size) * p[3u + rank + d]; }
    rem = rem / size;
  }
  O[i] = X[src];`), params, [x.buffer, index.buffer, out.buffer]);
  return out;
}

/** gather's adjoint: g (laid out as indexShape) added at the index into zeros of outShape (seen as viewShape). */
export function scatterAdd(
  g: DeviceTensor, indexShape: readonly number[], dim: number, index: DeviceTensor, outShape: readonly number[], viewShape: readonly number[],
): DeviceTensor {
  const context = contextOf('scatterAdd', g.dtype, g);
  contextOf('scatterAdd', 'int32', index);
  const type = wgslType(g.dtype);
  const out = DeviceTensor.empty(context, outShape, g.dtype);
  const rank = viewShape.length;
  const params = [numelOf(viewShape), rank, dim, ...viewShape, ...indexShape, ...stridesOf(indexShape)];
  // thread q of the output sums the index positions that agree with q off dim and hold q's position along dim
  runPerItem(context, `scatterAdd:${type}`, () => PRELUDE + bindings([['G', type, false], ['I', 'i32', false], ['O', type, true]]) + perItem(`
  let rank = p[1];
  let dim = p[2];
  var rem = i;
  var base = 0u;
  var inside = true;
  var want = 0;
  for (var k = 0u; k < rank; k++) {
    let d = rank - 1u - k;
    let size = p[3u + d];
    let idx = rem % size;
    rem = rem / size;
    if (d == dim) { want = i32(idx); } else {
      if (idx >= p[3u + rank + d]) { inside = false; }
      base += idx * p[3u + 2u * rank + d];
    }
  }
  var acc = ${type}(0);
  if (inside) {
    for (var j = 0u; j < p[3u + rank + dim]; j++) {
      let at = base + j * p[3u + 2u * rank + dim];
      if (I[at] == want) { acc += G[at]; }
    }
  }
  O[i] = acc;`), params, [g.buffer, index.buffer, out.buffer]);
  return out;
}

/** torch.index_select on x seen as [outer, n, inner]: the slices at the int32 indices, as a new tensor of `shape`. */
export function indexSelect(x: DeviceTensor, outer: number, n: number, inner: number, index: DeviceTensor, shape: readonly number[]): DeviceTensor {
  const context = contextOf('indexSelect', x.dtype, x);
  contextOf('indexSelect', 'int32', index);
  const out = DeviceTensor.empty(context, shape, x.dtype);
  runPerItem(context, 'indexSelect', () => PRELUDE + bindings([['X', 'u32', false], ['I', 'i32', false], ['O', 'u32', true]]) + perItem(`
  let n = p[1];
  let inner = p[2];
  let m = p[3];
  let o = i / (m * inner);
  let j = (i / inner) % m;
  O[i] = X[(o * n + u32(I[j])) * inner + i % inner];`), [outer * index.numel * inner, n, inner, index.numel], [x.buffer, index.buffer, out.buffer]);
  return out;
}

/** indexSelect's adjoint: g added at the indexed slices into zeros of inShape (seen as [outer, n, inner]). */
export function indexAdd(g: DeviceTensor, outer: number, n: number, inner: number, index: DeviceTensor, inShape: readonly number[]): DeviceTensor {
  const context = contextOf('indexAdd', g.dtype, g);
  contextOf('indexAdd', 'int32', index);
  const type = wgslType(g.dtype);
  const out = DeviceTensor.empty(context, inShape, g.dtype);
  runPerItem(context, `indexAdd:${type}`, () => PRELUDE + bindings([['G', type, false], ['I', 'i32', false], ['O', type, true]]) + perItem(`
  let n = p[1];
  let inner = p[2];
  let m = p[3];
  let o = i / (n * inner);
  let k = i32((i / inner) % n);
  var acc = ${type}(0);
  for (var j = 0u; j < m; j++) {
    if (I[j] == k) { acc += G[(o * m + j) * inner + i % inner]; }
  }
  O[i] = acc;`), [outer * n * inner, n, inner, index.numel], [g.buffer, index.buffer, out.buffer]);
  return out;
}

/** takeAlong's gradient: g added at `indices` (one per line) into zeros of inShape. */
export function putAlong(g: DeviceTensor, indices: DeviceTensor, inShape: readonly number[], dim: number | null): DeviceTensor {
  const context = contextOf('putAlong', g.dtype, g);
  contextOf('putAlong', 'int32', indices);
  const type = wgslType(g.dtype);
  const [outer, n, inner] = dim === null ? [1, numelOf(inShape), 1] : axisView(inShape, dim);
  const out = DeviceTensor.empty(context, inShape, g.dtype);
  runPerItem(context, `putAlong:${type}`, () => PRELUDE + bindings([['G', type, false], ['I', 'i32', false], ['O', type, true]]) + perItem(`
  let n = p[1];
  let inner = p[2];
  let line = (i / (n * inner)) * inner + i % inner;
  O[i] = select(${type}(0), G[line], I[line] == i32((i / inner) % n));`), [outer * n * inner, n, inner], [g.buffer, indices.buffer, out.buffer]);
  return out;
}

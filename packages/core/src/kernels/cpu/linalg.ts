import { Tensor } from '../../tensor.js';
import { empty } from './output.js';
import type { DType, FloatArray } from '../../dtype.js';
import { broadcastShapes, numelOf } from '../../shape.js';
import { broadcastStrides, sumRowsInto } from '../elementwise.js';
import { gemm as gemmJs } from '../gemm.js';
import { gemmWasm } from '../wasm/gemm.js';
import { WASM_MIN_WORK, wasmActive } from './variant.js';

/**
 * The matrix product on typed arrays, the variant picked by backend and size: the wasm SIMD kernel (split across the
 * pool's threads when large, see kernels/wasm/gemm.ts) from WASM_MIN_WORK multiply-adds, else the js loops.
 * Same contract as kernels/gemm.ts.
 */
export const gemmVariant: typeof gemmJs = (transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate) => {
  const run = wasmActive() && M * N * K >= WASM_MIN_WORK ? gemmWasm : gemmJs;
  run(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
};

/**
 * op(a) · op(b) (op = transpose where asked) as a new tensor of `shape` (M·N elements), op(a) M×K and op(b) K×N
 * read in place. With a bias [N], every row starts from it (linear's x · Wᵀ + b in one pass).
 */
export function matmul2d(
  transA: boolean, transB: boolean, M: number, N: number, K: number, a: Tensor, b: Tensor, bias: Tensor | null, shape: readonly number[],
): Tensor {
  const out = empty(shape, a.dtype);
  const Y = out.data as FloatArray;
  if (bias) for (let r = 0; r < M; r++) Y.set(bias.data, r * N);
  gemmVariant(transA, transB, M, N, K, a.data as FloatArray, 0, b.data as FloatArray, 0, Y, 0, bias !== null);
  return out;
}

/**
 * Batched product of a [...aBatch, M, K'] and b [...bBatch, K', N] (op = transpose where asked), batch dims
 * broadcast: a new tensor [...batch, M, N] of `dtype`.
 */
export function batchedMatmul(
  a: Tensor, aBatch: readonly number[], transA: boolean,
  b: Tensor, bBatch: readonly number[], transB: boolean,
  M: number, K: number, N: number, dtype: DType,
): Tensor {
  const batch = broadcastShapes(aBatch, bBatch)!;
  const out = empty([...batch, M, N], dtype);
  const count = numelOf(batch);
  const aStr = broadcastStrides(aBatch, batch);
  const bStr = broadcastStrides(bBatch, batch);
  const A = a.data as FloatArray;
  const B = b.data as FloatArray;
  const C = out.data as FloatArray;
  for (let n = 0; n < count; n++) {
    let rem = n;
    let ia = 0;
    let ib = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const idx = rem % batch[d];
      rem = (rem - idx) / batch[d];
      ia += idx * aStr[d];
      ib += idx * bStr[d];
    }
    gemmVariant(transA, transB, M, N, K, A, ia * M * K, B, ib * K * N, C, n * M * N, false);
  }
  return out;
}

/** Σ over the rows of g seen as [rows, O]: a bias gradient [O], summed in g's precision as the rows come. */
export function sumRows(g: Tensor, rows: number, O: number): Tensor {
  const out = empty([O], g.dtype);
  sumRowsInto(g.data, rows, O, out.data);
  return out;
}

import type { FloatArray } from '../../dtype.js';
import { gemm } from '../gemm.js';
import { alignUp, ensureMemory, gemmRuntime, operandsAddress } from './loader.js';
import { availableThreads, getNumThreads, runGemm, type GemmProduct } from './pool.js';

export { wasmAvailable } from './loader.js';

/**
 * Products of at least this many multiply-adds are split across threads. Measured on 2 cores (bench/gemm.ts): a split
 * breaks even near 1e6 when products come back to back, near 2e6 to 3e6 when they come alone (as between a training
 * step's layers), the worker having gone to sleep in between.
 */
const SPLIT_MIN_WORK = 2_500_000;

let splitMinWork = SPLIT_MIN_WORK;

/** Sets the multiply-adds from which products are split across threads (tests and benchmarks); returns the old one. */
export function setSplitMinWork(work: number): number {
  const old = splitMinWork;
  splitMinWork = work;
  return old;
}

/**
 * The same contract as `gemm` in kernels/gemm.ts, computed by the WebAssembly SIMD kernel (f32x4 or f64x2):
 * A, B (and C when accumulating) are copied into the module's shared memory, the product runs there, split across
 * the pool's threads (pool.ts) when it has at least setSplitMinWork() multiply-adds, and C is copied back. The split
 * gives the same bits as one thread. Mixed float32/float64 operands, an empty depth (K = 0), a missing WebAssembly
 * or a memory that cannot grow fall back to `gemm`.
 */
export function gemmWasm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: FloatArray,
  aOff: number,
  B: FloatArray,
  bOff: number,
  C: FloatArray,
  cOff: number,
  accumulate: boolean,
): void {
  if (M === 0 || N === 0) return;
  const runtime = gemmRuntime();
  const f32 = A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array;
  const f64 = A instanceof Float64Array && B instanceof Float64Array && C instanceof Float64Array;
  if (runtime === null || K === 0 || !(f32 || f64)) {
    gemm(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
    return;
  }
  const bytes = f32 ? 4 : 8;
  // Operands after the control block and every thread's workspace, each 64-byte aligned; reused by every call.
  const aPtr = alignUp(operandsAddress(runtime.exports, getNumThreads()));
  const bPtr = alignUp(aPtr + M * K * bytes);
  const cPtr = alignUp(bPtr + K * N * bytes);
  if (!ensureMemory(runtime.memory, cPtr + M * N * bytes)) {
    gemm(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
    return;
  }
  const heap = f32 ? new Float32Array(runtime.memory.buffer) : new Float64Array(runtime.memory.buffer);
  const a = aPtr / bytes;
  const b = bPtr / bytes;
  const c = cPtr / bytes;
  heap.set(A.subarray(aOff, aOff + M * K), a);
  heap.set(B.subarray(bOff, bOff + K * N), b);
  if (accumulate) heap.set(C.subarray(cOff, cOff + M * N), c);
  const product: GemmProduct = {
    f64, transA, transB, M, N, K, a: aPtr, lda: transA ? M : K, b: bPtr, ldb: transB ? K : N, c: cPtr, ldc: N, accumulate,
  };
  runGemm(runtime, product, M * N * K >= splitMinWork ? availableThreads() : 1);
  C.set(heap.subarray(c, c + M * N), cOff);
}

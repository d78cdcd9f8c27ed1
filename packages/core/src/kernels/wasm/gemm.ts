import type { FloatArray } from '../../dtype.js';
import { gemm } from '../gemm.js';
import { alignUp, ensureMemory, gemmModule } from './loader.js';

export { wasmAvailable } from './loader.js';

/**
 * The same contract as `gemm` in kernels/gemm.ts, computed by the WebAssembly SIMD kernel (f32x4 or f64x2):
 * A, B (and C when accumulating) are copied into the module's memory, the product runs there, and C is copied back.
 * Mixed float32/float64 operands, an empty depth (K = 0), a missing WebAssembly or a memory that cannot grow
 * fall back to `gemm`.
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
  const wasm = gemmModule();
  const f32 = A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array;
  const f64 = A instanceof Float64Array && B instanceof Float64Array && C instanceof Float64Array;
  if (wasm === null || K === 0 || !(f32 || f64)) {
    gemm(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
    return;
  }
  const bytes = f32 ? 4 : 8;
  // Layout in the module's memory: workspace | A | B | C, each 64-byte aligned; reused by every call.
  const work = alignUp(wasm.heapBase());
  const aPtr = alignUp(work + wasm.workspaceBytes());
  const bPtr = alignUp(aPtr + M * K * bytes);
  const cPtr = alignUp(bPtr + K * N * bytes);
  if (!ensureMemory(wasm, cPtr + M * N * bytes)) {
    gemm(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
    return;
  }
  const heap = f32 ? new Float32Array(wasm.memory.buffer) : new Float64Array(wasm.memory.buffer);
  const a = aPtr / bytes;
  const b = bPtr / bytes;
  const c = cPtr / bytes;
  heap.set(A.subarray(aOff, aOff + M * K), a);
  heap.set(B.subarray(bOff, bOff + K * N), b);
  if (accumulate) heap.set(C.subarray(cOff, cOff + M * N), c);
  const entry = f32 ? wasm.gemmF32 : wasm.gemmF64;
  entry(+transA, +transB, M, N, K, aPtr, bPtr, cPtr, +accumulate, work);
  C.set(heap.subarray(c, c + M * N), cOff);
}

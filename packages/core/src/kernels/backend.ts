import { gemm as gemmJs } from './gemm.js';
import { gemmWasm, wasmAvailable } from './wasm/gemm.js';

/**
 * Which implementation runs the kernels that have more than one: 'wasm' (WebAssembly SIMD, the default where
 * it runs) or 'js' (the plain TypeScript loops, the reference). Chosen by TORCHLET_BACKEND or setBackend().
 */
export type Backend = 'js' | 'wasm';

/** Below this many multiply-adds the copy into wasm memory costs more than the product. */
export const WASM_MIN_WORK = 512;

function fromEnvironment(): Backend {
  const requested = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TORCHLET_BACKEND;
  if (requested === undefined || requested === '') return wasmAvailable() ? 'wasm' : 'js';
  if (requested !== 'js' && requested !== 'wasm') throw new Error(`TORCHLET_BACKEND must be 'js' or 'wasm', got '${requested}'`);
  if (requested === 'wasm' && !wasmAvailable()) throw new Error('TORCHLET_BACKEND=wasm, but WebAssembly SIMD is not available here');
  return requested;
}

let active: Backend = fromEnvironment();

export function getBackend(): Backend {
  return active;
}

export function setBackend(backend: Backend): void {
  if (backend !== 'js' && backend !== 'wasm') throw new Error(`setBackend: expected 'js' or 'wasm', got ${JSON.stringify(backend)}`);
  if (backend === 'wasm' && !wasmAvailable()) throw new Error('setBackend: WebAssembly SIMD is not available here');
  active = backend;
}

/** The matrix product of the active backend; same contract as kernels/gemm.ts. */
export const gemm: typeof gemmJs = (transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate) => {
  const run = active === 'wasm' && M * N * K >= WASM_MIN_WORK ? gemmWasm : gemmJs;
  run(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
};

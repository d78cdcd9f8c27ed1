import { wasmAvailable } from '../wasm/gemm.js';

/**
 * Which implementation the CPU backend runs for the kernels that have more than one: 'wasm' (WebAssembly SIMD,
 * on the thread pool where a kernel has a threaded variant; the default where it runs) or 'js' (the plain
 * TypeScript loops, the reference). Chosen by TORCHLET_BACKEND or setBackend(). Only this folder reads it.
 */
export type Backend = 'js' | 'wasm';

function fromEnvironment(): Backend {
  const requested = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TORCHLET_BACKEND;
  if (requested === undefined || requested === '') return wasmAvailable() ? 'wasm' : 'js';
  if (requested !== 'js' && requested !== 'wasm') throw new Error(`TORCHLET_BACKEND must be 'js' or 'wasm', got '${requested}'`);
  if (requested === 'wasm' && !wasmAvailable()) throw new Error('TORCHLET_BACKEND=wasm, but WebAssembly SIMD is not available here');
  return requested;
}

let active: Backend = fromEnvironment();

/** The kernel implementation running now: 'wasm' or 'js' (TORCHLET_BACKEND or setBackend chose it). */
export function getBackend(): Backend {
  return active;
}

/**
 * Switches every kernel with two implementations to 'wasm' (WebAssembly SIMD, the default where available) or 'js' (the plain
 * loops); an error if wasm SIMD is missing.
 */
export function setBackend(backend: Backend): void {
  if (backend !== 'js' && backend !== 'wasm') throw new Error(`setBackend: expected 'js' or 'wasm', got ${JSON.stringify(backend)}`);
  if (backend === 'wasm' && !wasmAvailable()) throw new Error('setBackend: WebAssembly SIMD is not available here');
  active = backend;
}

/** Whether the wasm variants run: the one test every selection in this folder starts with. */
export function wasmActive(): boolean {
  return active === 'wasm';
}

/**
 * Below this many multiply-adds the copy into wasm memory costs more than the product (gemm, and the threaded
 * conv2d, which must then agree with the one-thread loop to the bit). Fixed when the wasm gemm became the default
 * (commit dac5865); `pnpm bench:gemm` times both kernels at the models' product sizes to re-check it.
 */
export const WASM_MIN_WORK = 512;

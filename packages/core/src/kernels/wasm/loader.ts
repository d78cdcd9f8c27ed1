import { GEMM_WASM_BASE64 } from './gemm-wasm-bytes.js';

/** What the AssemblyScript module (packages/core/asm/gemm.ts) exports. */
export interface GemmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  workspaceBytes(): number;
  gemmF32: GemmEntry;
  gemmF64: GemmEntry;
}

/** A wasm gemm entry point: booleans as 0/1, a, b, c and work as byte addresses in the module's memory. */
export type GemmEntry = (
  transA: number, transB: number, M: number, N: number, K: number,
  a: number, b: number, c: number, accumulate: number, work: number,
) => void;

const PAGE_BYTES = 65536;
const ALIGN = 64;

let loaded: GemmExports | null | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The instantiated module, or null where WebAssembly or its SIMD extension is missing.
 * Compiled synchronously on first use: the module is a few KB, under every engine's limit for sync compilation.
 */
export function gemmModule(): GemmExports | null {
  if (loaded !== undefined) return loaded;
  try {
    const module = new WebAssembly.Module(decodeBase64(GEMM_WASM_BASE64));
    loaded = new WebAssembly.Instance(module, {}).exports as unknown as GemmExports;
  } catch {
    loaded = null;
  }
  return loaded;
}

/** True when the WebAssembly SIMD kernels can run here. */
export function wasmAvailable(): boolean {
  return gemmModule() !== null;
}

export const alignUp = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/**
 * Makes the module's memory at least `bytes` long, growing it (never shrinking) so buffers are reused across calls.
 * Returns false when the engine refuses to grow it that far.
 */
export function ensureMemory(exports: GemmExports, bytes: number): boolean {
  const have = exports.memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    exports.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    return true;
  } catch {
    return false;
  }
}

import { GEMM_RELAXED_WASM_BASE64 } from './gemm-relaxed-wasm-bytes.js';
import { GEMM_WASM_BASE64 } from './gemm-wasm-bytes.js';
import type { WasmMemory, WasmModule } from './wasm-types.js';

/** What the AssemblyScript module (packages/core/asm/gemm.ts) exports. */
export interface GemmExports {
  heapBase(): number;
  workspaceBytes(): number;
  gemmF32: GemmEntry;
  gemmF64: GemmEntry;
  /** im2col / col2im of one f32 sample at stride 1 (asm/convpool.ts, compiled into this module too); byte addresses. */
  im2colStride1F32(C: number, H: number, W: number, kH: number, kW: number, padTop: number, padLeft: number, Ho: number, Wo: number, x: number, cols: number): void;
  col2imStride1F32(C: number, H: number, W: number, kH: number, kW: number, padTop: number, padLeft: number, Ho: number, Wo: number, cols: number, dx: number): void;
  /** dst[0..n) = value in f32. */
  fillF32(dst: number, value: number, n: number): void;
  /** The implicit-GEMM stride-1 convolution of one f32 sample (asm/conv-implicit.ts); byte addresses, booleans as 0/1. */
  conv2dStride1F32(
    C: number, H: number, W: number, kH: number, kW: number, padTop: number, padLeft: number, Ho: number, Wo: number, O: number,
    x: number, y: number, accumulate: number, scratch: number,
  ): void;
  /** dw [O, C·kH·kW] += the weight gradient of one sample's stride-1 convolution, from x and dy. */
  conv2dStride1WeightGradF32(
    C: number, H: number, W: number, kH: number, kW: number, padTop: number, padLeft: number, Ho: number, Wo: number, O: number,
    x: number, dy: number, dw: number, scratch: number,
  ): void;
  /** Bytes of scratch conv2dStride1WeightGradF32 needs for these sizes. */
  conv2dStride1WeightGradScratchBytes(C: number, kH: number, kW: number, Ho: number, Wo: number, O: number): number;
  /** Bytes of scratch conv2dStride1F32 needs for these sizes. */
  conv2dStride1ScratchBytes(C: number, kH: number, kW: number, Ho: number, Wo: number, O: number): number;
  /** Packs weight [O, K] at the start of conv2dStride1F32's scratch. */
  convPackWeightF32(O: number, K: number, w: number, scratch: number): void;
  /** Packs one group's weight [Og, Cg, kH, kW] transposed and flipped there: the input gradient's convolution. */
  convPackFlippedWeightF32(Og: number, Cg: number, kH: number, kW: number, w: number, scratch: number): void;
}

/**
 * A wasm gemm entry point: booleans as 0/1, a, b, c and work as byte addresses in the shared memory, leading
 * dimensions lda, ldb, ldc in elements.
 */
export type GemmEntry = (
  transA: number, transB: number, M: number, N: number, K: number,
  a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate: number, work: number,
) => void;

/**
 * Which build of asm/gemm.ts runs: 'relaxed-simd' (its products use relaxed SIMD's fused multiply-add) where the engine
 * validates that build (Chromium, Node with --experimental-wasm-relaxed-simd), else 'simd128' (multiply, then add).
 */
export type GemmBuild = 'relaxed-simd' | 'simd128';

/** The compiled module, the shared memory it imports, and the main thread's instance of it. */
export interface GemmRuntime {
  build: GemmBuild;
  module: WasmModule;
  memory: WasmMemory;
  exports: GemmExports;
}

const PAGE_BYTES = 65536;
const ALIGN = 64;
/** Shared memory needs a maximum; 2 GiB keeps every byte address a positive int32 (they travel in an Int32Array). */
const MAX_PAGES = 32768;
/** Threads the control block has a slot for: the main thread and up to MAX_THREADS - 1 workers. */
export const MAX_THREADS = 16;
/** Bytes of one thread's slot in the control block: 32 int32, two cache lines, so slots never share a line. */
export const CONTROL_SLOT_BYTES = 128;

let loaded: GemmRuntime | null | undefined;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** An instance of the module working in `memory`; the worker threads make theirs with this too. */
export function instantiateGemm(module: WasmModule, memory: WasmMemory): GemmExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
}

/** The bytes of one build of the gemm module. */
export function gemmModuleBytes(build: GemmBuild): Uint8Array<ArrayBuffer> {
  return decodeBase64(build === 'relaxed-simd' ? GEMM_RELAXED_WASM_BASE64 : GEMM_WASM_BASE64);
}

/**
 * The module on a fresh shared memory, or null where WebAssembly, its SIMD extension or shared memory (threads)
 * is missing; the relaxed-SIMD build where the engine validates it, else the SIMD128 one. Compiled synchronously on
 * first use: the module is a few KB, under every engine's limit for sync compilation.
 */
export function gemmRuntime(): GemmRuntime | null {
  if (loaded !== undefined) return loaded;
  try {
    const relaxed = gemmModuleBytes('relaxed-simd');
    const build: GemmBuild = preferred !== 'simd128' && WebAssembly.validate(relaxed) ? 'relaxed-simd' : 'simd128';
    const module = new WebAssembly.Module(build === 'relaxed-simd' ? relaxed : gemmModuleBytes('simd128'));
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    loaded = { build, module, memory, exports: instantiateGemm(module, memory) };
  } catch {
    loaded = null;
  }
  return loaded;
}

let preferred: GemmBuild | null = null;

/**
 * Asks for the SIMD128 build even where relaxed SIMD validates, before the first wasm kernel runs: the fused
 * multiply-add rounds once where SIMD128 rounds twice, so only the same build gives another engine's bits (a test
 * comparing Chromium with stock Node). Throws once a different build is loaded.
 */
export function preferGemmBuild(build: GemmBuild): void {
  if (loaded && loaded.build !== build) throw new Error(`preferGemmBuild: the ${loaded.build} build of the gemm module is already loaded; call this before the first wasm kernel runs`);
  preferred = build;
}

/** The build of the gemm module that runs here (see GemmBuild), or null where none can. */
export function gemmBuild(): GemmBuild | null {
  return gemmRuntime()?.build ?? null;
}

/** True when the WebAssembly SIMD kernels can run here. */
export function wasmAvailable(): boolean {
  if (loaded !== undefined) return loaded !== null;
  // checked without compiling, so that preferGemmBuild still has a say before the first kernel runs
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return WebAssembly.validate(gemmModuleBytes('simd128'));
  } catch {
    return false;
  }
}

export const alignUp = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

/*
 * Layout of the shared memory, from the module's static data up:
 *   control block: MAX_THREADS slots of CONTROL_SLOT_BYTES (a worker's job and its handshake, see pool.ts)
 *   workspaces:    one per thread (packed panels of A and B), thread 0 being the main thread
 *   operands:      A, B and C of the current product, or the tensors of the current conv2d job, written by the
 *                  main thread (see gemm.ts and conv.ts)
 */

/** Byte address of thread `thread`'s slot in the control block. */
export function controlSlotAddress(exports: GemmExports, thread: number): number {
  return alignUp(exports.heapBase()) + thread * CONTROL_SLOT_BYTES;
}

/** Byte address of thread `thread`'s workspace. */
export function workspaceAddress(exports: GemmExports, thread: number): number {
  return alignUp(controlSlotAddress(exports, MAX_THREADS)) + thread * alignUp(exports.workspaceBytes());
}

/** First byte after the workspaces of `threads` threads, where the operands go. */
export function operandsAddress(exports: GemmExports, threads: number): number {
  return workspaceAddress(exports, threads);
}

/**
 * Makes the memory at least `bytes` long, growing it (never shrinking) so buffers are reused across calls.
 * Returns false when the engine refuses to grow it that far.
 */
export function ensureMemory(memory: WasmMemory, bytes: number): boolean {
  const have = memory.buffer.byteLength;
  if (bytes <= have) return true;
  try {
    memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
    return true;
  } catch {
    return false;
  }
}

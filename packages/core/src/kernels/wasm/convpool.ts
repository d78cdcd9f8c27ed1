import { CONVPOOL_WASM_BASE64 } from './convpool-wasm-bytes.js';
import type { WasmMemory } from './wasm-types.js';

/**
 * What the AssemblyScript module (packages/core/asm/convpool.ts and asm/batchnorm.ts) exports; addresses are bytes in
 * its memory.
 */
export interface ConvPoolExports {
  memory: WasmMemory;
  heapBase(): number;
  maxPool2x2F32(planes: number, H: number, W: number, Ho: number, Wo: number, x: number, out: number, indices: number): void;
  im2colStride1F32(C: number, H: number, W: number, kH: number, kW: number, padTop: number, padLeft: number, Ho: number, Wo: number, x: number, cols: number): void;
  col2imStride1F32(C: number, H: number, W: number, kH: number, kW: number, padTop: number, padLeft: number, Ho: number, Wo: number, cols: number, dx: number): void;
  reluF32(x: number, out: number, n: number): void;
  reluGradF32(y: number, g: number, out: number, n: number): void;
  batchNormStatsF32(x: number, N: number, C: number, S: number, mean: number, variance: number): void;
  batchNormForwardF32(x: number, N: number, C: number, S: number, scale: number, shift: number, y: number): void;
  batchNormGradSumsF32(x: number, dy: number, N: number, C: number, S: number, mean: number, invStd: number, sumDy: number, sumDyXhat: number): void;
  batchNormInputGradF32(x: number, dy: number, N: number, C: number, S: number, coef: number, batchStats: number, dx: number): void;
}

const PAGE_BYTES = 65536;
const ALIGN = 64;
export const alignUp = (bytes: number): number => Math.ceil(bytes / ALIGN) * ALIGN;

let loaded: ConvPoolExports | null | undefined;
/** Views of the module's memory, remade when growing it detaches the old buffer. */
let f32: Float32Array = new Float32Array(0);
let i32: Int32Array = new Int32Array(0);
let f64: Float64Array = new Float64Array(0);

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The instantiated module, or null where WebAssembly or its SIMD extension is missing. */
function convPoolModule(): ConvPoolExports | null {
  if (loaded !== undefined) return loaded;
  try {
    const module = new WebAssembly.Module(decodeBase64(CONVPOOL_WASM_BASE64));
    loaded = new WebAssembly.Instance(module, {}).exports as unknown as ConvPoolExports;
  } catch {
    loaded = null;
  }
  return loaded;
}

/**
 * The module with at least `bytes` of memory past its static data (grown, never shrunk, so buffers are reused
 * across calls) and fresh views of it; null when it cannot run or grow.
 */
function withMemory(bytes: number): ConvPoolExports | null {
  const wasm = convPoolModule();
  if (wasm === null) return null;
  const need = alignUp(wasm.heapBase()) + bytes;
  const have = wasm.memory.buffer.byteLength;
  if (need > have) {
    try {
      wasm.memory.grow(Math.ceil((need - have) / PAGE_BYTES));
    } catch {
      return null;
    }
  }
  if (f32.buffer !== wasm.memory.buffer) {
    f32 = new Float32Array(wasm.memory.buffer);
    i32 = new Int32Array(wasm.memory.buffer);
    f64 = new Float64Array(wasm.memory.buffer);
  }
  return wasm;
}

/** The module, the byte address of its scratch memory, and f32 / f64 views of that memory. */
export interface ConvPoolScratch {
  wasm: ConvPoolExports;
  base: number;
  f32: Float32Array;
  f64: Float64Array;
}

/**
 * The module with `bytes` of scratch memory from `base` (64-byte aligned; reused by every call) and fresh views of
 * its memory, for kernels in other files; null when it cannot run or grow.
 */
export function convPoolScratch(bytes: number): ConvPoolScratch | null {
  const wasm = withMemory(bytes);
  return wasm === null ? null : { wasm, base: alignUp(wasm.heapBase()), f32, f64 };
}

/**
 * 2×2 stride-2 unpadded max pooling of float32 planes (same contract as maxPool2dForward in kernels/pool.ts).
 * Returns false, having done nothing, when the module cannot run here.
 */
export function maxPool2x2Wasm(planes: number, H: number, W: number, Ho: number, Wo: number, x: Float32Array, out: Float32Array, indices: Int32Array): boolean {
  const inLen = planes * H * W;
  const outLen = planes * Ho * Wo;
  const xPtr = 0;
  const outPtr = alignUp(inLen * 4);
  const idxPtr = outPtr + alignUp(outLen * 4);
  const wasm = withMemory(idxPtr + outLen * 4);
  if (wasm === null) return false;
  const base = alignUp(wasm.heapBase());
  f32.set(x.subarray(0, inLen), (base + xPtr) / 4);
  wasm.maxPool2x2F32(planes, H, W, Ho, Wo, base + xPtr, base + outPtr, base + idxPtr);
  out.set(f32.subarray((base + outPtr) / 4, (base + outPtr) / 4 + outLen));
  indices.set(i32.subarray((base + idxPtr) / 4, (base + idxPtr) / 4 + outLen));
  return true;
}

/** The sizes of a stride-1, dilation-1 convolution of one sample, as kernels/im2col.ts's ConvGeometry has them. */
export interface Stride1Geometry {
  C: number; H: number; W: number; kH: number; kW: number; padTop: number; padLeft: number; Ho: number; Wo: number;
}

/** im2col of one float32 sample at stride 1 and dilation 1 (see kernels/im2col.ts); false when the module cannot run. */
export function im2colStride1Wasm(g: Stride1Geometry, x: Float32Array, xOff: number, cols: Float32Array, colsOff: number): boolean {
  const inLen = g.C * g.H * g.W;
  const colsLen = g.C * g.kH * g.kW * g.Ho * g.Wo;
  const colsPtr = alignUp(inLen * 4);
  const wasm = withMemory(colsPtr + colsLen * 4);
  if (wasm === null) return false;
  const base = alignUp(wasm.heapBase());
  f32.set(x.subarray(xOff, xOff + inLen), base / 4);
  wasm.im2colStride1F32(g.C, g.H, g.W, g.kH, g.kW, g.padTop, g.padLeft, g.Ho, g.Wo, base, base + colsPtr);
  cols.set(f32.subarray((base + colsPtr) / 4, (base + colsPtr) / 4 + colsLen), colsOff);
  return true;
}

/** col2im of one float32 sample at stride 1 and dilation 1, added into dx (see kernels/im2col.ts); false when the module cannot run. */
export function col2imStride1Wasm(g: Stride1Geometry, cols: Float32Array, colsOff: number, dx: Float32Array, dxOff: number): boolean {
  const inLen = g.C * g.H * g.W;
  const colsLen = g.C * g.kH * g.kW * g.Ho * g.Wo;
  const colsPtr = alignUp(inLen * 4);
  const wasm = withMemory(colsPtr + colsLen * 4);
  if (wasm === null) return false;
  const base = alignUp(wasm.heapBase());
  f32.set(dx.subarray(dxOff, dxOff + inLen), base / 4);
  f32.set(cols.subarray(colsOff, colsOff + colsLen), (base + colsPtr) / 4);
  wasm.col2imStride1F32(g.C, g.H, g.W, g.kH, g.kW, g.padTop, g.padLeft, g.Ho, g.Wo, base + colsPtr, base);
  dx.set(f32.subarray(base / 4, base / 4 + inLen), dxOff);
  return true;
}

/**
 * relu of float32 x into out (same length), with the same bits as the bit-pattern loop in kernels/unary.ts; false when
 * the module cannot run here.
 */
export function reluWasm(x: Float32Array, out: Float32Array): boolean {
  const n = out.length;
  const wasm = withMemory(n * 4);
  if (wasm === null) return false;
  const base = alignUp(wasm.heapBase());
  f32.set(x.subarray(0, n), base / 4);
  wasm.reluF32(base, base, n);
  out.set(f32.subarray(base / 4, base / 4 + n));
  return true;
}

/** relu's gradient from its float32 output y and upstream gradient g into out, as kernels/unary.ts; false when the module cannot run. */
export function reluGradWasm(y: Float32Array, g: Float32Array, out: Float32Array): boolean {
  const n = out.length;
  const gPtr = alignUp(n * 4);
  const wasm = withMemory(gPtr + n * 4);
  if (wasm === null) return false;
  const base = alignUp(wasm.heapBase());
  f32.set(y.subarray(0, n), base / 4);
  f32.set(g.subarray(0, n), (base + gPtr) / 4);
  wasm.reluGradF32(base, base + gPtr, base, n);
  out.set(f32.subarray(base / 4, base / 4 + n));
  return true;
}

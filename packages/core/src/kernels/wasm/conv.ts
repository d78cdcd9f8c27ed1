import {
  FORWARD, IMPLICIT_FORWARD, IMPLICIT_INPUT_GRAD, IMPLICIT_WEIGHT_GRAD, INPUT_GRAD, WEIGHT_GRAD, type ConvJob, writeConvJob,
} from './conv-job.js';
import { alignUp, ensureMemory, gemmRuntime, operandsAddress, type GemmRuntime } from './loader.js';
import { availableThreads, getNumThreads, runConvJob } from './pool.js';

/** The sizes of a float32 stride-1, dilation-1 convolution: one sample's geometry, output channels and groups. */
export interface ThreadedConvGeometry {
  C: number; H: number; W: number; kH: number; kW: number; padTop: number; padLeft: number; Ho: number; Wo: number;
  O: number;
  groups: number;
}

/** Chunks of samples per thread: enough for a thread that starts late, or runs slower, to leave its share to the others. */
const CHUNKS_PER_THREAD = 4;
/**
 * A call with fewer multiply-adds than this runs on the main thread alone (still cut into the same chunks, so the
 * same bits): waking a worker costs tens of microseconds.
 */
const SPLIT_MIN_WORK = 1_000_000;

let splitMinWork = SPLIT_MIN_WORK;

/** Sets the multiply-adds from which conv2d calls are split across threads (tests and benchmarks); returns the old one. */
export function setConvSplitMinWork(work: number): number {
  const old = splitMinWork;
  splitMinWork = work;
  return old;
}

/** A fixed choice of the passes that run the implicit-GEMM kernel (tests, benchmarks), or null: implicitPasses decides. */
let implicitOverride: number | null = null;

/**
 * Sets which passes run the implicit-GEMM kernel (conv-job.ts IMPLICIT_*; the rest run im2col/col2im and gemmF32), or
 * null for the choice by shape; returns the old setting. Benchmarks and tests compare the two ways with it.
 */
export function setConvImplicitPasses(mask: number | null): number | null {
  const old = implicitOverride;
  implicitOverride = mask;
  return old;
}

/**
 * The passes that run the implicit-GEMM kernels, by shape, as measured by bench/conv-passes.ts (1 thread, batch 64,
 * interleaved medians, several runs at load 3-9). Forward and input gradient: a convolution that sums 16 to 256 taps
 * (one pass over few enough taps per tile to pay for its stores), for the input gradient also into >= 16 channels (its
 * tiles are 4 channels of dx). Weight gradient: up to 32 output channels per group. At the bench's networks the chosen
 * passes mostly took 0.7-0.9x the time of im2col/col2im + gemmF32 (resnetish's 16@3x3: forward 0.7-0.9x, input
 * gradient 0.78-0.86x, weight gradient 0.84-0.85x; a run at load 3 in the machine's slow phase gave its forward 1.06x);
 * outside the rule the implicit kernels measured up to 1.1-1.5x (forward, 9 or 288 taps), 1.2-3x (input gradient into
 * 1-6 channels) and 0.84-1.1x (weight gradient at 64 channels: cifarcnn's lost in two runs of three).
 */
export function implicitPasses(g: ThreadedConvGeometry): number {
  if (implicitOverride !== null) return implicitOverride;
  const Cg = g.C / g.groups, Og = g.O / g.groups;
  const fits = (taps: number): boolean => taps >= 16 && taps <= 256;
  return (fits(Cg * g.kH * g.kW) ? IMPLICIT_FORWARD : 0) | (Cg >= 16 && fits(Og * g.kH * g.kW) ? IMPLICIT_INPUT_GRAD : 0) |
    (Og <= 32 ? IMPLICIT_WEIGHT_GRAD : 0);
}

/**
 * How N samples are cut into chunks: fixed by N and getNumThreads(), never by the threads ready at the time, so the
 * weight gradient (a sum of one partial sum per chunk) has the same bits from call to call. One thread takes the
 * whole batch as one chunk: the weight gradient is then summed sample after sample, as the JS-side loop in
 * kernels/cpu/conv.ts sums it, to the bit.
 */
function chunking(N: number): { chunks: number; perChunk: number } {
  const threads = getNumThreads();
  const perChunk = threads === 1 ? N : Math.ceil(N / Math.min(N, CHUNKS_PER_THREAD * threads));
  return { chunks: Math.ceil(N / perChunk), perChunk };
}

/** The layout of one call's tensors in the shared memory, from the operands address up; byte addresses. */
interface Layout {
  x: number; weight: number; bias: number; y: number; dx: number; dw: number; dwStride: number; cols: number; colsStride: number;
  end: number;
}

function layout(runtime: GemmRuntime, g: ThreadedConvGeometry, N: number, chunks: number): Layout {
  const rows = g.C * g.kH * g.kW;
  const weightBytes = g.O * (rows / g.groups) * 4;
  const inBytes = N * g.C * g.H * g.W * 4;
  const x = alignUp(operandsAddress(runtime.exports, getNumThreads()));
  const weight = alignUp(x + inBytes);
  const bias = alignUp(weight + weightBytes);
  const y = alignUp(bias + g.O * 4);
  const dx = alignUp(y + N * g.O * g.Ho * g.Wo * 4);
  const dw = alignUp(dx + inBytes);
  const dwStride = alignUp(weightBytes);
  const cols = alignUp(dw + chunks * dwStride);
  // A thread's cols buffer also holds the implicit kernels' scratch, for whichever pass runs.
  const Cg = g.C / g.groups, Og = g.O / g.groups;
  const colsStride = alignUp(Math.max(
    rows * g.Ho * g.Wo * 4,
    runtime.exports.conv2dStride1ScratchBytes(Cg, g.kH, g.kW, g.Ho, g.Wo, Og),
    runtime.exports.conv2dStride1ScratchBytes(Og, g.kH, g.kW, g.H, g.W, Cg),
    runtime.exports.conv2dStride1WeightGradScratchBytes(Cg, g.kH, g.kW, g.Ho, g.Wo, Og),
  ));
  return { x, weight, bias, y, dx, dw, dwStride, cols, colsStride, end: cols + getNumThreads() * colsStride };
}

function job(mode: number, g: ThreadedConvGeometry, N: number, perChunk: number, hasBias: boolean, at: Layout): ConvJob {
  return { mode, ...g, samples: N, perChunk, hasBias, ...at, implicit: implicitPasses(g) };
}

/** The threads to split a call of `work` multiply-adds across. */
const parts = (work: number): number => (work >= splitMinWork ? availableThreads() : 1);

/**
 * conv2d forward of x [N, C, H, W] with weight [O, C/groups, kH, kW] and bias [O] (or null) into y [N, O, Ho, Wo],
 * float32 at stride 1, split by samples across the pool's threads (on one thread, all of it inside wasm too); the same
 * bits as the JS-side loop in kernels/cpu/conv.ts. Returns false, having done nothing, when the module cannot run or grow.
 */
export function conv2dForwardThreaded(
  g: ThreadedConvGeometry, N: number, x: Float32Array, weight: Float32Array, bias: Float32Array | null, y: Float32Array,
): boolean {
  const runtime = gemmRuntime();
  if (runtime === null || N === 0) return false;
  const { chunks, perChunk } = chunking(N);
  const at = layout(runtime, g, N, chunks);
  if (!ensureMemory(runtime.memory, at.end)) return false;
  const heap = new Float32Array(runtime.memory.buffer);
  heap.set(x.subarray(0, N * g.C * g.H * g.W), at.x / 4);
  heap.set(weight.subarray(0, weight.length), at.weight / 4);
  if (bias !== null) heap.set(bias.subarray(0, g.O), at.bias / 4);
  const work = N * g.O * g.Ho * g.Wo * (g.C / g.groups) * g.kH * g.kW;
  runConvJob(runtime, (slot) => writeConvJob(slot, job(FORWARD, g, N, perChunk, bias !== null, at)), chunks, parts(work));
  y.set(heap.subarray(at.y / 4, at.y / 4 + y.length));
  return true;
}

/**
 * conv2d backward, float32 at stride 1, split by samples across the pool's threads: dx [N, C, H, W] and
 * dw [O, C/groups, kH, kW] (each when given; overwritten) from x, the weight and the output's
 * gradient dy [N, O, Ho, Wo]. dx has the same bits as the one-thread loop in kernels/cpu/conv.ts where it runs gemmF32 + col2im
 * (implicitPasses), and the same bits at any thread count either way; dw is summed per chunk of
 * samples, then the chunks' sums are added in order, so it can differ from that loop in the last bits.
 * Returns false, having done nothing, when the module cannot run or grow.
 */
export function conv2dBackwardThreaded(
  g: ThreadedConvGeometry, N: number, x: Float32Array, weight: Float32Array, dy: Float32Array,
  dx: Float32Array | null, dw: Float32Array | null,
): boolean {
  const runtime = gemmRuntime();
  if (runtime === null || N === 0) return false;
  const { chunks, perChunk } = chunking(N);
  const at = layout(runtime, g, N, chunks);
  if (!ensureMemory(runtime.memory, at.end)) return false;
  const heap = new Float32Array(runtime.memory.buffer);
  if (dx !== null) heap.set(weight.subarray(0, weight.length), at.weight / 4);
  if (dw !== null) heap.set(x.subarray(0, N * g.C * g.H * g.W), at.x / 4);
  heap.set(dy.subarray(0, N * g.O * g.Ho * g.Wo), at.y / 4);
  const mode = (dx !== null ? INPUT_GRAD : 0) | (dw !== null ? WEIGHT_GRAD : 0);
  const work = ((dx !== null ? 1 : 0) + (dw !== null ? 1 : 0)) * N * g.O * g.Ho * g.Wo * (g.C / g.groups) * g.kH * g.kW;
  runConvJob(runtime, (slot) => writeConvJob(slot, job(mode, g, N, perChunk, false, at)), chunks, parts(work));
  if (dx !== null) dx.set(heap.subarray(at.dx / 4, at.dx / 4 + dx.length));
  if (dw !== null) {
    const size = dw.length;
    dw.set(heap.subarray(at.dw / 4, at.dw / 4 + size));
    // Float32Array stores round each sum to float32: the same as adding in float32.
    for (let c = 1; c < chunks; c++) {
      const from = (at.dw + c * at.dwStride) / 4;
      for (let j = 0; j < size; j++) dw[j] += heap[from + j];
    }
  }
  return true;
}

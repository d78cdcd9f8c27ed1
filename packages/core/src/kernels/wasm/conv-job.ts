import { type GemmExports, workspaceAddress } from './loader.js';
import type { WasmMemory } from './wasm-types.js';

/*
 * A conv2d job of the thread pool (pool.ts): float32, stride 1, dilation 1, every tensor in the shared memory
 * (conv.ts lays them out). Chunk i is the run of samples [i·perChunk, (i + 1)·perChunk) and is computed the way the
 * one-thread loop in kernels/cpu/conv.ts computes those samples, with the same wasm kernels:
 *   forward: y[n] = bias (if any); cols = im2col(x[n]); per group y[n, g] += W[g] · cols[g]
 *     or, IMPLICIT_FORWARD, per group y[n, g] += conv2dStride1F32(x[n, g], W[g]) (asm/conv-implicit.ts: the same bits up to 256 taps)
 *   input grad: dcols[g] = W[g]ᵀ · dY[n, g]; dx[n] = col2im(dcols)
 *     or, IMPLICIT_INPUT_GRAD, per group dx[n, g] = conv2dStride1F32(dY[n, g], W[g] transposed and flipped)
 *   weight grad: cols = im2col(x[n]); per group dW_i[g] += dY[n, g] · cols[g]ᵀ, into chunk i's own partial sum dW_i
 *     or, IMPLICIT_WEIGHT_GRAD, per group dW_i[g] += conv2dStride1WeightGradF32(x[n, g], dY[n, g])
 * A chunk writes only its samples and its own dW_i, and first clears them, so any thread can compute it, and a
 * chunk a worker failed on can be computed again by the main thread. The caller adds the dW_i in chunk order, so the
 * weight gradient depends on the chunk count but not on which thread computed which chunk.
 */

// Int32 fields of the job slot. Fields 15 to 18 belong to the pool (chunk count, next chunk, counters, job kind).
const MODE = 0; // FORWARD, or INPUT_GRAD and/or WEIGHT_GRAD
const CHANNELS = 1;
const HEIGHT = 2;
const WIDTH = 3;
const KERNEL_H = 4;
const KERNEL_W = 5;
const PAD_TOP = 6;
const PAD_LEFT = 7;
const OUT_H = 8;
const OUT_W = 9;
const OUT_CHANNELS = 10;
const GROUPS = 11;
const SAMPLES = 12;
const PER_CHUNK = 13; // samples per chunk
const HAS_BIAS = 14;
const X = 19; // byte addresses in the shared memory
const WEIGHT = 20;
const BIAS = 21;
const Y = 22; // the output (forward) or its gradient (backward)
const DX = 23;
const DW = 24; // chunk 0's partial weight gradient; chunk i's is DW_STRIDE bytes further per chunk
const DW_STRIDE = 25;
const COLS = 26; // thread 0's cols buffer; thread t's is COLS_STRIDE bytes further per thread
const COLS_STRIDE = 27;
const IMPLICIT = 28; // IMPLICIT_FORWARD and/or IMPLICIT_INPUT_GRAD: which passes run the implicit-GEMM kernel

export const FORWARD = 1;
export const INPUT_GRAD = 2;
export const WEIGHT_GRAD = 4;

/** The forward pass runs conv2dStride1F32 (asm/conv-implicit.ts) instead of im2col + gemmF32: the same bits. */
export const IMPLICIT_FORWARD = 1;
/** The input gradient runs conv2dStride1F32 on dy with the flipped weight instead of gemmF32 + col2im. */
export const IMPLICIT_INPUT_GRAD = 2;
/** The weight gradient runs conv2dStride1WeightGradF32 instead of im2col + gemmF32 (summed in another order). */
export const IMPLICIT_WEIGHT_GRAD = 4;

/** A conv2d job: the sizes of one sample's convolution and the byte addresses of its tensors. */
export interface ConvJob {
  mode: number;
  C: number; H: number; W: number; kH: number; kW: number; padTop: number; padLeft: number; Ho: number; Wo: number;
  O: number;
  groups: number;
  samples: number;
  perChunk: number;
  hasBias: boolean;
  x: number; weight: number; bias: number; y: number; dx: number;
  dw: number; dwStride: number;
  cols: number; colsStride: number;
  implicit: number;
}

/** Writes the job's fields into the job slot. */
export function writeConvJob(job: Int32Array, j: ConvJob): void {
  job[MODE] = j.mode;
  job[CHANNELS] = j.C;
  job[HEIGHT] = j.H;
  job[WIDTH] = j.W;
  job[KERNEL_H] = j.kH;
  job[KERNEL_W] = j.kW;
  job[PAD_TOP] = j.padTop;
  job[PAD_LEFT] = j.padLeft;
  job[OUT_H] = j.Ho;
  job[OUT_W] = j.Wo;
  job[OUT_CHANNELS] = j.O;
  job[GROUPS] = j.groups;
  job[SAMPLES] = j.samples;
  job[PER_CHUNK] = j.perChunk;
  job[HAS_BIAS] = +j.hasBias;
  job[X] = j.x;
  job[WEIGHT] = j.weight;
  job[BIAS] = j.bias;
  job[Y] = j.y;
  job[DX] = j.dx;
  job[DW] = j.dw;
  job[DW_STRIDE] = j.dwStride;
  job[COLS] = j.cols;
  job[COLS_STRIDE] = j.colsStride;
  job[IMPLICIT] = j.implicit;
}

/** Computes chunk i of the conv2d job in `job` on thread `thread` (its cols buffer and gemm workspace). */
export function runConvChunk(memory: WasmMemory, exports: GemmExports, job: Int32Array, i: number, thread: number): void {
  const mode = job[MODE];
  const C = job[CHANNELS], H = job[HEIGHT], W = job[WIDTH], kH = job[KERNEL_H], kW = job[KERNEL_W];
  const padTop = job[PAD_TOP], padLeft = job[PAD_LEFT], Ho = job[OUT_H], Wo = job[OUT_W];
  const O = job[OUT_CHANNELS];
  const groups = job[GROUPS];
  const Og = O / groups;
  const L = Ho * Wo;
  const rowsG = (C * kH * kW) / groups;
  const sampleIn = C * H * W;
  const first = i * job[PER_CHUNK];
  const end = Math.min(job[SAMPLES], first + job[PER_CHUNK]);
  const cols = job[COLS] + thread * job[COLS_STRIDE];
  const work = workspaceAddress(exports, thread);
  const x = job[X], weight = job[WEIGHT], y = job[Y];
  if (mode === FORWARD) {
    const hasBias = job[HAS_BIAS];
    // The bias values, read once per chunk; a view made now sees the memory as grown for this job.
    const bias = hasBias === 1 ? new Float32Array(memory.buffer, job[BIAS], O) : null;
    if ((job[IMPLICIT] & IMPLICIT_FORWARD) !== 0) {
      const Cg = C / groups;
      for (let n = first; n < end && bias !== null; n++) for (let o = 0; o < O; o++) exports.fillF32(y + (n * O + o) * L * 4, bias[o], L);
      for (let g = 0; g < groups; g++) {
        exports.convPackWeightF32(Og, rowsG, weight + g * Og * rowsG * 4, cols);
        for (let n = first; n < end; n++) {
          exports.conv2dStride1F32(
            Cg, H, W, kH, kW, padTop, padLeft, Ho, Wo, Og, x + (n * C + g * Cg) * H * W * 4, y + (n * O + g * Og) * L * 4, hasBias, cols,
          );
        }
      }
      return;
    }
    for (let n = first; n < end; n++) {
      if (bias !== null) for (let o = 0; o < O; o++) exports.fillF32(y + (n * O + o) * L * 4, bias[o], L);
      exports.im2colStride1F32(C, H, W, kH, kW, padTop, padLeft, Ho, Wo, x + n * sampleIn * 4, cols);
      for (let g = 0; g < groups; g++) {
        exports.gemmF32(
          0, 0, Og, L, rowsG, weight + g * Og * rowsG * 4, rowsG, cols + g * rowsG * L * 4, L, y + (n * O + g * Og) * L * 4, L,
          hasBias, work,
        );
      }
    }
    return;
  }
  if ((mode & INPUT_GRAD) !== 0) {
    const dx = job[DX];
    if ((job[IMPLICIT] & IMPLICIT_INPUT_GRAD) !== 0) {
      // dx[n, g] = the convolution of dy[n, g] with the group's weight transposed and flipped, padded by k - 1 - pad.
      const Cg = C / groups;
      for (let g = 0; g < groups; g++) {
        exports.convPackFlippedWeightF32(Og, Cg, kH, kW, weight + g * Og * rowsG * 4, cols);
        for (let n = first; n < end; n++) {
          exports.conv2dStride1F32(
            Og, Ho, Wo, kH, kW, kH - 1 - padTop, kW - 1 - padLeft, H, W, Cg,
            y + (n * O + g * Og) * L * 4, dx + (n * C + g * Cg) * H * W * 4, 0, cols,
          );
        }
      }
    } else {
      exports.fillF32(dx + first * sampleIn * 4, 0, (end - first) * sampleIn);
      for (let n = first; n < end; n++) {
        for (let g = 0; g < groups; g++) {
          exports.gemmF32(
            1, 0, rowsG, L, Og, weight + g * Og * rowsG * 4, rowsG, y + (n * O + g * Og) * L * 4, L, cols + g * rowsG * L * 4, L, 0, work,
          );
        }
        exports.col2imStride1F32(C, H, W, kH, kW, padTop, padLeft, Ho, Wo, cols, dx + n * sampleIn * 4);
      }
    }
  }
  if ((mode & WEIGHT_GRAD) !== 0) {
    const dw = job[DW] + i * job[DW_STRIDE];
    exports.fillF32(dw, 0, O * rowsG);
    if ((job[IMPLICIT] & IMPLICIT_WEIGHT_GRAD) !== 0) {
      const Cg = C / groups;
      for (let g = 0; g < groups; g++) {
        for (let n = first; n < end; n++) {
          exports.conv2dStride1WeightGradF32(
            Cg, H, W, kH, kW, padTop, padLeft, Ho, Wo, Og, x + (n * C + g * Cg) * H * W * 4, y + (n * O + g * Og) * L * 4,
            dw + g * Og * rowsG * 4, cols,
          );
        }
      }
      return;
    }
    for (let n = first; n < end; n++) {
      exports.im2colStride1F32(C, H, W, kH, kW, padTop, padLeft, Ho, Wo, x + n * sampleIn * 4, cols);
      for (let g = 0; g < groups; g++) {
        exports.gemmF32(
          0, 1, Og, rowsG, L, y + (n * O + g * Og) * L * 4, L, cols + g * rowsG * L * 4, L, dw + g * Og * rowsG * 4, rowsG, 1, work,
        );
      }
    }
  }
}

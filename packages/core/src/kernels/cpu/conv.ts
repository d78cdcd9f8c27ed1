import type { Tensor } from '../../tensor.js';
import { empty } from './output.js';
import { type DType, type FloatArray, allocate } from '../../dtype.js';
import { type ConvGeometry, col2im, convBiasGrad, im2col } from '../im2col.js';
import { conv2dBackwardThreaded, conv2dForwardThreaded, type ThreadedConvGeometry } from '../wasm/conv.js';
import { col2imStride1Wasm, im2colStride1Wasm } from '../wasm/convpool.js';
import { gemmVariant } from './linalg.js';
import { WASM_MIN_WORK, wasmActive } from './variant.js';

/**
 * The CPU backend's conv2d. The layout: per sample, cols[C·kH·kW, Ho·Wo] = im2col(x[n]); per group g,
 * y[n, g] = W[g] · cols[g] (bias prefilled), dW[g] += dY[n, g] · cols[g]ᵀ, dcols[g] = W[g]ᵀ · dY[n, g], dx[n] = col2im(dcols).
 * Every product reads its operands in place (gemm reads transposes through strides), so nothing is transposed or copied.
 * Per-sample cols rather than one batched [C·kH·kW, N·Ho·Wo]: the batched layout needs y and dY transposed between
 * [O, N, ...] and [N, O, ...] and measured 7-15% slower (forward + both gradients) at the LeNet-5 and seed-001 shapes.
 * One sample's cols buffer is reused across the batch (it stays in cache), and backward recomputes cols for dW instead
 * of forward keeping N copies: that measured 1.2-1.8x faster forward + backward at those shapes and keeps no
 * C·kH·kW-times copy of the input alive between forward and backward.
 * Float32 stride-1 convolutions on the wasm backend run that per-sample loop inside wasm instead (kernels/wasm/conv.ts;
 * see threadedGeometry below): the batch is copied in once and the output out once, rather than every sample's cols
 * in and out around each product, and with more than one thread (getNumThreads()) the samples are split across the
 * pool's threads; there, at the shapes where they measured faster, the passes skip im2col/col2im altogether
 * (implicit-GEMM kernels, asm/conv-implicit.ts; kernels/wasm/conv.ts implicitPasses picks them).
 */

/** The wasm kernels cover float32 at stride 1 without dilation, the common case (LeNet, most CNNs). */
function stride1Wasm(g: ConvGeometry, a: FloatArray, b: FloatArray): boolean {
  return wasmActive() && a instanceof Float32Array && b instanceof Float32Array &&
    g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1;
}

/** im2col (kernels/im2col.ts) in the variant the backend picks: the same bits either way. */
export function im2colVariant(g: ConvGeometry, x: FloatArray, xOff: number, cols: FloatArray, colsOff: number): void {
  if (stride1Wasm(g, x, cols) && im2colStride1Wasm(g, x as Float32Array, xOff, cols as Float32Array, colsOff)) return;
  im2col(g, x, xOff, cols, colsOff);
}

/** col2im (kernels/im2col.ts) in the variant the backend picks: the same bits either way. */
export function col2imVariant(g: ConvGeometry, cols: FloatArray, colsOff: number, dx: FloatArray, dxOff: number): void {
  if (stride1Wasm(g, cols, dx) && col2imStride1Wasm(g, cols as Float32Array, colsOff, dx as Float32Array, dxOff)) return;
  col2im(g, cols, colsOff, dx, dxOff);
}

/**
 * The geometry for the threaded path (kernels/wasm/conv.ts: the samples split across the pool's threads, all of a
 * sample's work inside wasm), or null where the one-thread loop runs: float32, stride 1, dilation 1, the wasm
 * backend, and products large enough for gemmVariant to run them in wasm too, so the forward pass and the input
 * gradient have the same bits either way. The weight gradient is summed per run of samples there, then the runs'
 * sums added, so its last bits depend on the thread count (getNumThreads(), not on the threads ready at the time);
 * on one thread it is one run, the same bits as the one-thread loop.
 */
function threadedGeometry(g: ConvGeometry, O: number, groups: number, dtype: DType): ThreadedConvGeometry | null {
  if (dtype !== 'float32' || !wasmActive()) return null;
  if (g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return null;
  const Og = O / groups;
  const rowsG = (g.C * g.kH * g.kW) / groups;
  const L = g.Ho * g.Wo;
  // The smallest of the three per-sample products: forward Og·L·rowsG, input grad rowsG·L·Og, weight grad Og·rowsG·L.
  if (Og * L * rowsG < WASM_MIN_WORK) return null;
  return { C: g.C, H: g.H, W: g.W, kH: g.kH, kW: g.kW, padTop: g.padTop, padLeft: g.padLeft, Ho: g.Ho, Wo: g.Wo, O, groups };
}

/** y [N, O, Ho, Wo] from x [N, C, H, W], weight [O, C/groups, kH, kW] and bias [O] or null. */
export function conv2dForward(g: ConvGeometry, groups: number, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  const N = x.shape[0];
  const O = w.shape[0];
  const Og = O / groups;
  const rows = g.C * g.kH * g.kW; // rows of one sample's cols; each group owns rows / groups of them
  const rowsG = rows / groups;
  const L = g.Ho * g.Wo;
  const out = empty([N, O, g.Ho, g.Wo], x.dtype);
  const Y = out.data as FloatArray;
  const X = x.data as FloatArray;
  const Wt = w.data as FloatArray;
  const B = b ? (b.data as FloatArray) : null;
  const threaded = threadedGeometry(g, O, groups, x.dtype);
  const done = threaded !== null &&
    conv2dForwardThreaded(threaded, N, X as Float32Array, Wt as Float32Array, B as Float32Array | null, Y as Float32Array);
  if (!done) {
    const cols = allocate(x.dtype, rows * L) as FloatArray;
    if (B) for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) Y.fill(B[o], (n * O + o) * L, (n * O + o + 1) * L);
    for (let n = 0; n < N; n++) {
      im2colVariant(g, X, n * g.C * g.H * g.W, cols, 0);
      for (let gi = 0; gi < groups; gi++) {
        gemmVariant(false, false, Og, L, rowsG, Wt, gi * Og * rowsG, cols, gi * rowsG * L, Y, (n * O + gi * Og) * L, B !== null);
      }
    }
  }
  return out;
}

/** The input and weight gradients of conv2d from the output's gradient, each only when asked for (else null). */
export function conv2dBackward(
  g: ConvGeometry, groups: number, x: Tensor, w: Tensor, grad: Tensor, needInput: boolean, needWeight: boolean,
): [Tensor | null, Tensor | null] {
  const N = x.shape[0];
  const O = w.shape[0];
  const Og = O / groups;
  const rows = g.C * g.kH * g.kW;
  const rowsG = rows / groups;
  const L = g.Ho * g.Wo;
  const G = grad.data as FloatArray;
  const Wt = w.data as FloatArray;
  let gx: Tensor | null = null;
  let gw: Tensor | null = null;
  const threaded = threadedGeometry(g, O, groups, x.dtype);
  if (threaded !== null && (needInput || needWeight)) {
    const dX = needInput ? empty(x.shape, x.dtype) : null;
    const dW = needWeight ? empty(w.shape, w.dtype) : null;
    const asF32 = (t: Tensor | null): Float32Array | null => (t === null ? null : (t.data as Float32Array));
    if (conv2dBackwardThreaded(threaded, N, x.data as Float32Array, Wt as Float32Array, G as Float32Array, asF32(dX), asF32(dW))) {
      gx = dX;
      gw = dW;
    }
  }
  if (needInput && gx === null) {
    gx = empty(x.shape, x.dtype);
    const dX = gx.data as FloatArray;
    const dcols = allocate(x.dtype, rows * L) as FloatArray;
    for (let n = 0; n < N; n++) {
      for (let gi = 0; gi < groups; gi++) {
        gemmVariant(true, false, rowsG, L, Og, Wt, gi * Og * rowsG, G, (n * O + gi * Og) * L, dcols, gi * rowsG * L, false);
      }
      col2imVariant(g, dcols, 0, dX, n * g.C * g.H * g.W);
    }
  }
  if (needWeight && gw === null) {
    gw = empty(w.shape, w.dtype);
    const dW = gw.data as FloatArray;
    const X = x.data as FloatArray;
    const cols = allocate(x.dtype, rows * L) as FloatArray;
    for (let n = 0; n < N; n++) {
      im2colVariant(g, X, n * g.C * g.H * g.W, cols, 0);
      for (let gi = 0; gi < groups; gi++) {
        gemmVariant(false, true, Og, rowsG, L, G, (n * O + gi * Og) * L, cols, gi * rowsG * L, dW, gi * Og * rowsG, true);
      }
    }
  }
  return [gx, gw];
}

/** The bias gradient [O] of conv2d: the output's gradient [N, O, L] summed over samples and positions. */
export function conv2dBiasBackward(grad: Tensor): Tensor {
  const [N, O] = grad.shape;
  const L = grad.numel() / (N * O || 1);
  const gb = empty([O], grad.dtype);
  convBiasGrad(grad.data as FloatArray, N, O, L, gb.data as FloatArray);
  return gb;
}

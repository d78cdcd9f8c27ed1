import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { empty } from '../creation.js';
import { type FloatArray, allocate } from '../dtype.js';
import { type IntPair, formatShape, intPair } from '../shape.js';
import { WASM_MIN_WORK, gemm, getBackend } from '../kernels/backend.js';
import { conv2dBackwardThreaded, conv2dForwardThreaded, type ThreadedConvGeometry } from '../kernels/wasm/conv.js';
import { type ConvGeometry, col2im, im2col } from '../kernels/im2col.js';

export interface Conv2dOptions {
  stride?: IntPair;
  /** Zero padding on each side, or 'valid' (none) or 'same' (output as large as the input; stride 1 only). */
  padding?: IntPair | 'valid' | 'same';
  dilation?: IntPair;
  groups?: number;
}

interface ConvState {
  geometry: ConvGeometry;
  groups: number;
}

type ConvArgs = [Tensor, Tensor, Tensor | null, Conv2dOptions];

/**
 * The convolution layout: per sample, cols[C·kH·kW, Ho·Wo] = im2col(x[n]); per group g,
 * y[n, g] = W[g] · cols[g] (bias prefilled), dW[g] += dY[n, g] · cols[g]ᵀ, dcols[g] = W[g]ᵀ · dY[n, g], dx[n] = col2im(dcols).
 * Every product reads its operands in place (gemm reads transposes through strides), so nothing is transposed or copied.
 * Per-sample cols rather than one batched [C·kH·kW, N·Ho·Wo]: the batched layout needs y and dY transposed between
 * [O, N, ...] and [N, O, ...] and measured 7-15% slower (forward + both gradients) at the LeNet-5 and seed-001 shapes.
 * One sample's cols buffer is reused across the batch (it stays in cache), and backward recomputes cols for dW instead
 * of forward keeping N copies: that measured 1.2-1.8x faster forward + backward at those shapes and keeps no
 * C·kH·kW-times copy of the input alive between forward and backward.
 * With more than one thread (getNumThreads()), float32 stride-1 convolutions split that per-sample loop across the
 * pool's threads instead, all of a sample's work inside wasm (kernels/wasm/conv.ts; see threadedGeometry below).
 */
const conv2dOp = defineOp({
  name: 'conv2d',
  signatures: {
    'Tensor, Tensor': (x: Tensor, w: Tensor): ConvArgs => [x, w, null, {}],
    'Tensor, Tensor, Tensor | null | undefined': (x: Tensor, w: Tensor, b: Tensor | null | undefined): ConvArgs => [x, w, b ?? null, {}],
    'Tensor, Tensor, Tensor | null | undefined, Object | undefined': (x: Tensor, w: Tensor, b: Tensor | null | undefined, o: Conv2dOptions | undefined): ConvArgs => [
      x, w, b ?? null, o ?? {},
    ],
  },
  forward(ctx: OpContext<ConvState>, x: Tensor, w: Tensor, b: Tensor | null, options: Conv2dOptions) {
    const { geometry: g, groups } = convGeometry(x, w, b, options);
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
        im2col(g, X, n * g.C * g.H * g.W, cols, 0);
        for (let gi = 0; gi < groups; gi++) {
          gemm(false, false, Og, L, rowsG, Wt, gi * Og * rowsG, cols, gi * rowsG * L, Y, (n * O + gi * Og) * L, B !== null);
        }
      }
    }
    ctx.save(x, w);
    ctx.state = { geometry: g, groups };
    return out;
  },
  backward(ctx, grad) {
    const [x, w] = ctx.saved;
    const { geometry: g, groups } = ctx.state;
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
    let gb: Tensor | null = null;
    const threaded = threadedGeometry(g, O, groups, x.dtype);
    if (threaded !== null && (ctx.needsInputGrad[0] || ctx.needsInputGrad[1])) {
      const dX = ctx.needsInputGrad[0] ? empty(x.shape, x.dtype) : null;
      const dW = ctx.needsInputGrad[1] ? empty(w.shape, w.dtype) : null;
      const asF32 = (t: Tensor | null): Float32Array | null => (t === null ? null : (t.data as Float32Array));
      if (conv2dBackwardThreaded(threaded, N, x.data as Float32Array, Wt as Float32Array, G as Float32Array, asF32(dX), asF32(dW))) {
        gx = dX;
        gw = dW;
      }
    }
    if (ctx.needsInputGrad[0] && gx === null) {
      gx = empty(x.shape, x.dtype);
      const dX = gx.data as FloatArray;
      const dcols = allocate(x.dtype, rows * L) as FloatArray;
      for (let n = 0; n < N; n++) {
        for (let gi = 0; gi < groups; gi++) {
          gemm(true, false, rowsG, L, Og, Wt, gi * Og * rowsG, G, (n * O + gi * Og) * L, dcols, gi * rowsG * L, false);
        }
        col2im(g, dcols, 0, dX, n * g.C * g.H * g.W);
      }
    }
    if (ctx.needsInputGrad[1] && gw === null) {
      gw = empty(w.shape, w.dtype);
      const dW = gw.data as FloatArray;
      const X = x.data as FloatArray;
      const cols = allocate(x.dtype, rows * L) as FloatArray;
      for (let n = 0; n < N; n++) {
        im2col(g, X, n * g.C * g.H * g.W, cols, 0);
        for (let gi = 0; gi < groups; gi++) {
          gemm(false, true, Og, rowsG, L, G, (n * O + gi * Og) * L, cols, gi * rowsG * L, dW, gi * Og * rowsG, true);
        }
      }
    }
    if (ctx.needsInputGrad[2]) {
      gb = empty([O], grad.dtype);
      const dB = gb.data;
      for (let n = 0; n < N; n++) {
        for (let o = 0; o < O; o++) {
          let s = 0;
          const base = (n * O + o) * L;
          for (let l = 0; l < L; l++) s += G[base + l];
          dB[o] += s;
        }
      }
    }
    return [gx, gw, gb];
  },
});

/**
 * The geometry for the threaded path (kernels/wasm/conv.ts: the samples split across the pool's threads, all of a
 * sample's work inside wasm), or null where the one-thread loop runs: float32, stride 1, dilation 1, the wasm
 * backend, and products large enough for the backend to run them in wasm too, so the forward pass and the input
 * gradient have the same bits either way. The weight gradient is summed per run of samples there, then the runs'
 * sums added, so its last bits depend on the thread count (getNumThreads(), not on the threads ready at the time).
 */
function threadedGeometry(g: ConvGeometry, O: number, groups: number, dtype: string): ThreadedConvGeometry | null {
  if (dtype !== 'float32' || getBackend() !== 'wasm') return null;
  if (g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return null;
  const Og = O / groups;
  const rowsG = (g.C * g.kH * g.kW) / groups;
  const L = g.Ho * g.Wo;
  // The smallest of the three per-sample products: forward Og·L·rowsG, input grad rowsG·L·Og, weight grad Og·rowsG·L.
  if (Og * L * rowsG < WASM_MIN_WORK) return null;
  return { C: g.C, H: g.H, W: g.W, kH: g.kH, kW: g.kW, padTop: g.padTop, padLeft: g.padLeft, Ho: g.Ho, Wo: g.Wo, O, groups };
}

/**
 * torch.nn.functional.conv2d: x [N, C, H, W], weight [O, C/groups, kH, kW], bias [O] or null.
 * Output [N, O, Ho, Wo] with Ho = floor((H + 2·padding - dilation·(kH - 1) - 1) / stride) + 1.
 */
export const conv2d = conv2dOp as unknown as (x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv2dOptions) => Tensor;

/** Checks every argument of conv2d against the others and works out the output size. */
function convGeometry(x: Tensor, w: Tensor, b: Tensor | null, options: Conv2dOptions): { geometry: ConvGeometry; groups: number } {
  if (x.ndim !== 4) throw new Error(`conv2d: expected a 4-D input [N, C, H, W], got shape ${formatShape(x.shape)}`);
  if (w.ndim !== 4) throw new Error(`conv2d: expected a 4-D weight [O, C/groups, kH, kW], got shape ${formatShape(w.shape)}`);
  if (x.dtype === 'int32' || w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) {
    throw new Error(`conv2d: expected input, weight and bias of one floating dtype, got ${x.dtype}, ${w.dtype}${b ? ', ' + b.dtype : ''}`);
  }
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`conv2d: groups must be a positive integer, got ${JSON.stringify(groups)}`);
  const [, C, H, W] = x.shape;
  const [O, Cg, kH, kW] = w.shape;
  if (C % groups !== 0) throw new Error(`conv2d: groups ${groups} must divide the input channels, got input ${formatShape(x.shape)}`);
  if (O % groups !== 0) throw new Error(`conv2d: groups ${groups} must divide the output channels, got weight ${formatShape(w.shape)}`);
  if (C !== Cg * groups) {
    throw new Error(`conv2d: input has ${C} channels but weight ${formatShape(w.shape)} expects ${Cg * groups}${groups > 1 ? ` (${Cg} per group × ${groups} groups)` : ''}`);
  }
  if (b && (b.ndim !== 1 || b.shape[0] !== O)) throw new Error(`conv2d: bias must have shape [${O}] for weight ${formatShape(w.shape)}, got ${formatShape(b.shape)}`);
  const [sH, sW] = intPair('conv2d', 'stride', stride, 1);
  const [dH, dW] = intPair('conv2d', 'dilation', dilation, 1);
  let padTop: number, padBottom: number, padLeft: number, padRight: number;
  if (padding === 'valid') {
    padTop = padBottom = padLeft = padRight = 0;
  } else if (padding === 'same') {
    if (sH !== 1 || sW !== 1) throw new Error(`conv2d: padding 'same' is not supported for strided convolutions, got stride [${sH}, ${sW}]`);
    // The total padding d·(k - 1) is split with the extra one on the bottom/right, as PyTorch does.
    const totalH = dH * (kH - 1);
    const totalW = dW * (kW - 1);
    padTop = Math.floor(totalH / 2);
    padBottom = totalH - padTop;
    padLeft = Math.floor(totalW / 2);
    padRight = totalW - padLeft;
  } else if (typeof padding === 'string') {
    throw new Error(`conv2d: padding must be a number, [h, w], 'valid' or 'same', got ${JSON.stringify(padding)}`);
  } else {
    [padTop, padLeft] = intPair('conv2d', 'padding', padding, 0);
    padBottom = padTop;
    padRight = padLeft;
  }
  const spanH = dH * (kH - 1) + 1;
  const spanW = dW * (kW - 1) + 1;
  const paddedH = H + padTop + padBottom;
  const paddedW = W + padLeft + padRight;
  if (spanH > paddedH || spanW > paddedW) {
    throw new Error(
      `conv2d: kernel [${kH}, ${kW}]${dH > 1 || dW > 1 ? ` (dilated to [${spanH}, ${spanW}])` : ''} is larger than the padded input ` +
        `[${paddedH}, ${paddedW}] of input ${formatShape(x.shape)}`,
    );
  }
  const Ho = Math.floor((paddedH - spanH) / sH) + 1;
  const Wo = Math.floor((paddedW - spanW) / sW) + 1;
  return {
    geometry: { C, H, W, kH, kW, strideH: sH, strideW: sW, padTop, padLeft, dilationH: dH, dilationW: dW, Ho, Wo },
    groups,
  };
}

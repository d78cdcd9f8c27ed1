import type { FloatArray } from '../dtype.js';

/**
 * Pooling over `planes` independent H×W planes (N·C of an NCHW tensor), each pooled to Ho×Wo.
 * Windows start at o·stride - pad; positions outside the input are padding.
 */
export interface PoolGeometry {
  planes: number;
  H: number;
  W: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  Ho: number;
  Wo: number;
}

/**
 * Another implementation of the 2×2 stride-2 case with the same contract and bits (the wasm SIMD kernel), which may
 * decline (returns false) and leave it to the loop here.
 */
export type MaxPool2x2Kernel = (planes: number, H: number, W: number, Ho: number, Wo: number, x: FloatArray, out: FloatArray, indices: Int32Array) => boolean;

/**
 * Max of every window (padding counts as -Infinity) and the flat index ih·W + iw of its FIRST maximum in row-major
 * window order; a NaN wins, as in PyTorch.
 */
export function maxPool2dForward(g: PoolGeometry, x: FloatArray, out: FloatArray, indices: Int32Array, fast2x2: MaxPool2x2Kernel | null = null): void {
  const { kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, H, W, Ho, Wo } = g;
  const fitsInput = (Ho - 1) * strideH + kH <= H && (Wo - 1) * strideW + kW <= W;
  if (kH === 2 && kW === 2 && strideH === 2 && strideW === 2 && padH === 0 && padW === 0 && dilationH === 1 && dilationW === 1 && fitsInput) {
    const done = fast2x2 !== null && fast2x2(g.planes, H, W, Ho, Wo, x, out, indices);
    if (!done) maxPool2x2Stride2(g.planes, H, W, Ho, Wo, x, out, indices);
  } else {
    maxPoolGeneral(g, x, out, indices);
  }
}

/**
 * The 2×2 stride-2 unpadded window of LeNet and most CNNs: four loads and three compares per output, one pass.
 * On random data most of its time goes to mispredicted compares; the WebAssembly kernel selects without branches.
 */
function maxPool2x2Stride2(planes: number, H: number, W: number, Ho: number, Wo: number, x: FloatArray, out: FloatArray, indices: Int32Array): void {
  const HW = H * W;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * HW;
    for (let oh = 0; oh < Ho; oh++) {
      let i0 = 2 * oh * W; // index of the window's top-left within the plane
      for (let ow = 0; ow < Wo; ow++, o++, i0 += 2) {
        const i1 = i0 + W;
        let best = x[base + i0];
        let at = i0;
        // Strictly greater keeps the first of tied maxima; once best is NaN nothing replaces it.
        if (best === best) {
          const b = x[base + i0 + 1];
          if (b > best || b !== b) { best = b; at = i0 + 1; }
          if (best === best) {
            const c = x[base + i1];
            if (c > best || c !== c) { best = c; at = i1; }
            if (best === best) {
              const d = x[base + i1 + 1];
              if (d > best || d !== d) { best = d; at = i1 + 1; }
            }
          }
        }
        out[o] = best;
        indices[o] = at;
      }
    }
  }
}

/** First k in [0, kSize) with 0 <= start + k·dilation, and one past the last with start + k·dilation < size. */
function tapRange(start: number, dilation: number, kSize: number, size: number): [number, number] {
  const lo = start >= 0 ? 0 : Math.ceil(-start / dilation);
  const hi = start >= size ? 0 : Math.ceil((size - start) / dilation);
  return [Math.min(lo, kSize), Math.min(hi, kSize)];
}

/** Any window: the taps inside the input are worked out per output row and column, so the inner loops check nothing. */
function maxPoolGeneral(g: PoolGeometry, x: FloatArray, out: FloatArray, indices: Int32Array): void {
  const { planes, H, W, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, Ho, Wo } = g;
  const HW = H * W;
  const kjLo = new Int32Array(Wo);
  const kjHi = new Int32Array(Wo);
  for (let ow = 0; ow < Wo; ow++) [kjLo[ow], kjHi[ow]] = tapRange(ow * strideW - padW, dilationW, kW, W);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * HW;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * strideH - padH;
      const [kiLo, kiHi] = tapRange(h0, dilationH, kH, H);
      for (let ow = 0; ow < Wo; ow++, o++) {
        const w0 = ow * strideW - padW;
        const jLo = kjLo[ow];
        const jHi = kjHi[ow];
        let best = -Infinity;
        let bestIdx = -1;
        for (let ki = kiLo; ki < kiHi && best === best; ki++) {
          const rowIdx = (h0 + ki * dilationH) * W + w0;
          for (let kj = jLo; kj < jHi; kj++) {
            const idx = rowIdx + kj * dilationW;
            const v = x[base + idx];
            // Strictly greater keeps the first of tied maxima; bestIdx < 0 takes the first position even if it is -Infinity.
            if (v > best || v !== v || bestIdx < 0) {
              best = v;
              bestIdx = idx;
              if (v !== v) break;
            }
          }
        }
        out[o] = best;
        indices[o] = bestIdx;
      }
    }
  }
}

/**
 * Adds each upstream gradient into dx at its window's argmax (several windows may share one position).
 * Index -1 marks a window that lies wholly in the padding (possible with dilation); it passes no gradient.
 */
export function maxPool2dBackward(planes: number, HW: number, L: number, dy: FloatArray, indices: Int32Array, dx: FloatArray): void {
  for (let p = 0; p < planes; p++) {
    const ib = p * HW;
    const ob = p * L;
    for (let l = 0; l < L; l++) {
      const idx = indices[ob + l];
      if (idx >= 0) dx[ib + idx] += dy[ob + l];
    }
  }
}

/** How avgPool2d divides each window's sum. */
export interface AvgPoolDivisor {
  countIncludePad: boolean;
  /** 0 for none. */
  divisorOverride: number;
}


/** No padding and no window past the input (no ceilMode overhang): every window has kH·kW input positions. */
function windowsInside(g: PoolGeometry): boolean {
  return g.padH === 0 && g.padW === 0 && (g.Ho - 1) * g.strideH + g.kH <= g.H && (g.Wo - 1) * g.strideW + g.kW <= g.W;
}

/** avgPool2d when windowsInside: one divisor for every window and no clipping; 2×2 windows are summed in one expression. */
function avgPoolInsideForward(g: PoolGeometry, count: number, x: FloatArray, out: FloatArray): void {
  const { planes, H, W, kH, kW, strideH, strideW, Ho, Wo } = g;
  const is2x2 = kH === 2 && kW === 2;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < Ho; oh++) {
      let r = p * H * W + oh * strideH * W; // the window's top-left
      for (let ow = 0; ow < Wo; ow++, o++, r += strideW) {
        // Summed from 0 in row-major order, as the general path does, so the values match to the bit.
        let s = 0;
        if (is2x2) {
          s = 0 + x[r] + x[r + 1] + x[r + W] + x[r + W + 1];
        } else {
          for (let row = r, ki = 0; ki < kH; ki++, row += W) {
            for (let kj = 0; kj < kW; kj++) s += x[row + kj];
          }
        }
        out[o] = s / count;
      }
    }
  }
}

function avgPoolInsideBackward(g: PoolGeometry, count: number, dy: FloatArray, dx: FloatArray): void {
  const { planes, H, W, kH, kW, strideH, strideW, Ho, Wo } = g;
  const is2x2 = kH === 2 && kW === 2;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < Ho; oh++) {
      let r = p * H * W + oh * strideH * W;
      for (let ow = 0; ow < Wo; ow++, o++, r += strideW) {
        const share = dy[o] / count;
        if (is2x2) {
          dx[r] += share;
          dx[r + 1] += share;
          dx[r + W] += share;
          dx[r + W + 1] += share;
        } else {
          for (let row = r, ki = 0; ki < kH; ki++, row += W) {
            for (let kj = 0; kj < kW; kj++) dx[row + kj] += share;
          }
        }
      }
    }
  }
}

/**
 * PyTorch's avg_pool2d: the window is clipped to the padded input (its size, padding included, is the default divisor)
 * and then to the input (its size is the divisor when padding is not counted). Every window meets the input, since
 * padding is at most half the kernel and ceilMode's last window starts inside the input or left padding.
 */
export function avgPool2dForward(g: PoolGeometry, div: AvgPoolDivisor, x: FloatArray, out: FloatArray): void {
  const { planes, H, W, kH, kW, strideH, strideW, padH, padW, Ho, Wo } = g;
  if (windowsInside(g)) {
    avgPoolInsideForward(g, div.divisorOverride || kH * kW, x, out);
    return;
  }
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      let hs = oh * strideH - padH;
      let he = Math.min(hs + kH, H + padH);
      const padRows = he - hs;
      hs = Math.max(hs, 0);
      he = Math.min(he, H);
      for (let ow = 0; ow < Wo; ow++, o++) {
        let ws = ow * strideW - padW;
        let we = ws + kW < W + padW ? ws + kW : W + padW;
        const padCols = we - ws;
        ws = ws > 0 ? ws : 0;
        we = we < W ? we : W;
        const count = div.divisorOverride || (div.countIncludePad ? padRows * padCols : (he - hs) * (we - ws));
        let s = 0;
        for (let ih = hs; ih < he; ih++) {
          const row = base + ih * W;
          for (let iw = ws; iw < we; iw++) s += x[row + iw];
        }
        out[o] = s / count;
      }
    }
  }
}

/** Spreads each window's upstream gradient, divided like the forward sum, over the window's input positions. */
export function avgPool2dBackward(g: PoolGeometry, div: AvgPoolDivisor, dy: FloatArray, dx: FloatArray): void {
  const { planes, H, W, kH, kW, strideH, strideW, padH, padW, Ho, Wo } = g;
  if (windowsInside(g)) {
    avgPoolInsideBackward(g, div.divisorOverride || kH * kW, dy, dx);
    return;
  }
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      let hs = oh * strideH - padH;
      let he = Math.min(hs + kH, H + padH);
      const padRows = he - hs;
      hs = Math.max(hs, 0);
      he = Math.min(he, H);
      for (let ow = 0; ow < Wo; ow++, o++) {
        let ws = ow * strideW - padW;
        let we = ws + kW < W + padW ? ws + kW : W + padW;
        const padCols = we - ws;
        ws = ws > 0 ? ws : 0;
        we = we < W ? we : W;
        const count = div.divisorOverride || (div.countIncludePad ? padRows * padCols : (he - hs) * (we - ws));
        const share = dy[o] / count;
        for (let ih = hs; ih < he; ih++) {
          const row = base + ih * W;
          for (let iw = ws; iw < we; iw++) dx[row + iw] += share;
        }
      }
    }
  }
}

/** PyTorch's adaptive windows along one axis: [floor(i·n/m), ceil((i+1)·n/m)) for output i of m. */
export function adaptiveWindows(n: number, m: number): { start: Int32Array; end: Int32Array } {
  const start = new Int32Array(m);
  const end = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    start[i] = Math.floor((i * n) / m);
    end[i] = Math.ceil(((i + 1) * n) / m);
  }
  return { start, end };
}

export function adaptiveAvgPool2dForward(planes: number, H: number, W: number, Ho: number, Wo: number, x: FloatArray, out: FloatArray): void {
  if (Ho === 1 && Wo === 1) {
    planeMeans(planes, H * W, x, out);
    return;
  }
  const rows = adaptiveWindows(H, Ho);
  const cols = adaptiveWindows(W, Wo);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      const hs = rows.start[oh];
      const he = rows.end[oh];
      for (let ow = 0; ow < Wo; ow++, o++) {
        const ws = cols.start[ow];
        const we = cols.end[ow];
        let s = 0;
        for (let ih = hs; ih < he; ih++) {
          const row = base + ih * W;
          for (let iw = ws; iw < we; iw++) s += x[row + iw];
        }
        out[o] = s / ((he - hs) * (we - ws));
      }
    }
  }
}

/**
 * Global average pooling (resnetish's head), summed in the order of the window loop above: a loop of its own, so its
 * element accesses see the one or two array types it is called with, not every type the general loop sees.
 */
function planeMeans(planes: number, size: number, x: FloatArray, out: FloatArray): void {
  for (let p = 0; p < planes; p++) {
    let s = 0;
    for (let i = p * size, end = i + size; i < end; i++) s += x[i];
    out[p] = s / size;
  }
}

/** dx of adaptiveAvgPool2dForward from dy: each window's share of its gradient, added into dx, which comes in zeroed. */
export function adaptiveAvgPool2dBackward(planes: number, H: number, W: number, Ho: number, Wo: number, dy: FloatArray, dx: FloatArray): void {
  if (Ho === 1 && Wo === 1) {
    // Global pooling (resnetish's head): one window per plane, filled natively; + 0 turns a -0 share into the +0 that
    // the loop below gets by adding it to dx's zeros.
    for (let p = 0; p < planes; p++) dx.fill(dy[p] / (H * W) + 0, p * H * W, (p + 1) * H * W);
    return;
  }
  const rows = adaptiveWindows(H, Ho);
  const cols = adaptiveWindows(W, Wo);
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * H * W;
    for (let oh = 0; oh < Ho; oh++) {
      const hs = rows.start[oh];
      const he = rows.end[oh];
      for (let ow = 0; ow < Wo; ow++, o++) {
        const ws = cols.start[ow];
        const we = cols.end[ow];
        const share = dy[o] / ((he - hs) * (we - ws));
        for (let ih = hs; ih < he; ih++) {
          const row = base + ih * W;
          for (let iw = ws; iw < we; iw++) dx[row + iw] += share;
        }
      }
    }
  }
}

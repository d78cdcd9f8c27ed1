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
 * Max of every window (padding counts as -Infinity) and the flat index ih·W + iw of its FIRST maximum in row-major
 * window order; a NaN wins, as in PyTorch.
 */
export function maxPool2dForward(g: PoolGeometry, x: FloatArray, out: FloatArray, indices: Int32Array): void {
  const { planes, H, W, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, Ho, Wo } = g;
  const HW = H * W;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * HW;
    for (let oh = 0; oh < Ho; oh++) {
      const h0 = oh * strideH - padH;
      for (let ow = 0; ow < Wo; ow++, o++) {
        const w0 = ow * strideW - padW;
        let best = -Infinity;
        let bestIdx = -1;
        for (let ki = 0; ki < kH; ki++) {
          const ih = h0 + ki * dilationH;
          if (ih < 0 || ih >= H) continue;
          for (let kj = 0; kj < kW; kj++) {
            const iw = w0 + kj * dilationW;
            if (iw < 0 || iw >= W) continue;
            const idx = ih * W + iw;
            const v = x[base + idx];
            // Strictly greater keeps the first of tied maxima; bestIdx < 0 takes the first position even if it is -Infinity.
            if (v > best || v !== v || bestIdx < 0) {
              best = v;
              bestIdx = idx;
              if (v !== v) break;
            }
          }
          if (best !== best) break;
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


/**
 * PyTorch's avg_pool2d: the window is clipped to the padded input (its size, padding included, is the default divisor)
 * and then to the input (its size is the divisor when padding is not counted). Every window meets the input, since
 * padding is at most half the kernel and ceilMode's last window starts inside the input or left padding.
 */
export function avgPool2dForward(g: PoolGeometry, div: AvgPoolDivisor, x: FloatArray, out: FloatArray): void {
  const { planes, H, W, kH, kW, strideH, strideW, padH, padW, Ho, Wo } = g;
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

export function adaptiveAvgPool2dBackward(planes: number, H: number, W: number, Ho: number, Wo: number, dy: FloatArray, dx: FloatArray): void {
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

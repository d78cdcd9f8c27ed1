import type { FloatArray } from '../dtype.js';

/**
 * The geometry of a 2-D convolution over one sample: C input channels of H×W, a kH×kW kernel with strides,
 * dilations and the top/left padding (bottom/right padding is implied by Ho and Wo, so 'same' padding with an
 * even kernel, which pads more on the bottom/right, needs nothing special here).
 */
export interface ConvGeometry {
  C: number;
  H: number;
  W: number;
  kH: number;
  kW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  Ho: number;
  Wo: number;
}

/** First output index o in [0, outSize) with 0 <= o*stride + offset, and one past the last with o*stride + offset < size. */
function validRange(offset: number, stride: number, size: number, outSize: number): [number, number] {
  const lo = offset >= 0 ? 0 : Math.ceil(-offset / stride);
  const hi = size - offset <= 0 ? 0 : Math.ceil((size - offset) / stride);
  return [Math.min(lo, outSize), Math.max(Math.min(hi, outSize), Math.min(lo, outSize))];
}

/**
 * Unfolds one sample x[C, H, W] (at xOff) into cols[C·kH·kW, Ho·Wo] (at colsOff): row (c, ki, kj) holds the input
 * value each output position multiplies with kernel tap (ki, kj) of channel c, 0 where the tap falls in the padding.
 */
export function im2col(g: ConvGeometry, x: FloatArray, xOff: number, cols: FloatArray, colsOff: number): void {
  const { C, H, W, kH, kW, strideH, strideW, padTop, padLeft, dilationH, dilationW, Ho, Wo } = g;
  const L = Ho * Wo;
  let row = colsOff;
  for (let c = 0; c < C; c++) {
    const plane = xOff + c * H * W;
    for (let ki = 0; ki < kH; ki++) {
      const offH = ki * dilationH - padTop;
      const [ohLo, ohHi] = validRange(offH, strideH, H, Ho);
      for (let kj = 0; kj < kW; kj++, row += L) {
        const offW = kj * dilationW - padLeft;
        const [owLo, owHi] = validRange(offW, strideW, W, Wo);
        cols.fill(0, row, row + ohLo * Wo);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const dst = row + oh * Wo;
          const src = plane + (oh * strideH + offH) * W + offW;
          for (let ow = 0; ow < owLo; ow++) cols[dst + ow] = 0;
          for (let ow = owLo; ow < owHi; ow++) cols[dst + ow] = x[src + ow * strideW];
          for (let ow = owHi; ow < Wo; ow++) cols[dst + ow] = 0;
        }
        cols.fill(0, row + ohHi * Wo, row + L);
      }
    }
  }
}

/**
 * The adjoint of im2col: adds every entry of cols[C·kH·kW, Ho·Wo] (at colsOff) into the input position it was
 * read from, so positions covered by several windows receive the sum. dx (at dxOff) is added into, not cleared.
 */
export function col2im(g: ConvGeometry, cols: FloatArray, colsOff: number, dx: FloatArray, dxOff: number): void {
  const { C, H, W, kH, kW, strideH, strideW, padTop, padLeft, dilationH, dilationW, Ho, Wo } = g;
  const L = Ho * Wo;
  let row = colsOff;
  for (let c = 0; c < C; c++) {
    const plane = dxOff + c * H * W;
    for (let ki = 0; ki < kH; ki++) {
      const offH = ki * dilationH - padTop;
      const [ohLo, ohHi] = validRange(offH, strideH, H, Ho);
      for (let kj = 0; kj < kW; kj++, row += L) {
        const offW = kj * dilationW - padLeft;
        const [owLo, owHi] = validRange(offW, strideW, W, Wo);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const src = row + oh * Wo;
          const dst = plane + (oh * strideH + offH) * W + offW;
          for (let ow = owLo; ow < owHi; ow++) dx[dst + ow * strideW] += cols[src + ow];
        }
      }
    }
  }
}

/** dB[o] += Σ over samples n and positions l of dY[n, o, l]: conv2d's bias gradient, dY [N, O, L]. */
export function convBiasGrad(dY: FloatArray, N: number, O: number, L: number, dB: FloatArray): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < O; o++) {
      let s = 0;
      const base = (n * O + o) * L;
      for (let l = 0; l < L; l++) s += dY[base + l];
      dB[o] += s;
    }
  }
}

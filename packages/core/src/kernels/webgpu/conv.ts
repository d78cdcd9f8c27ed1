import type { ConvGeometry } from '../im2col.js';
import { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, perItem, runPerItem } from './wgsl.js';

/**
 * The WebGPU backend's conv2d (kernels/cpu/conv.ts's entries), direct: one thread per output element, per input
 * element (its gradient gathers from the outputs whose windows hold it, so no two threads write one place) and per
 * weight element. No workgroup memory, so the pipelines compile quickly on SwiftShader; a tiled im2col + matmul
 * path is where speed on real GPUs would come from.
 */

/** params: [items, C, H, W, kH, kW, strideH, strideW, padTop, padLeft, dilationH, dilationW, Ho, Wo, O, groups, N]. */
function geometryParams(items: number, g: ConvGeometry, O: number, groups: number, N: number): number[] {
  return [items, g.C, g.H, g.W, g.kH, g.kW, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.Ho, g.Wo, O, groups, N];
}

const GEOMETRY = /* wgsl */ `
  let C = i32(p[1]); let H = i32(p[2]); let W = i32(p[3]); let kH = i32(p[4]); let kW = i32(p[5]);
  let sH = i32(p[6]); let sW = i32(p[7]); let padTop = i32(p[8]); let padLeft = i32(p[9]);
  let dH = i32(p[10]); let dW = i32(p[11]); let Ho = i32(p[12]); let Wo = i32(p[13]); let O = i32(p[14]);
  let groups = i32(p[15]); let N = i32(p[16]);
  let Cg = C / groups; let Og = O / groups;
  let e = i32(i);`;

/** y [N, O, Ho, Wo] from x [N, C, H, W], weight [O, C/groups, kH, kW] and bias [O] or null. */
export function conv2dForward(g: ConvGeometry, groups: number, x: DeviceTensor, w: DeviceTensor, b: DeviceTensor | null): DeviceTensor {
  const context = contextOf('conv2d', 'float32', x, w, b);
  const [N] = x.shape;
  const O = w.shape[0];
  const out = DeviceTensor.empty(context, [N, O, g.Ho, g.Wo], 'float32');
  const withBias = b !== null;
  runPerItem(context, `conv2d:${withBias}`, () => PRELUDE + bindings([['X', 'f32', false], ['Wt', 'f32', false], ['Y', 'f32', true], ...(withBias ? [['B', 'f32', false] as const] : [])]) + perItem(`${GEOMETRY}
  let wo = e % Wo; let ho = (e / Wo) % Ho; let o = (e / (Wo * Ho)) % O; let n = e / (Wo * Ho * O);
  let gi = o / Og;
  var acc = ${withBias ? 'B[o]' : '0.0'};
  for (var cg = 0; cg < Cg; cg++) {
    let c = gi * Cg + cg;
    for (var ki = 0; ki < kH; ki++) {
      let ih = ho * sH - padTop + ki * dH;
      if (ih < 0 || ih >= H) { continue; }
      for (var kj = 0; kj < kW; kj++) {
        let iw = wo * sW - padLeft + kj * dW;
        if (iw < 0 || iw >= W) { continue; }
        acc += X[((n * C + c) * H + ih) * W + iw] * Wt[((o * Cg + cg) * kH + ki) * kW + kj];
      }
    }
  }
  Y[i] = acc;`), geometryParams(out.numel, g, O, groups, N), [x.buffer, w.buffer, out.buffer, ...(b ? [b.buffer] : [])]);
  return out;
}

/** The input and weight gradients of conv2d from the output's gradient, each only when asked for (else null). */
export function conv2dBackward(
  g: ConvGeometry, groups: number, x: DeviceTensor, w: DeviceTensor, grad: DeviceTensor, needInput: boolean, needWeight: boolean,
): [DeviceTensor | null, DeviceTensor | null] {
  const context = contextOf('conv2dBackward', 'float32', x, w, grad);
  const [N] = x.shape;
  const O = w.shape[0];
  let gx: DeviceTensor | null = null;
  let gw: DeviceTensor | null = null;
  if (needInput) {
    gx = DeviceTensor.empty(context, x.shape, 'float32');
    runPerItem(context, 'conv2dInputGrad', () => PRELUDE + bindings([['G', 'f32', false], ['Wt', 'f32', false], ['DX', 'f32', true]]) + perItem(`${GEOMETRY}
  let iw = e % W; let ih = (e / W) % H; let c = (e / (W * H)) % C; let n = e / (W * H * C);
  let gi = c / Cg; let cg = c % Cg;
  var acc = 0.0;
  for (var og = 0; og < Og; og++) {
    let o = gi * Og + og;
    for (var ki = 0; ki < kH; ki++) {
      let th = ih + padTop - ki * dH;
      if (th < 0 || th % sH != 0 || th / sH >= Ho) { continue; }
      let ho = th / sH;
      for (var kj = 0; kj < kW; kj++) {
        let tw = iw + padLeft - kj * dW;
        if (tw < 0 || tw % sW != 0 || tw / sW >= Wo) { continue; }
        acc += G[((n * O + o) * Ho + ho) * Wo + tw / sW] * Wt[((o * Cg + cg) * kH + ki) * kW + kj];
      }
    }
  }
  DX[i] = acc;`), geometryParams(gx.numel, g, O, groups, N), [grad.buffer, w.buffer, gx.buffer]);
  }
  if (needWeight) {
    gw = DeviceTensor.empty(context, w.shape, 'float32');
    runPerItem(context, 'conv2dWeightGrad', () => PRELUDE + bindings([['G', 'f32', false], ['X', 'f32', false], ['DW', 'f32', true]]) + perItem(`${GEOMETRY}
  let kj = e % kW; let ki = (e / kW) % kH; let cg = (e / (kW * kH)) % Cg; let o = e / (kW * kH * Cg);
  let c = (o / Og) * Cg + cg;
  var acc = 0.0;
  for (var n = 0; n < N; n++) {
    for (var ho = 0; ho < Ho; ho++) {
      let ih = ho * sH - padTop + ki * dH;
      if (ih < 0 || ih >= H) { continue; }
      for (var wo = 0; wo < Wo; wo++) {
        let iw = wo * sW - padLeft + kj * dW;
        if (iw < 0 || iw >= W) { continue; }
        acc += G[((n * O + o) * Ho + ho) * Wo + wo] * X[((n * C + c) * H + ih) * W + iw];
      }
    }
  }
  DW[i] = acc;`), geometryParams(gw.numel, g, O, groups, N), [grad.buffer, x.buffer, gw.buffer]);
  }
  return [gx, gw];
}

/** The bias gradient [O] of conv2d: the output's gradient [N, O, L] summed over samples and positions. */
export function conv2dBiasBackward(grad: DeviceTensor): DeviceTensor {
  const context = contextOf('conv2dBiasBackward', 'float32', grad);
  const [N, O] = grad.shape;
  const L = grad.numel / (N * O || 1);
  const gb = DeviceTensor.empty(context, [O], 'float32');
  runPerItem(context, 'conv2dBiasGrad', () => PRELUDE + bindings([['G', 'f32', false], ['GB', 'f32', true]]) + perItem(`
  let O = p[1];
  let L = p[3];
  var acc = 0.0;
  for (var n = 0u; n < p[2]; n++) {
    for (var l = 0u; l < L; l++) { acc += G[(n * O + i) * L + l]; }
  }
  GB[i] = acc;`), [O, O, N, L], [grad.buffer, gb.buffer]);
  return gb;
}

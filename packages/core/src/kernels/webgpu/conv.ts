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

/**
 * The geometry as WGSL constants: each conv shape gets its own pipeline (a few per network, compiled once), and with
 * the sizes known the compiler unrolls the window loops and turns the index divisions into multiplications, which
 * on SwiftShader (the GPU emulated on the CPU's SIMD lanes, where integer division is scalar) is most of the time.
 */
function geometryConstants(params: readonly number[]): { key: string; source: string } {
  const names = ['C', 'H', 'W', 'kH', 'kW', 'sH', 'sW', 'padTop', 'padLeft', 'dH', 'dW', 'Ho', 'Wo', 'O', 'groups', 'N'];
  const values = params.slice(1);
  const source = names.map((name, k) => `const ${name} = ${values[k]};`).join(' ') + `
  const Cg = C / groups; const Og = O / groups;
  let e = i32(i);`;
  return { key: values.join(','), source };
}

/** y [N, O, Ho, Wo] from x [N, C, H, W], weight [O, C/groups, kH, kW] and bias [O] or null. */
export function conv2dForward(g: ConvGeometry, groups: number, x: DeviceTensor, w: DeviceTensor, b: DeviceTensor | null): DeviceTensor {
  const context = contextOf('conv2d', 'float32', x, w, b);
  const [N] = x.shape;
  const O = w.shape[0];
  const out = DeviceTensor.empty(context, [N, O, g.Ho, g.Wo], 'float32');
  const withBias = b !== null;
  const params = geometryParams(out.numel, g, O, groups, N);
  const geometry = geometryConstants(params);
  runPerItem(context, `conv2d:${withBias}:${geometry.key}`, () => PRELUDE + bindings([['X', 'f32', false], ['Wt', 'f32', false], ['Y', 'f32', true], ...(withBias ? [['B', 'f32', false] as const] : [])]) + perItem(`${geometry.source}
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
  Y[i] = acc;`), params, [x.buffer, w.buffer, out.buffer, ...(b ? [b.buffer] : [])]);
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
    const params = geometryParams(gx.numel, g, O, groups, N);
    const geometry = geometryConstants(params);
    runPerItem(context, `conv2dInputGrad:${geometry.key}`, () => PRELUDE + bindings([['G', 'f32', false], ['Wt', 'f32', false], ['DX', 'f32', true]]) + perItem(`${geometry.source}
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
  DX[i] = acc;`), params, [grad.buffer, w.buffer, gx.buffer]);
  }
  if (needWeight) {
    gw = DeviceTensor.empty(context, w.shape, 'float32');
    const params = geometryParams(gw.numel, g, O, groups, N);
    const geometry = geometryConstants(params);
    runPerItem(context, `conv2dWeightGrad:${geometry.key}`, () => PRELUDE + bindings([['G', 'f32', false], ['X', 'f32', false], ['DW', 'f32', true]]) + perItem(`${geometry.source}
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
  DW[i] = acc;`), params, [grad.buffer, x.buffer, gw.buffer]);
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

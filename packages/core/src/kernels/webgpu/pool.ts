import type { AvgPoolDivisor, PoolGeometry } from '../pool.js';
import { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, perItem, runPerItem } from './wgsl.js';

/**
 * The WebGPU backend's max and average pooling (kernels/cpu/pool.ts's entries). Forward: one thread per output;
 * backward: one thread per input element, gathering from the windows that hold it (no two threads write one place).
 * params: [items, H, W, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, Ho, Wo, countIncludePad, divisorOverride].
 */

function geometryParams(items: number, g: PoolGeometry, divisor: AvgPoolDivisor | null = null): number[] {
  return [items, g.H, g.W, g.kH, g.kW, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW, g.Ho, g.Wo,
    Number(divisor?.countIncludePad ?? false), divisor?.divisorOverride ?? 0];
}

const GEOMETRY = /* wgsl */ `
  let H = i32(p[1]); let W = i32(p[2]); let kH = i32(p[3]); let kW = i32(p[4]); let sH = i32(p[5]); let sW = i32(p[6]);
  let padH = i32(p[7]); let padW = i32(p[8]); let dH = i32(p[9]); let dW = i32(p[10]); let Ho = i32(p[11]); let Wo = i32(p[12]);
  let e = i32(i);`;

/** Each window's maximum [N, C, Ho, Wo] and the int32 flat index (ih·W + iw in its plane) of its first maximum. */
export function maxPool2d(g: PoolGeometry, x: DeviceTensor): { out: DeviceTensor; indices: DeviceTensor } {
  const context = contextOf('maxPool2d', 'float32', x);
  const shape = [x.shape[0], x.shape[1], g.Ho, g.Wo];
  const out = DeviceTensor.empty(context, shape, 'float32');
  const indices = DeviceTensor.empty(context, shape, 'int32');
  runPerItem(context, 'maxPool2d', () => PRELUDE + bindings([['X', 'f32', false], ['Y', 'f32', true], ['I', 'i32', true]]) + perItem(`${GEOMETRY}
  let ow = e % Wo; let oh = (e / Wo) % Ho; let plane = e / (Wo * Ho);
  var best = 0.0;
  var at = -1;
  for (var ki = 0; ki < kH; ki++) {
    let ih = oh * sH - padH + ki * dH;
    if (ih < 0 || ih >= H) { continue; }
    for (var kj = 0; kj < kW; kj++) {
      let iw = ow * sW - padW + kj * dW;
      if (iw < 0 || iw >= W) { continue; }
      let v = X[(plane * H + ih) * W + iw];
      if (at < 0 || v > best) { best = v; at = ih * W + iw; } // strictly greater keeps the first of tied maxima
    }
  }
  var minusInfinity = 0xff800000u; // a var: an infinite constant does not compile
  Y[i] = select(best, bitcast<f32>(minusInfinity), at < 0); // a window wholly in the padding: -Infinity, index -1
  I[i] = at;`), geometryParams(out.numel, g), [x.buffer, out.buffer, indices.buffer]);
  return { out, indices };
}

/** maxPool2d's gradient: each window's upstream gradient added at its argmax. */
export function maxPool2dBackward(g: PoolGeometry, grad: DeviceTensor, indices: DeviceTensor, inShape: readonly number[]): DeviceTensor {
  const context = contextOf('maxPool2dBackward', 'float32', grad);
  contextOf('maxPool2dBackward', 'int32', indices);
  const dx = DeviceTensor.empty(context, inShape, 'float32');
  runPerItem(context, 'maxPool2dBackward', () => PRELUDE + bindings([['G', 'f32', false], ['I', 'i32', false], ['DX', 'f32', true]]) + perItem(`${GEOMETRY}
  let iw = e % W; let ih = (e / W) % H; let plane = e / (W * H);
  var acc = 0.0;
  for (var ki = kH - 1; ki >= 0; ki--) {
    let th = ih + padH - ki * dH;
    if (th < 0 || th % sH != 0 || th / sH >= Ho) { continue; }
    for (var kj = kW - 1; kj >= 0; kj--) {
      let tw = iw + padW - kj * dW;
      if (tw < 0 || tw % sW != 0 || tw / sW >= Wo) { continue; }
      let o = (plane * Ho + th / sH) * Wo + tw / sW;
      if (I[o] == ih * W + iw) { acc += G[o]; }
    }
  }
  DX[i] = acc;`), geometryParams(dx.numel, g), [grad.buffer, indices.buffer, dx.buffer]);
  return dx;
}

/**
 * One average-pool window as PyTorch clips it: rows [hs, he) and columns [ws, we) inside the input, and its divisor
 * (the override, or the window clipped to the padded input, or to the input when padding is not counted).
 */
const AVG_WINDOW = /* wgsl */ `
fn avgWindow(oh: i32, ow: i32, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, padH: i32, padW: i32) -> vec4<i32> {
  let hs = oh * sH - padH;
  let ws = ow * sW - padW;
  return vec4<i32>(max(hs, 0), min(min(hs + kH, H + padH), H), max(ws, 0), min(min(ws + kW, W + padW), W));
}
fn avgDivisor(oh: i32, ow: i32, win: vec4<i32>, H: i32, W: i32, kH: i32, kW: i32, sH: i32, sW: i32, padH: i32, padW: i32) -> f32 {
  if (p[14] != 0u) { return f32(p[14]); }
  if (p[13] == 1u) {
    let hs = oh * sH - padH;
    let ws = ow * sW - padW;
    return f32((min(hs + kH, H + padH) - hs) * (min(ws + kW, W + padW) - ws));
  }
  return f32((win.y - win.x) * (win.w - win.z));
}
`;

/** Each window's average [N, C, Ho, Wo]. */
export function avgPool2d(g: PoolGeometry, divisor: AvgPoolDivisor, x: DeviceTensor): DeviceTensor {
  const context = contextOf('avgPool2d', 'float32', x);
  const out = DeviceTensor.empty(context, [x.shape[0], x.shape[1], g.Ho, g.Wo], 'float32');
  runPerItem(context, 'avgPool2d', () => PRELUDE + AVG_WINDOW + bindings([['X', 'f32', false], ['Y', 'f32', true]]) + perItem(`${GEOMETRY}
  let ow = e % Wo; let oh = (e / Wo) % Ho; let plane = e / (Wo * Ho);
  let win = avgWindow(oh, ow, H, W, kH, kW, sH, sW, padH, padW);
  var s = 0.0;
  for (var ih = win.x; ih < win.y; ih++) {
    for (var iw = win.z; iw < win.w; iw++) { s += X[(plane * H + ih) * W + iw]; }
  }
  Y[i] = s / avgDivisor(oh, ow, win, H, W, kH, kW, sH, sW, padH, padW);`), geometryParams(out.numel, g, divisor), [x.buffer, out.buffer]);
  return out;
}

/** avgPool2d's gradient: each window's upstream gradient shared among its input positions. */
export function avgPool2dBackward(g: PoolGeometry, divisor: AvgPoolDivisor, grad: DeviceTensor, inShape: readonly number[]): DeviceTensor {
  const context = contextOf('avgPool2dBackward', 'float32', grad);
  const dx = DeviceTensor.empty(context, inShape, 'float32');
  runPerItem(context, 'avgPool2dBackward', () => PRELUDE + AVG_WINDOW + bindings([['G', 'f32', false], ['DX', 'f32', true]]) + perItem(`${GEOMETRY}
  let iw = e % W; let ih = (e / W) % H; let plane = e / (W * H);
  var acc = 0.0;
  // the windows whose start lies in (i - k, i]: oh·s - pad in that range
  let ohLo = max(0, (ih + padH - kH + sH) / sH);
  let owLo = max(0, (iw + padW - kW + sW) / sW);
  for (var oh = ohLo; oh < Ho && oh * sH - padH <= ih; oh++) {
    for (var ow = owLo; ow < Wo && ow * sW - padW <= iw; ow++) {
      let win = avgWindow(oh, ow, H, W, kH, kW, sH, sW, padH, padW);
      if (ih < win.x || ih >= win.y || iw < win.z || iw >= win.w) { continue; }
      acc += G[(plane * Ho + oh) * Wo + ow] / avgDivisor(oh, ow, win, H, W, kH, kW, sH, sW, padH, padW);
    }
  }
  DX[i] = acc;`), geometryParams(dx.numel, g, divisor), [grad.buffer, dx.buffer]);
  return dx;
}

/** PyTorch's adaptive windows: output o of m along an axis of n covers [floor(o·n/m), ceil((o+1)·n/m)). */
const ADAPTIVE = /* wgsl */ `
fn windowStart(o: u32, n: u32, m: u32) -> u32 { return (o * n) / m; }
fn windowEnd(o: u32, n: u32, m: u32) -> u32 { return ((o + 1u) * n + m - 1u) / m; }
`;

/** The mean of each adaptive window [N, C, Ho, Wo]. params: [items, H, W, Ho, Wo]. */
export function adaptiveAvgPool2d(x: DeviceTensor, Ho: number, Wo: number): DeviceTensor {
  const context = contextOf('adaptiveAvgPool2d', 'float32', x);
  const [N, C, H, W] = x.shape;
  const out = DeviceTensor.empty(context, [N, C, Ho, Wo], 'float32');
  runPerItem(context, 'adaptiveAvgPool2d', () => PRELUDE + ADAPTIVE + bindings([['X', 'f32', false], ['Y', 'f32', true]]) + perItem(`
  let H = p[1]; let W = p[2]; let Ho = p[3]; let Wo = p[4];
  let ow = i % Wo; let oh = (i / Wo) % Ho; let plane = i / (Wo * Ho);
  let hs = windowStart(oh, H, Ho); let he = windowEnd(oh, H, Ho);
  let ws = windowStart(ow, W, Wo); let we = windowEnd(ow, W, Wo);
  var s = 0.0;
  for (var ih = hs; ih < he; ih++) {
    for (var iw = ws; iw < we; iw++) { s += X[(plane * H + ih) * W + iw]; }
  }
  Y[i] = s / f32((he - hs) * (we - ws));`), [out.numel, H, W, Ho, Wo], [x.buffer, out.buffer]);
  return out;
}

/** adaptiveAvgPool2d's gradient: each input element gathers the shares of the windows holding it, in output order. */
export function adaptiveAvgPool2dBackward(grad: DeviceTensor, inShape: readonly number[]): DeviceTensor {
  const context = contextOf('adaptiveAvgPool2dBackward', 'float32', grad);
  const [, , H, W] = inShape;
  const [, , Ho, Wo] = grad.shape;
  const dx = DeviceTensor.empty(context, inShape, 'float32');
  runPerItem(context, 'adaptiveAvgPool2dBackward', () => PRELUDE + ADAPTIVE + bindings([['G', 'f32', false], ['DX', 'f32', true]]) + perItem(`
  let H = p[1]; let W = p[2]; let Ho = p[3]; let Wo = p[4];
  let iw = i % W; let ih = (i / W) % H; let plane = i / (W * H);
  var acc = 0.0;
  for (var oh = 0u; oh < Ho; oh++) {
    let hs = windowStart(oh, H, Ho); let he = windowEnd(oh, H, Ho);
    if (ih < hs || ih >= he) { continue; }
    for (var ow = 0u; ow < Wo; ow++) {
      let ws = windowStart(ow, W, Wo); let we = windowEnd(ow, W, Wo);
      if (iw < ws || iw >= we) { continue; }
      acc += G[(plane * Ho + oh) * Wo + ow] / f32((he - hs) * (we - ws));
    }
  }
  DX[i] = acc;`), [dx.numel, H, W, Ho, Wo], [grad.buffer, dx.buffer]);
  return dx;
}

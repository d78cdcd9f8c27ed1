import type { DType } from '../../dtype.js';
import type { ClassLossGeometry, LossReduction } from '../loss.js';
import { binary } from './elementwise.js';
import { divScalar_ } from './inplace.js';
import { sumDims } from './reduce.js';
import { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem } from './wgsl.js';

/**
 * The WebGPU backend's cross-entropy (kernels/cpu/loss.ts's entries): one thread per position (n, j) walks the C
 * classes, which sit `inner` apart. Unlike the CPU entry, the summed target weight (the 'mean' denominator) stays on
 * the device as a one-element tensor, so no step waits for a readback; crossEntropyBackward takes it as such.
 * params: [positions, C, inner, ignoreIndex, labelSmoothing (f32 bits), reduction (0 none, 1 sum, 2 mean)].
 */

const REDUCTIONS: Record<LossReduction, number> = { none: 0, sum: 1, mean: 2 };

function geometryParams(geo: ClassLossGeometry, labelSmoothing: number, reduction: LossReduction = 'none'): number[] {
  return [geo.N * geo.inner, geo.C, geo.inner, geo.ignoreIndex | 0, f32Bits(labelSmoothing), REDUCTIONS[reduction]];
}

const POSITION = /* wgsl */ `
  let C = p[1];
  let inner = p[2];
  let ignoreIndex = bitcast<i32>(p[3]);
  let eps = pf(4u);
  let base = (i / inner) * C * inner + i % inner;
  let t = T[i];`;

/** The weight of class c: W[c], or 1 without class weights. */
function weightOf(withWeight: boolean, c: string): string {
  return withWeight ? `W[${c}]` : '1.0';
}

/**
 * Per-position cross-entropy (shaped like the target, 0 where ignored), softmax(logits) when keepProbs, and the
 * summed target weight of the non-ignored positions as a one-element device tensor.
 */
export function crossEntropy(
  geo: ClassLossGeometry, logits: DeviceTensor, target: DeviceTensor, weight: DeviceTensor | null, labelSmoothing: number, keepProbs: boolean,
): { loss: DeviceTensor; probs: DeviceTensor | null; weightSum: DeviceTensor } {
  const context = contextOf('crossEntropy', 'float32', logits, weight);
  contextOf('crossEntropy', 'int32', target);
  const loss = DeviceTensor.empty(context, target.shape, 'float32');
  const probs = keepProbs ? DeviceTensor.empty(context, logits.shape, 'float32') : null;
  const positionWeight = DeviceTensor.empty(context, target.shape, 'float32');
  const w = weight !== null;
  const key = `crossEntropy:${w}:${keepProbs}`;
  const declared = bindings([
    ['X', 'f32', false], ['T', 'i32', false], ['L', 'f32', true], ['PW', 'f32', true],
    ...(keepProbs ? [['P', 'f32', true] as const] : []), ...(w ? [['W', 'f32', false] as const] : []),
  ]);
  runPerItem(context, key, () => PRELUDE + declared + perItem(`${POSITION}
  var m = X[base];
  for (var c = 1u; c < C; c++) { m = max(m, X[base + c * inner]); }
  var s = 0.0;
  for (var c = 0u; c < C; c++) { s += exp(X[base + c * inner] - m); }
  let logS = log(s);
  ${keepProbs ? 'for (var c = 0u; c < C; c++) { P[base + c * inner] = exp(X[base + c * inner] - m) / s; }' : ''}
  if (t == ignoreIndex) { L[i] = 0.0; PW[i] = 0.0; return; }
  let wt = ${weightOf(w, 'u32(t)')};
  PW[i] = wt;
  var value = (1.0 - eps) * wt * (m - X[base + u32(t) * inner] + logS);
  if (eps > 0.0) {
    var smoothed = 0.0;
    for (var c = 0u; c < C; c++) { smoothed += ${weightOf(w, 'c')} * (m - X[base + c * inner] + logS); }
    value += (eps / f32(C)) * smoothed;
  }
  L[i] = value;`), geometryParams(geo, labelSmoothing),
  [logits.buffer, target.buffer, loss.buffer, positionWeight.buffer, ...(probs ? [probs.buffer] : []), ...(weight ? [weight.buffer] : [])]);
  const weightSum = DeviceTensor.empty(context, [], 'float32');
  // one thread adds the positions' weights in order, as the CPU loop does (a loss has few positions)
  runPerItem(context, 'weightSum', () => PRELUDE + bindings([['PW', 'f32', false], ['S', 'f32', true]]) + perItem(`
  var acc = 0.0;
  for (var k = 0u; k < p[1]; k++) { acc += PW[k]; }
  S[0] = acc;`), [1, positionWeight.numel], [positionWeight.buffer, weightSum.buffer]);
  positionWeight.release();
  return { loss, probs, weightSum };
}

/** d loss / d logits from the saved softmax: s·[(1 - eps)·w_t·(p_c - [c = t]) + (eps / C)·(p_c·Σ_k w_k - w_c)], 0 where ignored. */
export function crossEntropyBackward(
  geo: ClassLossGeometry, probs: DeviceTensor, target: DeviceTensor, weight: DeviceTensor | null, labelSmoothing: number,
  g: DeviceTensor, reduction: LossReduction, weightSum: DeviceTensor,
): DeviceTensor {
  const context = contextOf('crossEntropyBackward', 'float32', probs, weight, g, weightSum);
  contextOf('crossEntropyBackward', 'int32', target);
  const gx = DeviceTensor.empty(context, probs.shape, 'float32');
  const w = weight !== null;
  const declared = bindings([
    ['P', 'f32', false], ['T', 'i32', false], ['G', 'f32', false], ['WS', 'f32', false], ['D', 'f32', true], ...(w ? [['W', 'f32', false] as const] : []),
  ]);
  runPerItem(context, `crossEntropyBackward:${w}`, () => PRELUDE + declared + perItem(`${POSITION}
  if (t == ignoreIndex) {
    for (var c = 0u; c < C; c++) { D[base + c * inner] = 0.0; }
    return;
  }
  var s = G[0];
  if (p[5] == 0u) { s = G[i]; } else if (p[5] == 2u) { s = G[0] / WS[0]; }
  var wAll = f32(C);
  ${w ? 'wAll = 0.0; for (var c = 0u; c < C; c++) { wAll += W[c]; }' : ''}
  let wt = ${weightOf(w, 'u32(t)')};
  let a = s * ((1.0 - eps) * wt + (eps / f32(C)) * wAll);
  let b = (s * eps) / f32(C);
  for (var c = 0u; c < C; c++) { D[base + c * inner] = a * P[base + c * inner] - b * ${weightOf(w, 'c')}; }
  D[base + u32(t) * inner] -= s * (1.0 - eps) * wt;`), geometryParams(geo, labelSmoothing, reduction),
  [probs.buffer, target.buffer, g.buffer, weightSum.buffer, gx.buffer, ...(weight ? [weight.buffer] : [])]);
  return gx;
}

/**
 * Per-position NLL -w_t·input[t] (shaped like the target, 0 where ignored) and the summed target weight of the
 * non-ignored positions, a one-element device tensor (as crossEntropy's).
 */
export function nllLoss(geo: ClassLossGeometry, input: DeviceTensor, target: DeviceTensor, weight: DeviceTensor | null): { loss: DeviceTensor; weightSum: DeviceTensor } {
  const context = contextOf('nllLoss', 'float32', input, weight);
  contextOf('nllLoss', 'int32', target);
  const loss = DeviceTensor.empty(context, target.shape, 'float32');
  const w = weight !== null;
  const declared = bindings([['X', 'f32', false], ['T', 'i32', false], ['L', 'f32', true], ...(w ? [['W', 'f32', false] as const] : [])]);
  runPerItem(context, `nllLoss:${w}`, () => PRELUDE + declared + perItem(`${POSITION}
  if (t == ignoreIndex) { L[i] = 0.0; return; }
  L[i] = -${weightOf(w, 'u32(t)')} * X[base + u32(t) * inner];`), geometryParams(geo, 0), [input.buffer, target.buffer, loss.buffer, ...(weight ? [weight.buffer] : [])]);
  const weightSum = DeviceTensor.empty(context, [], 'float32');
  // one thread adds the non-ignored positions' weights in order, as the CPU loop does
  runPerItem(context, `nllWeightSum:${w}`, () => PRELUDE + bindings([['T', 'i32', false], ['S', 'f32', true], ...(w ? [['W', 'f32', false] as const] : [])]) + perItem(`
  var acc = 0.0;
  for (var k = 0u; k < p[1]; k++) {
    let t = T[k];
    if (t != bitcast<i32>(p[2])) { acc += ${weightOf(w, 'u32(t)')}; }
  }
  S[0] = acc;`), [1, target.numel, geo.ignoreIndex | 0], [target.buffer, weightSum.buffer, ...(weight ? [weight.buffer] : [])]);
  return { loss, weightSum };
}

/** nllLoss's input gradient: -w_t·(the position's upstream gradient) at the target class, 0 elsewhere and where ignored. */
export function nllLossBackward(
  geo: ClassLossGeometry, target: DeviceTensor, weight: DeviceTensor | null, g: DeviceTensor, reduction: LossReduction, weightSum: DeviceTensor,
  inShape: readonly number[],
): DeviceTensor {
  const context = contextOf('nllLossBackward', 'float32', g, weight, weightSum);
  contextOf('nllLossBackward', 'int32', target);
  const gx = DeviceTensor.empty(context, inShape, 'float32');
  const w = weight !== null;
  const declared = bindings([['T', 'i32', false], ['G', 'f32', false], ['WS', 'f32', false], ['D', 'f32', true], ...(w ? [['W', 'f32', false] as const] : [])]);
  // one thread per input element: the class c of its position gets the gradient when c is the target
  runPerItem(context, `nllLossBackward:${w}`, () => PRELUDE + declared + perItem(`
  let C = p[1];
  let inner = p[2];
  let ignoreIndex = bitcast<i32>(p[3]);
  let position = (i / (C * inner)) * inner + i % inner;
  let t = T[position];
  if (t == ignoreIndex || u32(t) != (i / inner) % C) { D[i] = 0.0; return; }
  var s = G[0];
  if (p[5] == 0u) { s = G[position]; } else if (p[5] == 2u) { s = G[0] / WS[0]; }
  D[i] = -${weightOf(w, 'u32(t)')} * s;`), [geo.N * geo.C * geo.inner, ...geometryParams(geo, 0, reduction).slice(1)],
  [target.buffer, g.buffer, weightSum.buffer, gx.buffer, ...(weight ? [weight.buffer] : [])]);
  return gx;
}

/** mseLoss's input gradient 2·diff·s from the saved differences input - target (s: g, g[i], or g / numel). */
export function mseLossBackward(diff: DeviceTensor, g: DeviceTensor, reduction: LossReduction): DeviceTensor {
  const context = contextOf('mseLossBackward', 'float32', diff, g);
  const gi = DeviceTensor.empty(context, diff.shape, 'float32');
  runPerItem(context, 'mseLossBackward', () => PRELUDE + bindings([['X', 'f32', false], ['G', 'f32', false], ['D', 'f32', true]]) + perItem(`
  var s = G[0];
  if (p[1] == 0u) { s = G[i]; } else if (p[1] == 2u) { s = G[0] / f32(p[0]); }
  D[i] = 2.0 * X[i] * s;`), [diff.numel, REDUCTIONS[reduction]], [diff.buffer, g.buffer, gi.buffer]);
  return gi;
}

/**
 * The per-position losses reduced as the CPU's reduceLoss does; the 'mean' denominator is a one-element device
 * tensor (crossEntropy's and nllLoss's weightSum stay on the device, so no step waits for a readback) or a count.
 */
export function reduceLoss(perPosition: DeviceTensor, reduction: LossReduction, denominator: DeviceTensor | number, dtype: DType): DeviceTensor {
  if (reduction === 'none') return perPosition;
  const flat = perPosition.view([perPosition.numel]);
  const total = sumDims(flat, [0]).view([]);
  if (reduction === 'sum') return total;
  if (typeof denominator === 'number') { // a count known on the host (mseLoss's numel)
    divScalar_(total, denominator);
    return total;
  }
  const mean = binary('div', total, denominator.view([]), [], dtype);
  total.release();
  return mean;
}

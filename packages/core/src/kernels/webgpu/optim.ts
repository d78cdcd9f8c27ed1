import type { AdamSettings, SgdSettings } from '../optim.js';
import type { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem } from './wgsl.js';

/** The WebGPU backend's optimizer updates (kernels/cpu/optim.ts's entries), in place, one thread per element, float32. */

/** One SGD step of parameter p with gradient g and momentum buffer b (null without momentum). */
export function sgdUpdate(p: DeviceTensor, g: DeviceTensor, b: DeviceTensor | null, h: SgdSettings, firstMomentumStep: boolean): void {
  const context = contextOf('sgdUpdate', 'float32', p, g, b);
  const withMomentum = b !== null;
  const params = [p.numel, f32Bits(h.lr), f32Bits(h.momentum), f32Bits(h.dampening), Number(h.nesterov), f32Bits(h.weightDecay), h.maximize ? 1 : 0, Number(firstMomentumStep)];
  runPerItem(context, `sgd:${withMomentum}`, () => PRELUDE + bindings([['X', 'f32', true], ['G', 'f32', false], ...(withMomentum ? [['B', 'f32', true] as const] : [])]) + perItem(`
  var gi = select(G[i], -G[i], p[6] == 1u);
  gi += pf(5u) * X[i];
  ${withMomentum ? `
  if (p[7] == 1u) { B[i] = gi; } else { B[i] = pf(2u) * B[i] + (1.0 - pf(3u)) * gi; }
  if (p[4] == 1u) { gi = gi + pf(2u) * B[i]; } else { gi = B[i]; }` : ''}
  X[i] = X[i] - pf(1u) * gi;`), params, [p.buffer, g.buffer, ...(b ? [b.buffer] : [])]);
}

/** One Adam/AdamW step of p with gradient g, moments m and v, and vMax under amsgrad (else null). */
export function adamUpdate(p: DeviceTensor, g: DeviceTensor, m: DeviceTensor, v: DeviceTensor, vMax: DeviceTensor | null, h: AdamSettings): void {
  const context = contextOf('adamUpdate', 'float32', p, g, m, v, vMax);
  const amsgrad = h.amsgrad && vMax !== null;
  const params = [
    p.numel, f32Bits(h.betas[0]), f32Bits(h.betas[1]), f32Bits(h.eps), h.maximize ? 1 : 0, f32Bits(h.coupledDecay), f32Bits(h.decay),
    f32Bits(h.stepSize), f32Bits(h.biasCorrection2Sqrt),
  ];
  const declared = bindings([['X', 'f32', true], ['G', 'f32', false], ['M', 'f32', true], ['V', 'f32', true], ...(amsgrad ? [['VMax', 'f32', true] as const] : [])]);
  runPerItem(context, `adam:${amsgrad}`, () => PRELUDE + declared + perItem(`
  var gi = select(G[i], -G[i], p[4] == 1u);
  gi += pf(5u) * X[i];
  X[i] = X[i] * pf(6u);
  M[i] = M[i] + (gi - M[i]) * (1.0 - pf(1u));
  V[i] = pf(2u) * V[i] + (1.0 - pf(2u)) * gi * gi;
  ${amsgrad ? 'VMax[i] = max(VMax[i], V[i]);\n  let vHat = VMax[i];' : 'let vHat = V[i];'}
  X[i] = X[i] - (pf(7u) * M[i]) / (sqrt(vHat) / pf(8u) + pf(3u));`), params, [p.buffer, g.buffer, m.buffer, v.buffer, ...(vMax && amsgrad ? [vMax.buffer] : [])]);
}

/** Every element clamped into [-limit, limit], in place (clipGradValue_). */
export function clampMagnitude_(t: DeviceTensor, limit: number): void {
  const context = contextOf('clampMagnitude_', 'float32', t);
  runPerItem(context, 'clampMagnitude_', () => PRELUDE + bindings([['X', 'f32', true]]) + perItem(`
  let v = X[i];
  X[i] = select(select(v, -pf(1u), v < -pf(1u)), pf(1u), v > pf(1u));`), [t.numel, f32Bits(limit)], [t.buffer]);
}

/**
 * The CPU entry returns the norm as a number, which clipGradNorm_ compares on the host before scaling: on the device
 * that would be a synchronous readback, which WebGPU does not have, so this says what to do instead.
 */
export function totalNorm(tensors: readonly DeviceTensor[], p: number): never {
  contextOf('totalNorm', 'float32', ...tensors);
  throw new Error(
    `totalNorm: clipGradNorm_ needs the gradients' norm (order ${p}) on the host, and a tensor on 'webgpu' is read back only asynchronously; ` +
    'use clipGradValue_ on the device, or compute the norm with ops (e.g. the sum of each grad.pow(2).sum()) and scale with grad.mul_()');
}

import { numelOf } from '../../shape.js';
import { DeviceTensor } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem } from './wgsl.js';

/**
 * The WebGPU backend's batch normalisation over x seen as [N, C, S] (kernels/cpu/batchnorm.ts's entries). The
 * per-channel statistics are float32 [C] device tensors (the CPU keeps them in float64: WGSL has no float64), one
 * thread per channel summing its N·S values in the CPU's order. params: [items, N, C, S].
 */

function layout(x: DeviceTensor): [number, number, number] {
  return [x.shape[0], x.shape[1], numelOf(x.shape.slice(2))];
}

/** The loop over one channel's values: `at` is the index of each in turn. */
const CHANNEL_LOOP = (body: string): string => /* wgsl */ `
  for (var n = 0u; n < p[1]; n++) {
    for (var s = 0u; s < p[3]; s++) {
      let at = (n * p[2] + i) * p[3] + s;
      ${body}
    }
  }`;

/** Per-channel mean and biased variance of x (two passes, as on the CPU). */
export function batchNormStats(x: DeviceTensor): { mean: DeviceTensor; variance: DeviceTensor } {
  const context = contextOf('batchNorm', 'float32', x);
  const [N, C, S] = layout(x);
  const mean = DeviceTensor.empty(context, [C], 'float32');
  const variance = DeviceTensor.empty(context, [C], 'float32');
  runPerItem(context, 'batchNormStats', () => PRELUDE + bindings([['X', 'f32', false], ['M', 'f32', true], ['V', 'f32', true]]) + perItem(`
  let count = f32(p[1] * p[3]);
  var sum = 0.0;${CHANNEL_LOOP('sum += X[at];')}
  let m = sum / count;
  var q = 0.0;${CHANNEL_LOOP('let d = X[at] - m; q += d * d;')}
  M[i] = m;
  V[i] = q / count;`), [C, N, C, S], [x.buffer, mean.buffer, variance.buffer]);
  return { mean, variance };
}

/** running = (1 - momentum)·running + momentum·batch·scale, in place. */
export function updateRunningStat(running: DeviceTensor, batch: DeviceTensor, momentum: number, scale: number): void {
  const context = contextOf('updateRunningStat', 'float32', running, batch);
  runPerItem(context, 'updateRunningStat', () => PRELUDE + bindings([['R', 'f32', true], ['B', 'f32', false]]) + perItem(`
  R[i] = (1.0 - pf(1u)) * R[i] + pf(1u) * B[i] * pf(2u);`), [running.numel, f32Bits(momentum), f32Bits(scale)], [running.buffer, batch.buffer]);
}

/** 1 / sqrt(variance + eps) per channel. */
export function invStd(variance: DeviceTensor, eps: number): DeviceTensor {
  const context = contextOf('invStd', 'float32', variance);
  const out = DeviceTensor.empty(context, variance.shape, 'float32');
  runPerItem(context, 'invStd', () => PRELUDE + bindings([['V', 'f32', false], ['O', 'f32', true]]) + perItem(`
  O[i] = 1.0 / sqrt(V[i] + pf(1u));`), [variance.numel, f32Bits(eps)], [variance.buffer, out.buffer]);
  return out;
}

/** (x - mean)·invStd·weight + bias per channel; weight and bias null mean 1 and 0. */
export function batchNorm(x: DeviceTensor, mean: DeviceTensor, invStdC: DeviceTensor, weight: DeviceTensor | null, bias: DeviceTensor | null): DeviceTensor {
  const context = contextOf('batchNorm', 'float32', x, mean, invStdC, weight, bias);
  const [N, C, S] = layout(x);
  const out = DeviceTensor.empty(context, x.shape, 'float32');
  const key = `batchNorm:${weight !== null}:${bias !== null}`;
  const declared = bindings([
    ['X', 'f32', false], ['M', 'f32', false], ['I', 'f32', false], ['Y', 'f32', true],
    ...(weight ? [['Wt', 'f32', false] as const] : []), ...(bias ? [['B', 'f32', false] as const] : []),
  ]);
  runPerItem(context, key, () => PRELUDE + declared + perItem(`
  let c = (i / p[3]) % p[2];
  let scale = I[c]${weight ? ' * Wt[c]' : ''};
  let shift = ${bias ? 'B[c]' : '0.0'} - M[c] * scale;
  Y[i] = X[i] * scale + shift;`), [x.numel, N, C, S], [x.buffer, mean.buffer, invStdC.buffer, out.buffer, ...(weight ? [weight.buffer] : []), ...(bias ? [bias.buffer] : [])]);
  return out;
}

/**
 * The gradients of x (when needInput; else null), weight and bias (Σ dy·xhat and Σ dy per channel). `training`
 * says x was normalised with its own batch statistics, which then carry gradient too.
 */
export function batchNormBackward(
  x: DeviceTensor, grad: DeviceTensor, mean: DeviceTensor, invStdC: DeviceTensor, weight: DeviceTensor | null, training: boolean, needInput: boolean,
): [DeviceTensor | null, DeviceTensor, DeviceTensor] {
  const context = contextOf('batchNormBackward', 'float32', x, grad, mean, invStdC, weight);
  const [N, C, S] = layout(x);
  const gw = DeviceTensor.empty(context, [C], 'float32');
  const gb = DeviceTensor.empty(context, [C], 'float32');
  runPerItem(context, 'batchNormGradSums', () => PRELUDE + bindings([['X', 'f32', false], ['G', 'f32', false], ['M', 'f32', false], ['I', 'f32', false], ['GW', 'f32', true], ['GB', 'f32', true]]) + perItem(`
  var sumDy = 0.0;
  var sumDyX = 0.0;
  let m = M[i];${CHANNEL_LOOP('let g = G[at]; sumDy += g; sumDyX += g * (X[at] - m);')}
  GB[i] = sumDy;
  GW[i] = sumDyX * I[i];`), [C, N, C, S], [x.buffer, grad.buffer, mean.buffer, invStdC.buffer, gw.buffer, gb.buffer]);
  if (!needInput) return [null, gw, gb];
  // dx = k·dy + d·(x - mean) + e per channel, k = invStd·weight; with batch statistics d = -k·invStd·Σ(dy·xhat)/M and
  // e = -k·Σdy/M (the closed form of the CPU loop), with fixed ones d = e = 0. The coefficients [k, d, e, mean] are
  // worked out per channel first, so the per-element pass binds few buffers (WebGPU allows 8 per shader by default).
  const coefficients = DeviceTensor.empty(context, [C, 4], 'float32');
  // a pipeline may bind only what its shader reads: the sums only with batch statistics
  const perChannel = [
    ['M', mean], ['I', invStdC], ...(training ? [['GW', gw], ['GB', gb]] as const : []), ...(weight ? [['Wt', weight] as const] : []),
  ] as const;
  runPerItem(context, `batchNormCoefficients:${training}:${weight !== null}`, () => PRELUDE +
    bindings([...perChannel.map(([name]) => [name, 'f32', false] as const), ['K', 'f32', true]]) + perItem(`
  ${training ? 'let count = f32(p[1]);' : ''}
  let k = I[i]${weight ? ' * Wt[i]' : ''};
  K[4u * i] = k;
  K[4u * i + 1u] = ${training ? '-k * I[i] * GW[i] / count' : '0.0'};
  K[4u * i + 2u] = ${training ? '-k * GB[i] / count' : '0.0'};
  K[4u * i + 3u] = M[i];`), [C, N * S], [...perChannel.map(([, t]) => t.buffer), coefficients.buffer]);
  const gx = DeviceTensor.empty(context, x.shape, 'float32');
  runPerItem(context, 'batchNormInputGrad', () => PRELUDE + bindings([['X', 'f32', false], ['G', 'f32', false], ['K', 'f32', false], ['DX', 'f32', true]]) + perItem(`
  let c = 4u * ((i / p[3]) % p[2]);
  DX[i] = K[c] * G[i] + K[c + 1u] * (X[i] - K[c + 3u]) + K[c + 2u];`), [x.numel, N, C, S], [x.buffer, grad.buffer, coefficients.buffer, gx.buffer]);
  coefficients.release();
  return [gx, gw, gb];
}

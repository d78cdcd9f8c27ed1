import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, Tensor, randn } from '@torchlet/core';
import { Adam, AdamW, SGD, type AdamOptions, type SGDOptions } from '@torchlet/optim';

// SGD and Adam have loops of their own for the common configurations. Each configuration is checked bit for bit
// against the one general per-element loop, written here with float32 rounding wherever the optimizer stores.

const N = 257;
const STEPS = 4;
const f = Math.fround;

/** Random float32 parameters and one fixed gradient per step (so optimizer and reference see the same). */
function setup(seed: number): { start: Float32Array; grads: Float32Array[] } {
  const gen = new Generator(seed);
  const start = randn([N], { generator: gen }).data as Float32Array;
  const grads = Array.from({ length: STEPS }, () => randn([N], { generator: gen }).data as Float32Array);
  return { start, grads };
}

function run(makeOptimizer: (p: Tensor) => SGD | Adam, seed: number): Float32Array[] {
  const { start, grads } = setup(seed);
  const p = new Tensor(start.slice(), [N]);
  p.requiresGrad = true;
  const opt = makeOptimizer(p);
  const trajectory: Float32Array[] = [];
  for (const g of grads) {
    p.grad = new Tensor(g.slice(), [N]);
    opt.step();
    trajectory.push((p.data as Float32Array).slice());
  }
  return trajectory;
}

/** Where two trajectories first differ (exactly, -0 and +0 apart), or null when they are identical. */
function firstDifference(actual: Float32Array[], expected: Float32Array[]): string | null {
  for (let t = 0; t < expected.length; t++) {
    for (let i = 0; i < N; i++) {
      if (!Object.is(actual[t][i], expected[t][i])) return `step ${t + 1}, element ${i}: ${actual[t][i]} vs general loop ${expected[t][i]}`;
    }
  }
  return null;
}

function assertIdentical(actual: Float32Array[], expected: Float32Array[], what: string): void {
  const difference = firstDifference(actual, expected);
  if (difference !== null) assert.unreachable(`${what}: ${difference}`);
}

interface SGDConfig {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
  maximize?: boolean;
}

function generalSGD(config: SGDConfig, seed: number): Float32Array[] {
  const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false } = config;
  const { start, grads } = setup(seed);
  const x = start.slice();
  const b = new Float32Array(N);
  const trajectory: Float32Array[] = [];
  grads.forEach((g, t) => {
    for (let i = 0; i < N; i++) {
      let d = maximize ? -g[i] : g[i];
      if (weightDecay !== 0) d += weightDecay * x[i];
      if (momentum !== 0) {
        b[i] = f(t === 0 ? d : momentum * b[i] + (1 - dampening) * d);
        d = nesterov ? d + momentum * b[i] : b[i];
      }
      x[i] = f(x[i] - lr * d);
    }
    trajectory.push(x.slice());
  });
  return trajectory;
}

const sgdConfigs: SGDConfig[] = [
  { lr: 0.1 },
  { lr: 0.1, maximize: true },
  { lr: 0.05, momentum: 0.9 },
  { lr: 0.05, momentum: 0.9, dampening: 0.3, maximize: true },
  { lr: 0.05, momentum: 0.9, nesterov: true },
  { lr: 0.05, weightDecay: 0.01 },
  { lr: 0.05, momentum: 0.5, weightDecay: 0.01, maximize: true },
];

for (const [k, config] of sgdConfigs.entries()) {
  test(`SGD float32 ${JSON.stringify(config)} matches the general loop bit for bit`, () => {
    assertIdentical(run((p) => new SGD([p], config as SGDOptions), k), generalSGD(config, k), 'SGD');
  });
}

interface AdamConfig {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
  decoupled?: boolean;
}

function generalAdam(config: AdamConfig, seed: number): Float32Array[] {
  const { lr, betas = [0.9, 0.999], eps = 1e-8, amsgrad = false, maximize = false, decoupled = false } = config;
  const weightDecay = config.weightDecay ?? (decoupled ? 0.01 : 0);
  const [beta1, beta2] = betas;
  const decay = decoupled ? 1 - lr * weightDecay : 1;
  const coupledDecay = decoupled ? 0 : weightDecay;
  const { start, grads } = setup(seed);
  const x = start.slice();
  const m = new Float32Array(N);
  const v = new Float32Array(N);
  const vMax = amsgrad ? new Float32Array(N) : v;
  const trajectory: Float32Array[] = [];
  grads.forEach((g, t) => {
    const step = t + 1;
    const stepSize = lr / (1 - beta1 ** step);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    for (let i = 0; i < N; i++) {
      let gi = maximize ? -g[i] : g[i];
      if (coupledDecay !== 0) gi += coupledDecay * x[i];
      if (decay !== 1) x[i] = f(x[i] * decay);
      m[i] = f(m[i] + (gi - m[i]) * (1 - beta1));
      v[i] = f(beta2 * v[i] + (1 - beta2) * gi * gi);
      if (amsgrad && v[i] > vMax[i]) vMax[i] = v[i];
      x[i] = f(x[i] - (stepSize * m[i]) / (Math.sqrt(vMax[i]) / biasCorrection2Sqrt + eps));
    }
    trajectory.push(x.slice());
  });
  return trajectory;
}

const adamConfigs: AdamConfig[] = [
  { lr: 1e-2 },
  { lr: 1e-2, betas: [0.8, 0.99], eps: 1e-6, maximize: true },
  { lr: 1e-2, decoupled: true },
  { lr: 1e-2, decoupled: true, weightDecay: 0.1, maximize: true },
  { lr: 1e-2, weightDecay: 0.05 },
  { lr: 1e-2, amsgrad: true },
  { lr: 1e-2, amsgrad: true, decoupled: true, maximize: true },
];

for (const [k, config] of adamConfigs.entries()) {
  test(`${config.decoupled ? 'AdamW' : 'Adam'} float32 ${JSON.stringify(config)} matches the general loop bit for bit`, () => {
    const { decoupled, ...options } = config;
    const make = (p: Tensor) => (decoupled ? new AdamW([p], options as AdamOptions) : new Adam([p], options as AdamOptions));
    assertIdentical(run(make, 100 + k), generalAdam(config, 100 + k), decoupled ? 'AdamW' : 'Adam');
  });
}

test('the reference loops above can tell configurations apart (the comparison is not vacuous)', () => {
  assert.match(firstDifference(run((p) => new SGD([p], { lr: 0.05, momentum: 0.9 }), 0), generalSGD({ lr: 0.05, momentum: 0.8 }, 0)) ?? '', /^step 2/);
  assert.match(firstDifference(run((p) => new Adam([p], { lr: 1e-2 }), 0), generalAdam({ lr: 1e-2, maximize: true }, 0)) ?? '', /^step 1/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, full, ones, tensor } from '@torchlet/core';
import { Adam, AdamW, type AdamOptions } from '@torchlet/optim';
import { P0, flatValues, quadraticGrad, setQuadraticGrads, startParams } from './quadratic.js';

interface Config extends AdamOptions {
  decoupled?: boolean;
}

/**
 * torch.optim.Adam's / AdamW's documented algorithm, element by element, on the fixed quadratic: bias-corrected
 * moments m̂ = m/(1-β1^t), v̂ = v/(1-β2^t) (amsgrad: the running max of v, then corrected); returns p after each step.
 */
function referenceAdam(config: Config, steps: number): number[][] {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, amsgrad = false, maximize = false, decoupled = false } = config;
  const weightDecay = config.weightDecay ?? (decoupled ? 0.01 : 0);
  const [beta1, beta2] = betas;
  const p = [...P0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vMax = p.map(() => 0);
  const trajectory: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < p.length; i++) {
      let g = quadraticGrad(i, p[i]);
      if (maximize) g = -g;
      if (decoupled) p[i] = p[i] * (1 - lr * weightDecay);
      else if (weightDecay !== 0) g = g + weightDecay * p[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      const mHat = m[i] / (1 - beta1 ** t);
      let vHat: number;
      if (amsgrad) {
        vMax[i] = Math.max(vMax[i], v[i]);
        vHat = vMax[i] / (1 - beta2 ** t);
      } else {
        vHat = v[i] / (1 - beta2 ** t);
      }
      p[i] = p[i] - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    trajectory.push([...p]);
  }
  return trajectory;
}

function runAdam(config: Config, steps: number, dtype: 'float32' | 'float64' = 'float64'): number[][] {
  const { decoupled = false, ...options } = config;
  const params = startParams(dtype);
  const opt = decoupled ? new AdamW(params, options) : new Adam(params, options);
  const trajectory: number[][] = [];
  for (let t = 0; t < steps; t++) {
    setQuadraticGrads(params);
    opt.step();
    trajectory.push(flatValues(params));
  }
  return trajectory;
}

const configs: Config[] = [
  {},
  { lr: 0.1 },
  { lr: 0.05, betas: [0.5, 0.9], eps: 1e-3 },
  { lr: 0.1, weightDecay: 0.1 },
  { lr: 0.1, amsgrad: true },
  { lr: 0.1, betas: [0.8, 0.7], amsgrad: true, weightDecay: 0.05 },
  { lr: 0.1, maximize: true },
  { lr: 0.1, decoupled: true },
  { lr: 0.1, weightDecay: 0.3, decoupled: true },
  { lr: 0.1, weightDecay: 0.3, amsgrad: true, maximize: true, decoupled: true },
];

for (const config of configs) {
  test(`${config.decoupled ? 'AdamW' : 'Adam'} ${JSON.stringify(config)} follows the documented algorithm for 8 steps`, () => {
    const expected = referenceAdam(config, 8);
    const actual = runAdam(config, 8);
    expected.forEach((p, t) => assertClose(actual[t], p, { atol: 1e-12, rtol: 1e-10 }));
    const actual32 = runAdam(config, 8, 'float32');
    expected.forEach((p, t) => assertClose(actual32[t], p, { atol: 1e-5, rtol: 1e-5 }));
  });
}

test('Adam by hand: with a constant gradient the bias-corrected step is lr·g/(|g| + eps)', () => {
  const p = tensor([1], { dtype: 'float64', requiresGrad: true });
  const opt = new Adam([p], { lr: 0.1 });
  p.grad = full([1], 2, { dtype: 'float64' });
  opt.step(); // m = 0.2, v = 0.004, m̂ = 2, v̂ = 4
  assertClose(p, [1 - (0.1 * 2) / (2 + 1e-8)], { atol: 1e-15 });
  p.grad = full([1], 2, { dtype: 'float64' });
  opt.step(); // m = 0.38, v = 0.007996, m̂ = 0.38/0.19 = 2, v̂ = 0.007996/0.001999 = 4
  assertClose(p, [0.8], { atol: 1e-8 });
  const state = opt.stateDict().state[0];
  assert.is(state.step, 2);
  assertClose(state.exp_avg!, [0.38], { atol: 1e-15 });
  assertClose(state.exp_avg_sq!, [0.007996], { atol: 1e-15 });
  assert.is(state.max_exp_avg_sq, undefined);
});

test('Adam by hand: amsgrad keeps the largest second moment', () => {
  const p = tensor([0], { dtype: 'float64', requiresGrad: true });
  const opt = new Adam([p], { lr: 0.1, betas: [0, 0.5], amsgrad: true, eps: 0 });
  p.grad = full([1], 4, { dtype: 'float64' });
  opt.step(); // m = 4, v = 8, vmax = 8, v̂ = 8/0.5 = 16: step 0.1·4/4
  assertClose(p, [-0.1], { atol: 1e-15 });
  p.grad = full([1], 1, { dtype: 'float64' });
  opt.step(); // m = 1, v = 4.5, vmax = 8, v̂ = 8/0.75: step 0.1·1/sqrt(32/3)
  assertClose(p, [-0.1 - 0.1 / Math.sqrt(32 / 3)], { atol: 1e-15 });
  assertClose(opt.stateDict().state[0].max_exp_avg_sq!, [8], { atol: 1e-15 });
});

test('AdamW by hand: decay multiplies p by 1 - lr·wd before the Adam step; Adam adds wd·p to the gradient instead', () => {
  const p = tensor([1], { dtype: 'float64', requiresGrad: true });
  const opt = new AdamW([p], { lr: 0.1, weightDecay: 0.1 });
  p.grad = ones([1], { dtype: 'float64' });
  opt.step(); // p = 0.99, then - 0.1·1/(1 + eps)
  assertClose(p, [0.99 - 0.1 / (1 + 1e-8)], { atol: 1e-15 });

  // With a zero gradient AdamW still shrinks p, while Adam's coupled decay becomes a normalized step of size lr.
  const q = tensor([2], { dtype: 'float64', requiresGrad: true });
  const decoupled = new AdamW([q], { lr: 0.1, weightDecay: 0.5 });
  q.grad = full([1], 0, { dtype: 'float64' });
  decoupled.step();
  assertClose(q, [2 * 0.95], { atol: 1e-15 });
  const r = tensor([2], { dtype: 'float64', requiresGrad: true });
  const coupled = new Adam([r], { lr: 0.1, weightDecay: 0.5 });
  r.grad = full([1], 0, { dtype: 'float64' });
  coupled.step();
  assertClose(r, [2 - 0.1 / (1 + 1e-8)], { atol: 1e-12 });
});

test('Adam and AdamW defaults follow PyTorch', () => {
  const adam = new Adam([tensor([1], { requiresGrad: true })]);
  assert.equal({ ...adam.paramGroups[0], params: [] }, { params: [], lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
  const adamW = new AdamW([tensor([1], { requiresGrad: true })]);
  assert.is(adamW.paramGroups[0].weightDecay, 0.01);
  assert.is(new AdamW([tensor([1], { requiresGrad: true })], { weightDecay: 0 }).paramGroups[0].weightDecay, 0);
  assert.is(adamW.name, 'AdamW');
  assert.ok(adamW instanceof Adam);
});

test('Adam skips parameters without a gradient and keeps float32 buffers for float32 parameters', () => {
  const [a, b] = startParams('float32');
  const opt = new Adam([a, b], { lr: 0.1 });
  b.grad = ones(b.shape);
  opt.step();
  assertClose(a, P0.slice(0, 3));
  assertClose(b, [P0[3] - 0.1], { atol: 1e-6 });
  const state = opt.stateDict().state;
  assert.equal(Object.keys(state), ['1']);
  assert.is(state[1].exp_avg!.dtype, 'float32');
  assert.is(state[1].exp_avg_sq!.dtype, 'float32');
});

test('Adam and AdamW reject bad hyperparameters, naming the optimizer and the value', () => {
  const p = () => [tensor([1], { requiresGrad: true })];
  assert.throws(() => new Adam(p(), { lr: -1 }), /Adam: invalid learning rate -1 in the options/);
  assert.throws(() => new AdamW(p(), { lr: -1 }), /AdamW: invalid learning rate -1 in the options/);
  assert.throws(() => new Adam(p(), { betas: [1, 0.999] }), /Adam: invalid beta parameter at index 0: 1 in the options \(expected a number in \[0, 1\)\)/);
  assert.throws(() => new Adam(p(), { betas: [0.9, -0.1] }), /Adam: invalid beta parameter at index 1: -0.1/);
  assert.throws(() => new Adam(p(), { betas: [0.9] as never }), /Adam: betas in the options must be a pair \[beta1, beta2\], got Array/);
  assert.throws(() => new Adam(p(), { eps: -1e-8 }), /Adam: invalid eps -1e-8/);
  assert.throws(() => new AdamW(p(), { weightDecay: -0.01 }), /AdamW: invalid weight decay -0.01/);
  assert.throws(() => new Adam(p(), { amsgrad: 'yes' as never }), /Adam: amsgrad in the options must be a boolean, got string/);
  assert.throws(() => new AdamW(p(), { beta1: 0.9 } as never), /AdamW: unknown option "beta1"/);
  assert.throws(() => new Adam([{ params: p(), betas: [0.9, 1] }]), /Adam: invalid beta parameter at index 1: 1 in parameter group 0/);
});

test.run();

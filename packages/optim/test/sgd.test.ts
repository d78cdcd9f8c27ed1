import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, ones, tensor } from '@torchlet/core';
import { SGD, type SGDHyperparameters } from '@torchlet/optim';
import { P0, flatValues, quadraticGrad, setQuadraticGrads, startParams } from './quadratic.js';

type Config = Omit<SGDHyperparameters, 'momentum' | 'dampening' | 'nesterov' | 'weightDecay' | 'maximize'> & Partial<SGDHyperparameters>;

/** torch.optim.SGD's documented algorithm, element by element, on the fixed quadratic; returns p after each step. */
function referenceSGD(config: Config, steps: number): number[][] {
  const { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0, maximize = false } = config;
  const p = [...P0];
  const b = p.map(() => 0);
  const trajectory: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    for (let i = 0; i < p.length; i++) {
      let g = quadraticGrad(i, p[i]);
      if (maximize) g = -g;
      if (weightDecay !== 0) g = g + weightDecay * p[i];
      if (momentum !== 0) {
        b[i] = t > 1 ? momentum * b[i] + (1 - dampening) * g : g;
        g = nesterov ? g + momentum * b[i] : b[i];
      }
      p[i] = p[i] - lr * g;
    }
    trajectory.push([...p]);
  }
  return trajectory;
}

function runSGD(config: Config, steps: number, dtype: 'float32' | 'float64' = 'float64'): number[][] {
  const params = startParams(dtype);
  const opt = new SGD(params, config);
  const trajectory: number[][] = [];
  for (let t = 0; t < steps; t++) {
    setQuadraticGrads(params);
    opt.step();
    trajectory.push(flatValues(params));
  }
  return trajectory;
}

const configs: Config[] = [
  { lr: 0.1 },
  { lr: 0.1, momentum: 0.9 },
  { lr: 0.05, momentum: 0.8, dampening: 0.3 },
  { lr: 0.05, momentum: 0.9, nesterov: true },
  { lr: 0.1, weightDecay: 0.2 },
  { lr: 0.05, momentum: 0.7, dampening: 0.1, weightDecay: 0.05 },
  { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
  { lr: 0.1, momentum: 0.5, maximize: true },
  { lr: 0.1, momentum: 0.5, weightDecay: 0.3, maximize: true },
];

for (const config of configs) {
  test(`SGD ${JSON.stringify(config)} follows the documented algorithm for 6 steps (float64 and float32)`, () => {
    const expected = referenceSGD(config, 6);
    const actual = runSGD(config, 6);
    expected.forEach((p, t) => assertClose(actual[t], p, { atol: 1e-12, rtol: 1e-12 }));
    const actual32 = runSGD(config, 6, 'float32');
    expected.forEach((p, t) => assertClose(actual32[t], p, { atol: 1e-5, rtol: 1e-5 }));
  });
}

test('SGD by hand: momentum 0.9, lr 0.1, grad 1 takes p from 1 to 0.9 then 0.71', () => {
  const p = tensor([1], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  p.grad = ones([1], { dtype: 'float64' });
  opt.step();
  assertClose(p, [0.9], { atol: 1e-15 });
  p.grad = ones([1], { dtype: 'float64' });
  opt.step();
  // b = 0.9·1 + 1 = 1.9; p = 0.9 - 0.1·1.9
  assertClose(p, [0.71], { atol: 1e-15 });
});

test('SGD by hand: dampening is skipped on the first step; nesterov adds momentum·b to the gradient', () => {
  const p = tensor([1], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([p], { lr: 0.1, momentum: 0.5, dampening: 0.5 });
  p.grad = ones([1], { dtype: 'float64' });
  opt.step(); // b = 1 (no dampening), p = 0.9
  assertClose(p, [0.9], { atol: 1e-15 });
  p.grad = ones([1], { dtype: 'float64' });
  opt.step(); // b = 0.5 + 0.5·1 = 1, p = 0.8
  assertClose(p, [0.8], { atol: 1e-15 });

  const q = tensor([1], { dtype: 'float64', requiresGrad: true });
  const nesterov = new SGD([q], { lr: 0.1, momentum: 0.9, nesterov: true });
  q.grad = ones([1], { dtype: 'float64' });
  nesterov.step(); // b = 1, g = 1 + 0.9 = 1.9, p = 0.81
  assertClose(q, [0.81], { atol: 1e-15 });
  q.grad = ones([1], { dtype: 'float64' });
  nesterov.step(); // b = 1.9, g = 1 + 1.71 = 2.71, p = 0.81 - 0.271
  assertClose(q, [0.539], { atol: 1e-15 });
});

test('SGD by hand: weight decay adds wd·p to the gradient; maximize negates the gradient before that', () => {
  const p = tensor([2], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([p], { lr: 0.1, weightDecay: 0.5 });
  p.grad = ones([1], { dtype: 'float64' });
  opt.step(); // g = 1 + 1 = 2
  assertClose(p, [1.8], { atol: 1e-15 });

  // As torch.optim.SGD's code does: g = -1 + 0.5·1 = -0.5, so weight decay still shrinks p while the step climbs.
  const q = tensor([1], { dtype: 'float64', requiresGrad: true });
  const up = new SGD([q], { lr: 0.1, weightDecay: 0.5, maximize: true });
  q.grad = ones([1], { dtype: 'float64' });
  up.step();
  assertClose(q, [1.05], { atol: 1e-15 });
});

test('SGD maximize on -f retraces minimizing f', () => {
  const params = startParams();
  const negated = startParams();
  const opt = new SGD(params, { lr: 0.05, momentum: 0.9 });
  const up = new SGD(negated, { lr: 0.05, momentum: 0.9, maximize: true });
  for (let t = 0; t < 5; t++) {
    setQuadraticGrads(params);
    setQuadraticGrads(negated);
    for (const p of negated) p.grad = p.grad!.neg();
    opt.step();
    up.step();
  }
  assertClose(flatValues(negated), flatValues(params), { atol: 1e-14 });
});

test('SGD skips parameters without a gradient, bumps versions, keeps buffers in the parameter dtype', () => {
  const [a, b] = startParams('float32');
  const opt = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
  a.grad = ones(a.shape);
  const versionA = a.version;
  const versionB = b.version;
  opt.step();
  assert.is(a.version, versionA + 1);
  assert.is(b.version, versionB);
  assertClose(b, [P0[3]]);
  assertClose(a, [P0[0] - 0.1, P0[1] - 0.1, P0[2] - 0.1]);
  const state = opt.stateDict().state;
  assert.equal(Object.keys(state), ['0']);
  assert.is(state[0].momentum_buffer!.dtype, 'float32');
  assert.equal(state[0].momentum_buffer!.shape, a.shape);
});

test('SGD: each parameter group uses its own hyperparameters, and a changed lr applies to the next step', () => {
  const a = tensor([1], { dtype: 'float64', requiresGrad: true });
  const b = tensor([1], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([{ params: [a] }, { params: b, lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
  assert.is(opt.paramGroups[0].lr, 0.1);
  assert.is(opt.paramGroups[0].momentum, 0);
  assert.is(opt.paramGroups[1].lr, 0.5);
  assert.is(opt.paramGroups[1].momentum, 0.9);
  a.grad = ones([1], { dtype: 'float64' });
  b.grad = ones([1], { dtype: 'float64' });
  opt.step();
  assertClose(a, [0.9], { atol: 1e-15 });
  assertClose(b, [0.5], { atol: 1e-15 });
  opt.paramGroups[0].lr = 0.2;
  opt.step();
  assertClose(a, [0.7], { atol: 1e-15 });
  assertClose(b, [-0.45], { atol: 1e-15 }); // b = 1.9, p = 0.5 - 0.95
});

test('SGD rejects bad hyperparameters, naming the optimizer and the value', () => {
  const p = () => [tensor([1], { requiresGrad: true })];
  assert.throws(() => new SGD(p(), { lr: -0.1 }), /SGD: invalid learning rate -0.1 in the options \(expected a number >= 0\)/);
  assert.throws(() => new SGD(p(), { lr: 0.1, momentum: -0.5 }), /SGD: invalid momentum -0.5/);
  assert.throws(() => new SGD(p(), { lr: 0.1, weightDecay: -1 }), /SGD: invalid weight decay -1/);
  assert.throws(() => new SGD(p(), { lr: NaN }), /SGD: invalid learning rate NaN/);
  assert.throws(() => new SGD(p(), { lr: 0.1, momentum: 0.9, dampening: Infinity }), /SGD: invalid dampening Infinity in the options \(expected a finite number\)/);
  assert.throws(() => new SGD(p(), { lr: 0.1, nesterov: true }), /SGD: Nesterov momentum requires a momentum > 0 and zero dampening, got momentum 0 and dampening 0/);
  assert.throws(
    () => new SGD(p(), { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
    /Nesterov momentum requires .* got momentum 0.9 and dampening 0.1/,
  );
  assert.throws(() => new SGD(p(), {}), /SGD: parameter group 0 has no learning rate: give lr in the options or in the group/);
  assert.throws(() => new SGD(p(), { lr: 0.1, nesterov: 1 as never }), /SGD: nesterov in the options must be a boolean, got number 1/);
  assert.throws(() => new SGD([{ params: p(), lr: -1 }], { lr: 0.1 }), /SGD: invalid learning rate -1 in parameter group 0/);
  assert.throws(() => new SGD(p(), { lr: 0.1, weight_decay: 0.1 } as never), /SGD: unknown option "weight_decay" \(expected "lr", "momentum", .*\): did you mean "weightDecay"\?/);
  assert.throws(() => new SGD([{ params: p(), lr: 0.1, mometum: 0.9 } as never]), /SGD: unknown option "mometum" in parameter group 0/);
  assert.is(new SGD(p(), 0.1 as never).paramGroups[0].lr, 0.1, "PyTorch's positional lr");
  assert.throws(() => new SGD(p(), 'fast' as never), /SGD: invalid learning rate string in the options/);
});

test('SGD: a gradient whose size differs from its parameter is an error', () => {
  const p = tensor([1, 2], { requiresGrad: true });
  const opt = new SGD([p], { lr: 0.1 });
  p.grad = ones([3]);
  assert.throws(() => opt.step(), /SGD: a parameter of shape \[2\] has a gradient of shape \[3\]/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, manualSeed, rand, randn, tensor } from '@torchlet/core';
import { Adam, SGD, type Optimizer } from '@torchlet/optim';

/** Fits y = 3x + 2 (plus a little noise) with w·x + b and the mean squared error; returns the final loss. */
function fit(makeOptimizer: (params: Tensor[]) => Optimizer, steps: number): { loss: number; w: number; b: number } {
  manualSeed(42);
  const x = rand([64, 1]).mul(4).sub(2);
  const y = x.mul(3).add(2).add(randn([64, 1]).mul(0.01));
  const w = tensor([[0]], { requiresGrad: true });
  const b = tensor([0], { requiresGrad: true });
  const opt = makeOptimizer([w, b]);
  let loss = Infinity;
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    const error = x.mul(w).add(b).sub(y);
    const mse = error.mul(error).mean();
    mse.backward();
    opt.step();
    loss = mse.item();
  }
  return { loss, w: w.item(), b: b.item() };
}

test('SGD with momentum fits y = 3x + 2', () => {
  const { loss, w, b } = fit((params) => new SGD(params, { lr: 0.05, momentum: 0.9 }), 200);
  assert.ok(loss < 1e-3, `loss ${loss}`);
  assert.ok(Math.abs(w - 3) < 0.01 && Math.abs(b - 2) < 0.01, `w ${w}, b ${b}`);
});

test('Adam fits y = 3x + 2', () => {
  const { loss, w, b } = fit((params) => new Adam(params, { lr: 0.1 }), 300);
  assert.ok(loss < 1e-3, `loss ${loss}`);
  assert.ok(Math.abs(w - 3) < 0.01 && Math.abs(b - 2) < 0.01, `w ${w}, b ${b}`);
});

test.run();

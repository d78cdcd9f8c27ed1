import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, noGrad, manualSeed, Generator } from '@torchlet/core';
import { Module, Sequential, Linear, Tanh, ReLU, MSELoss, CrossEntropyLoss, BatchNorm1d, Dropout } from '@torchlet/nn';

/** One plain SGD step, written inline (the optimizers live in @torchlet/optim). */
function sgdStep(model: Module, lr: number): void {
  noGrad(() => {
    for (const p of model.parameters()) {
      const g = p.grad!.data;
      const d = p.data;
      for (let i = 0; i < d.length; i++) d[i] -= lr * g[i];
      p._bumpVersion();
    }
  });
}

test('an MLP learns XOR with MSELoss and plain SGD', () => {
  manualSeed(0);
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 1));
  const lossFn = new MSELoss();
  const first = lossFn.forward(model.forward(x), y).item();
  let loss = first;
  for (let step = 0; step < 500; step++) {
    model.zeroGrad();
    const l = lossFn.forward(model.forward(x), y);
    l.backward();
    sgdStep(model, 0.2);
    loss = l.item();
  }
  assert.ok(first > 0.2, `initial loss ${first}`);
  assert.ok(loss < 0.01, `final loss ${loss}`);
  const out = noGrad(() => model.forward(x));
  assert.equal(Array.from(out.data, (v) => (v > 0.5 ? 1 : 0)), [0, 1, 1, 0]);
});

/** Two concentric rings: label 0 inside radius 1, label 1 at radius 2, with noise. */
function rings(n: number, g: Generator): { x: Tensor; y: Tensor } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const r = (label ? 2 : 0.8) + 0.2 * g.normal();
    const a = 2 * Math.PI * g.random();
    xs.push(r * Math.cos(a), r * Math.sin(a));
    ys.push(label);
  }
  return { x: tensor(xs, { shape: [n, 2] }), y: tensor(ys, { dtype: 'int32' }) };
}

test('a classifier with BatchNorm1d and Dropout learns two rings; eval mode switches both off', () => {
  manualSeed(1);
  const g = new Generator(5);
  const train = rings(128, g);
  const held = rings(128, g);
  const model = new Sequential(new Linear(2, 32), new BatchNorm1d(32), new ReLU(), new Dropout(0.1), new Linear(32, 2));
  const lossFn = new CrossEntropyLoss();
  let loss = Infinity;
  for (let step = 0; step < 200; step++) {
    model.zeroGrad();
    const l = lossFn.forward(model.forward(train.x), train.y);
    l.backward();
    sgdStep(model, 0.2);
    loss = l.item();
  }
  assert.ok(loss < 0.15, `final training loss ${loss}`);
  model.eval();
  const a = noGrad(() => model.forward(held.x));
  const b = noGrad(() => model.forward(held.x));
  assert.equal(Array.from(a.data), Array.from(b.data), 'eval is deterministic (no dropout, running statistics)');
  let correct = 0;
  for (let i = 0; i < 128; i++) if ((a.data[2 * i + 1] > a.data[2 * i] ? 1 : 0) === held.y.data[i]) correct++;
  assert.ok(correct >= 120, `held-out accuracy ${correct}/128`);
  model.train();
  const c = noGrad(() => model.forward(held.x));
  assert.not.equal(Array.from(c.data), Array.from(a.data), 'training mode uses dropout and batch statistics');
});

test.run();

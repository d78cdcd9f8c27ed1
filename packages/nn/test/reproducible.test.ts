// manualSeed(s) must make a whole training run repeat bit for bit: initialisation, dropout masks, data.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { manualSeed, randn, randint, crossEntropy, noGrad, sub_, type Tensor } from '@torchlet/core';
import { Sequential, Conv2d, ReLU, MaxPool2d, Flatten, Linear, Dropout } from '@torchlet/nn';

function trainRun(seed: number): Float32Array[] {
  manualSeed(seed);
  const model = new Sequential(
    new Conv2d(1, 4, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2), new Flatten(),
    new Dropout(0.3), new Linear(4 * 4 * 4, 10),
  );
  for (let step = 0; step < 5; step++) {
    const x = randn([8, 1, 8, 8]);
    const y = randint(0, 10, [8]);
    const loss = crossEntropy(model.forward(x), y);
    model.zeroGrad();
    loss.backward();
    noGrad(() => {
      for (const p of model.parameters()) sub_(p, (p.grad as Tensor).mul(0.1));
    });
  }
  return [...model.parameters()].map((p) => Float32Array.from(p.data));
}

test('the same seed gives a bit-identical training run; another seed does not', () => {
  const a = trainRun(7);
  const b = trainRun(7);
  const c = trainRun(8);
  assert.is(a.length, 4);
  a.forEach((p, i) => assert.equal(Array.from(p), Array.from(b[i])));
  assert.not.equal(Array.from(a[0]), Array.from(c[0]));
});

test.run();

// Defines a new op, swish(x) = x·sigmoid(x), through the same registry the framework's own ops use,
// checks its hand-written backward rule against finite differences, and trains a small model with it.
import { defineOp, empty, gradcheck, randn, manualSeed, Tensor, type OpContext } from '@torchlet/core';
import { Module, Linear, MSELoss } from '@torchlet/nn';
import { Adam } from '@torchlet/optim';

export const swish = defineOp({
  name: 'swish',
  signatures: ['Tensor'],
  forward(ctx: OpContext<Float64Array>, x: Tensor) {
    const out = empty(x.shape, x.dtype);
    const s = new Float64Array(x.numel()); // sigmoid(x), kept for backward
    for (let i = 0; i < s.length; i++) {
      s[i] = 1 / (1 + Math.exp(-x.data[i]));
      out.data[i] = x.data[i] * s[i];
    }
    ctx.save(x);
    ctx.state = s;
    return out;
  },
  // d/dx x·σ(x) = σ(x) + x·σ(x)(1 − σ(x))
  backward(ctx, grad) {
    const [x] = ctx.saved;
    const s = ctx.state;
    const dx = empty(x.shape, x.dtype);
    for (let i = 0; i < s.length; i++) dx.data[i] = grad.data[i] * (s[i] + x.data[i] * s[i] * (1 - s[i]));
    return [dx];
  },
});

manualSeed(0);
const x64 = randn([4, 5], { dtype: 'float64', requiresGrad: true });
gradcheck(swish, [x64]);
console.log('gradcheck(swish) passed: the backward rule matches central differences in float64');

class SwishNet extends Module {
  fc1 = new Linear(1, 32);
  fc2 = new Linear(32, 1);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(swish(this.fc1.forward(x)));
  }
}

// Fit y = sin(3x) on [-1, 1].
const x = randn([256, 1]).clamp(-1, 1);
const y = empty(x.shape);
for (let i = 0; i < x.numel(); i++) y.data[i] = Math.sin(3 * x.data[i]);
const model = new SwishNet();
const optimizer = new Adam(model.parameters(), { lr: 0.01 });
const lossFn = new MSELoss();
let first = 0;
let last = 0;
for (let step = 0; step < 500; step++) {
  const loss = lossFn.forward(model.forward(x), y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  if (step === 0) first = loss.item();
  last = loss.item();
  if (step % 100 === 0) console.log(`step ${step}: loss ${last.toFixed(5)}`);
}
console.log(`trained a swish network on sin(3x): loss ${first.toFixed(4)} -> ${last.toFixed(5)}`);
if (!(last < first / 10)) {
  console.error('training did not reduce the loss tenfold');
  process.exit(1);
}

// Every model the exporter supports, checked by ONNX Runtime: the exported graph must give torchlet's outputs
// (max abs diff < 1e-4 in float32) at batch 1 and at batch 7 (the batch dim is dynamic by default).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, adaptiveAvgPool2d, avgPool2d, cat, clamp, conv2d, manualSeed, maximum, maxPool2d, minimum, noGrad, randn, relu,
  slice, softplus, stack, gelu, select, where, gt, le, lt, ge, eq, ne, argmax, argmin, logicalNot, any, all,
} from '@torchlet/core';
import {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, GELU, LeakyReLU, Linear, LogSoftmax,
  MaxPool2d, Module, ReLU, Sequential, Sigmoid, Softmax, Tanh, init, toOnnx,
} from '../src/node.js';
import { maxAbsDiff, runOnnx, torchletOutput } from './onnx-runtime.js';

const TOLERANCE = 1e-4;
/** Measured differences, printed at the end for the closing note. */
const measured: string[] = [];

async function checkAgainstRuntime(label: string, model: Module, sampleShape: readonly number[]): Promise<void> {
  const bytes = toOnnx(model, randn([2, ...sampleShape]));
  let worst = 0;
  for (const batch of [1, 7]) {
    const x = randn([batch, ...sampleShape]);
    const expected = torchletOutput(model, x);
    const { output } = await runOnnx(bytes, { input: x });
    assert.equal([...output.dims], expected.shape, `${label}: output shape at batch ${batch}`);
    const diff = maxAbsDiff(output.data, expected.data);
    assert.ok(diff < TOLERANCE, `${label}: max abs diff ${diff} at batch ${batch}`);
    worst = Math.max(worst, diff);
  }
  measured.push(`${label}: max abs diff ${worst.toExponential(2)} (batch 1 and 7)`);
}

/** Running statistics away from their initial 0 and 1, and affine parameters away from 1 and 0. */
function warmUpBatchNorm(model: Module, sampleShape: readonly number[]): void {
  for (const m of model.modules()) {
    if (m instanceof BatchNorm2d || m instanceof BatchNorm1d) {
      noGrad(() => {
        init.uniform_(m.weight!, 0.5, 1.5);
        init.uniform_(m.bias!, -0.5, 0.5);
      });
    }
  }
  model.train();
  for (let i = 0; i < 3; i++) noGrad(() => model.forward(randn([8, ...sampleShape]).mul(2).add(0.5)));
  model.eval();
}

test('LeNet-5 (conv 6@5x5 pad 2, pool, conv 16@5x5, pool, 400-120-84-10)', async () => {
  manualSeed(1);
  const lenet5 = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
  );
  await checkAgainstRuntime('LeNet-5', lenet5, [1, 28, 28]);
});

test("seed 001's CNN (conv 32@3x3, pool, conv 64@3x3, pool, 1600-128-10)", async () => {
  manualSeed(2);
  const seedcnn = new Sequential(
    new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(1600, 128), new ReLU(), new Linear(128, 10),
  );
  await checkAgainstRuntime('seed 001 CNN', seedcnn, [1, 28, 28]);
});

class ConvBnRelu extends Module {
  conv: Conv2d;
  bn: BatchNorm2d;
  constructor(inChannels: number, outChannels: number, stride = 1) {
    super();
    this.conv = new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false });
    this.bn = new BatchNorm2d(outChannels);
  }
  forward(x: Tensor): Tensor {
    return relu(this.bn.forward(this.conv.forward(x)));
  }
}

class ResidualBlock extends Module {
  first: ConvBnRelu;
  second: ConvBnRelu;
  constructor(channels: number) {
    super();
    this.first = new ConvBnRelu(channels, channels);
    this.second = new ConvBnRelu(channels, channels);
  }
  forward(x: Tensor): Tensor {
    return this.second.forward(this.first.forward(x)).add(x);
  }
}

class ResNet extends Module {
  stem = new ConvBnRelu(3, 8, 2);
  blocks = new Sequential(new ResidualBlock(8), new ResidualBlock(8));
  pool = new AdaptiveAvgPool2d(1);
  flatten = new Flatten();
  dropout = new Dropout(0.3);
  fc = new Linear(8, 10);
  forward(x: Tensor): Tensor {
    return this.fc.forward(this.dropout.forward(this.flatten.forward(this.pool.forward(this.blocks.forward(this.stem.forward(x))))));
  }
}

test('a BatchNorm/residual net (conv-BN-ReLU blocks, identity adds, adaptive avg pool, dropout, linear)', async () => {
  manualSeed(3);
  const net = new ResNet();
  warmUpBatchNorm(net, [3, 16, 16]);
  await checkAgainstRuntime('BatchNorm/residual net', net, [3, 16, 16]);
});

class Softplus extends Module {
  constructor(readonly beta = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softplus(x, { beta: this.beta });
  }
}

test('an MLP with sigmoid, tanh, softplus (beta 1 and 2), leaky ReLU and log-softmax', async () => {
  manualSeed(4);
  const mlp = new Sequential(
    new Linear(20, 32), new Sigmoid(), new Linear(32, 32), new Tanh(), new Linear(32, 32), new Softplus(),
    new Linear(32, 16), new Softplus(2), new Linear(16, 16), new LeakyReLU(0.2), new Linear(16, 5), new LogSoftmax(1),
  );
  await checkAgainstRuntime('MLP sigmoid/tanh/softplus', mlp, [20]);
});

/** A hand-written forward: reshape, two linear branches joined by cat, a transpose, a linear on 3-D input. */
class Mixer extends Module {
  left = new Linear(12, 8);
  right = new Linear(12, 8);
  mix = new Linear(4, 4);
  head = new Linear(16, 3);
  forward(x: Tensor): Tensor {
    const flat = x.reshape(-1, 12);
    const joined = cat([this.left.forward(flat), this.right.forward(flat).mul(0.5)], 1);
    const grid = joined.reshape(-1, 4, 4).transpose(1, 2);
    const mixed = this.mix.forward(grid).sub(grid).div(2);
    return this.head.forward(mixed.flatten(1)).softmax(-1);
  }
}

test('a custom Module.forward using cat, reshape and transpose', async () => {
  manualSeed(5);
  await checkAgainstRuntime('custom forward (cat/reshape/transpose)', new Mixer(), [3, 4]);
});

/** Every other mapping once: pooling variants, conv geometry, elementwise, reductions, slicing. */
class Assorted extends Module {
  grouped = new Conv2d(4, 6, 3, { stride: 2, dilation: 2, padding: 2, groups: 2 });
  avg = new AvgPool2d(3, { stride: 2, padding: 1 });
  gelu = new GELU();
  bn1d = new BatchNorm1d(12);
  fc = new Linear(12, 12, { bias: false });
  softmax = new Softmax(1);
  same = randn([4, 4, 3, 3]).mul(0.2);
  forward(x: Tensor): Tensor {
    const a = this.avg.forward(this.gelu.forward(this.grouped.forward(x)));
    const b = avgPool2d(conv2d(x, this.same, null, { padding: 'same' }), { kernelSize: 2, padding: 1, countIncludePad: false });
    const c = maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, dilation: 2 });
    const d = adaptiveAvgPool2d(gelu(x, { approximate: 'tanh' }), [2, 2]);
    const pooled = cat([a.mean([2, 3]), b.sum([2, 3]).div(10), c.mean([2, 3], true).flatten(1)], 1); // [N, 6 + 4 + 4]
    const feats = slice(pooled, 1, 1, 13); // [N, 12]
    const bounded = clamp(maximum(minimum(feats, 1.5), feats.neg()), -1, null).add(feats.abs().add(1).sqrt().log());
    const e = this.fc.forward(this.bn1d.forward(bounded)).exp().pow(0.5);
    const f = stack([select(d, 1, 0), select(d, 1, 3)], 1).flatten(1).expand(2, -1, 8).sum(0); // [N, 8]
    return cat([this.softmax.forward(e), f, e.to('float64').to('float32')], 1);
  }
}

test('the remaining mappings (grouped/strided/dilated/same conv, pooling, gelu, clamp, reductions, slicing, stack, expand, cast)', async () => {
  manualSeed(6);
  const net = new Assorted();
  warmUpBatchNorm(net, [4, 8, 8]);
  await checkAgainstRuntime('assorted ops', net, [4, 8, 8]);
});

test('ceil-mode pooling (windows hanging over the edge) and a 0-d output', async () => {
  manualSeed(7);
  const pools = new Sequential(
    new Conv2d(2, 3, 3), new MaxPool2d(3, { stride: 2, ceilMode: true }), new AvgPool2d(3, { stride: 2, ceilMode: true, countIncludePad: false }),
  );
  await checkAgainstRuntime('ceil-mode pooling', pools, [2, 10, 10]);
  // PyTorch's rule drops a last window that would start in the right padding (ONNX's ceil_mode keeps it)
  await checkAgainstRuntime('ceil-mode pooling, dropped window', new Sequential(new MaxPool2d(3, { stride: 3, padding: 1, ceilMode: true })), [1, 5, 5]);
  class Total extends Module {
    forward(x: Tensor): Tensor {
      return x.mul(x).sum();
    }
  }
  await checkAgainstRuntime('0-d output', new Total(), [3]);
});

class IntegerOps extends Module {
  fc = new Linear(6, 6);
  forward(x: Tensor): Tensor[] {
    const h = this.fc.forward(x);
    const gated = where(gt(h, 0), h, h.mul(0.1)).add(where(le(h, -0.5), 1, 0));
    // bool + bool is a logical or (as PyTorch); an int32 first operand makes the sum count the votes
    const either = eq(argmax(h, 1, true), argmin(x, 1, true)).add(ne(h, h));
    const votes = either.int().add(lt(x, 0.5)).add(ge(h, x)).add(logicalNot(lt(x, 0.5)).mul(gt(h, 0)))
      .add(any(gt(h, 0.5), 1, true)).add(all(lt(h, 2), 1, true));
    return [gated, votes, argmax(h)];
  }
}

test('int32 ops: comparisons, where, argmax/argmin (outputs of int32 dtype too)', async () => {
  manualSeed(8);
  const model = new IntegerOps();
  const bytes = toOnnx(model, randn([2, 6]), { outputNames: ['gated', 'votes', 'flatArgmax'], dynamicAxes: { input: [0], gated: [0], votes: [0] } });
  let worst = 0;
  for (const batch of [1, 7]) {
    const x = randn([batch, 6]);
    const [gated, votes, flat] = noGrad(() => model.eval().forward(x));
    const out = await runOnnx(bytes, { input: x });
    worst = Math.max(worst, maxAbsDiff(out.gated.data, gated.data));
    assert.ok(worst < TOLERANCE, `gated at batch ${batch}: ${worst}`);
    assert.instance(out.votes.data, Int32Array);
    assert.equal([...out.votes.data], [...votes.data], `votes at batch ${batch}`);
    assert.equal([...out.flatArgmax.data], [...flat.data]);
  }
  measured.push(`int32 ops: comparisons and argmax identical, where max abs diff ${worst.toExponential(2)}`);
});

test.after(() => console.log(`\nONNX Runtime vs torchlet:\n  ${measured.join('\n  ')}`));

test.run();

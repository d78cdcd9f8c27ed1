import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, randn, manualSeed, assertClose, gradcheck, Generator, sum } from '@torchlet/core';
import {
  Linear, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d, Dropout, ReLU, LeakyReLU, Sigmoid, Tanh, GELU,
  Softmax, LogSoftmax, Flatten, Identity, CrossEntropyLoss, NLLLoss, MSELoss,
} from '@torchlet/nn';

const f64 = { dtype: 'float64' as const };

/** Reference convolution by plain loops over [N, C, H, W]. */
function naiveConv2d(
  x: Tensor, w: Tensor, b: Tensor | null,
  [sh, sw]: number[], [ph, pw]: number[], [dh, dw]: number[], groups: number,
): { data: number[]; shape: number[] } {
  const [N, C, H, W] = x.shape;
  const [O, Cg, KH, KW] = w.shape;
  const OH = Math.floor((H + 2 * ph - dh * (KH - 1) - 1) / sh) + 1;
  const OW = Math.floor((W + 2 * pw - dw * (KW - 1) - 1) / sw) + 1;
  const out: number[] = [];
  const Og = O / groups;
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) {
    let s = b ? b.data[o] : 0;
    const g = Math.floor(o / Og);
    for (let c = 0; c < Cg; c++) for (let ki = 0; ki < KH; ki++) for (let kj = 0; kj < KW; kj++) {
      const y = i * sh - ph + ki * dh;
      const xx = j * sw - pw + kj * dw;
      if (y < 0 || y >= H || xx < 0 || xx >= W) continue;
      s += x.data[((n * C + g * Cg + c) * H + y) * W + xx] * w.data[((o * Cg + c) * KH + ki) * KW + kj];
    }
    out.push(s);
  }
  return { data: out, shape: [N, O, OH, OW] };
}

test('Linear computes x·Wᵀ + b (checked against loops) and is gradchecked through its parameters', () => {
  manualSeed(0);
  const lin = new Linear(3, 2, f64);
  const x = randn([4, 3], f64);
  const y = lin.forward(x);
  assert.equal(y.shape, [4, 2]);
  const expected: number[] = [];
  for (let r = 0; r < 4; r++) for (let o = 0; o < 2; o++) {
    let s = lin.bias!.data[o];
    for (let i = 0; i < 3; i++) s += x.data[r * 3 + i] * lin.weight.data[o * 3 + i];
    expected.push(s);
  }
  assertClose(y, expected, { atol: 1e-12 });
  x.requiresGrad = true;
  assert.ok(gradcheck((xi) => lin.forward(xi), [x, lin.weight, lin.bias!]));
  const noBias = new Linear(3, 2, { bias: false, dtype: 'float64' });
  assert.ok(gradcheck((xi) => noBias.forward(xi), [randn([2, 5, 3], { ...f64, requiresGrad: true }), noBias.weight]));
  assert.is(noBias.bias, null);
  assert.equal(lin.weight.shape, [2, 3]);
  assert.is(new Linear(2, 2).weight.dtype, 'float32');
});

test('Linear rejects bad sizes, a non-float dtype and a mismatched input', () => {
  assert.throws(() => new Linear(0, 3), /Linear: inFeatures must be a positive integer, got 0/);
  assert.throws(() => new Linear(3, -1), /Linear: outFeatures must be a positive integer, got -1/);
  assert.throws(() => new Linear(2.5, 3), /Linear: inFeatures must be a positive integer, got 2\.5/);
  assert.throws(() => new Linear(2, 3, { dtype: 'int32' }), /Linear: parameters need a floating dtype \(float32 or float64\), got "int32"/);
  assert.throws(() => new Linear(3, 2).forward(randn([4, 5])), /linear: input of shape \[4, 5\] has 5 features but weight \[2, 3\] expects 3/);
});

test('Conv2d matches a loop convolution with stride, padding, dilation and groups; gradchecked', () => {
  manualSeed(1);
  const cases = [
    { inC: 1, outC: 2, k: 3 as number | [number, number], stride: 1, padding: 0, dilation: 1, groups: 1 },
    { inC: 4, outC: 6, k: [3, 2] as [number, number], stride: 2, padding: 1, dilation: 1, groups: 2 },
    { inC: 2, outC: 2, k: 2, stride: [1, 2] as [number, number], padding: [2, 1] as [number, number], dilation: 2, groups: 1 },
  ];
  for (const c of cases) {
    const conv = new Conv2d(c.inC, c.outC, c.k, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, dtype: 'float64' });
    const x = randn([2, c.inC, 6, 5], f64);
    const ref = naiveConv2d(x, conv.weight, conv.bias, conv.stride, conv.padding, conv.dilation, c.groups);
    const y = conv.forward(x);
    assert.equal(y.shape, ref.shape);
    assertClose(y, ref.data, { atol: 1e-12 });
  }
  const conv = new Conv2d(2, 3, 2, { padding: 1, dtype: 'float64' });
  const x = randn([1, 2, 3, 3], { ...f64, requiresGrad: true });
  assert.ok(gradcheck((xi) => conv.forward(xi), [x, conv.weight, conv.bias!]));
  assert.equal(new Conv2d(4, 6, 3, { groups: 2 }).weight.shape, [6, 2, 3, 3]);
  assert.is(new Conv2d(1, 1, 1, { bias: false }).bias, null);
});

test('Conv2d rejects groups not dividing channels and bad sizes; input channel mismatch is reported', () => {
  assert.throws(() => new Conv2d(3, 6, 3, { groups: 2 }), /Conv2d: inChannels \(3\) must be divisible by groups \(2\)/);
  assert.throws(() => new Conv2d(4, 6, 3, { groups: 4 }), /Conv2d: outChannels \(6\) must be divisible by groups \(4\)/);
  assert.throws(() => new Conv2d(4, 4, 3, { groups: 0 }), /Conv2d: groups must be a positive integer, got 0/);
  assert.throws(() => new Conv2d(0, 4, 3), /Conv2d: inChannels must be a positive integer, got 0/);
  assert.throws(() => new Conv2d(1, 4, 0), /Conv2d: kernelSize must be an integer >= 1 or a pair of them, got 0/);
  assert.throws(() => new Conv2d(1, 4, [3, 3, 3] as never), /Conv2d: kernelSize must be an integer >= 1 or a pair of them, got \[3,3,3\]/);
  assert.throws(() => new Conv2d(1, 4, 3, { padding: -1 }), /Conv2d: padding must be an integer >= 0/);
  assert.throws(() => new Conv2d(1, 4, 3, { stride: 0 }), /Conv2d: stride must be an integer >= 1/);
  assert.throws(() => new Conv2d(1, 6, 5).forward(randn([1, 3, 8, 8])), /conv2d: .*3 channels/);
});

test('pooling modules: MaxPool2d and AvgPool2d by hand, AdaptiveAvgPool2d to 1×1 is the plane mean', () => {
  const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
  assert.equal(new MaxPool2d(2).forward(x).tolist(), [[[[6, 8], [14, 16]]]]);
  assert.equal(new MaxPool2d(3, { stride: 1, padding: 1 }).forward(x).shape, [1, 1, 4, 4]);
  assert.equal(new MaxPool2d(3, { stride: 2, ceilMode: true }).forward(x).tolist(), [[[[11, 12], [15, 16]]]]);
  assert.equal(new MaxPool2d(2, { stride: 1, dilation: 2 }).forward(x).tolist(), [[[[11, 12], [15, 16]]]]);
  assert.equal(new AvgPool2d(2).forward(x).tolist(), [[[[3.5, 5.5], [11.5, 13.5]]]]);
  // countIncludePad: the corner window holds one value (1) and three zeros of padding
  assert.is(new AvgPool2d(2, { padding: 1 }).forward(x).data[0], 0.25);
  assert.is(new AvgPool2d(2, { padding: 1, countIncludePad: false }).forward(x).data[0], 1);
  assertClose(new AdaptiveAvgPool2d(1).forward(x), [8.5]);
  assert.equal(new AdaptiveAvgPool2d([2, 1]).forward(x).tolist(), [[[[4.5], [12.5]]]]);
  assert.is(new AvgPool2d(2, { stride: 1 }).toString(), 'AvgPool2d(kernelSize=2, stride=1, padding=0)');
  assert.is(new AdaptiveAvgPool2d([2, 3]).toString(), 'AdaptiveAvgPool2d(outputSize=[2, 3])');
  assert.throws(() => new MaxPool2d(0), /MaxPool2d: kernelSize must be an integer >= 1/);
  assert.throws(() => new AvgPool2d(2, { stride: 0 }), /AvgPool2d: stride must be an integer >= 1/);
  assert.throws(() => new AdaptiveAvgPool2d(0), /AdaptiveAvgPool2d: outputSize must be an integer >= 1/);
});

test('BatchNorm2d: batch statistics and running-stat updates in training, running statistics in eval', () => {
  manualSeed(2);
  const bn = new BatchNorm2d(3, { dtype: 'float64' });
  const x = randn([4, 3, 2, 2], f64).mul(3).add(1);
  const y = bn.forward(x);
  const [N, C, S] = [4, 3, 4];
  for (let c = 0; c < C; c++) {
    const vals: number[] = [];
    const outs: number[] = [];
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) {
      vals.push(x.data[(n * C + c) * S + s]);
      outs.push(y.data[(n * C + c) * S + s]);
    }
    const mean = vals.reduce((a, b) => a + b) / vals.length;
    const varBiased = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
    const varUnbiased = (varBiased * vals.length) / (vals.length - 1);
    assertClose(outs, vals.map((v) => (v - mean) / Math.sqrt(varBiased + 1e-5)), { atol: 1e-10 });
    assertClose([bn.runningMean!.data[c]], [0.1 * mean], { atol: 1e-12 });
    assertClose([bn.runningVar!.data[c]], [0.9 + 0.1 * varUnbiased], { atol: 1e-12 });
  }
  assert.is(bn.numBatchesTracked!.item(), 1);

  bn.eval();
  const rm = Array.from(bn.runningMean!.data);
  const rv = Array.from(bn.runningVar!.data);
  const z = bn.forward(x);
  const expected = Array.from(x.data, (v, i) => {
    const c = Math.floor(i / S) % C;
    return (v - rm[c]) / Math.sqrt(rv[c] + 1e-5);
  });
  assertClose(z, expected, { atol: 1e-10 });
  assert.equal(Array.from(bn.runningMean!.data), rm, 'eval does not update');
  assert.is(bn.numBatchesTracked!.item(), 1);

  // gradients flow to the input, weight and bias in training mode
  bn.train();
  const xi = randn([3, 3, 2, 2], { ...f64, requiresGrad: true });
  const fresh = new BatchNorm2d(3, { dtype: 'float64', momentum: 0 });
  fresh.weight!.data.set([0.5, 2, -1]);
  assert.ok(gradcheck((t) => fresh.forward(t), [xi, fresh.weight!, fresh.bias!]));
});

test('BatchNorm: cumulative average with momentum null, no running stats, 1d inputs, errors', () => {
  const bn = new BatchNorm1d(2, { momentum: null, dtype: 'float64' });
  const a = tensor([[1, 10], [3, 30]], f64);
  const b = tensor([[5, 0], [7, 0]], f64);
  bn.forward(a);
  bn.forward(b);
  // the running mean is the plain average of the batch means (2, 20) and (6, 0)
  assertClose(bn.runningMean!, [4, 10], { atol: 1e-12 });
  assert.is(bn.numBatchesTracked!.item(), 2);
  assert.equal(bn.forward(randn([2, 2, 5], f64)).shape, [2, 2, 5]);

  const noStats = new BatchNorm1d(2, { trackRunningStats: false, affine: false });
  assert.equal(Object.keys(noStats.stateDict()), []);
  assert.is(noStats.runningMean, null);
  noStats.eval();
  const out = noStats.forward(tensor([[1, 2], [3, 6]]));
  assertClose(out, [-1, -1, 1, 1], { atol: 1e-4 });

  assert.throws(() => new BatchNorm2d(3).forward(randn([2, 3, 4])), /BatchNorm2d: expected 4D input, got 3D input of shape \[2, 3, 4\]/);
  assert.throws(() => new BatchNorm1d(3).forward(randn([2, 3, 4, 4])), /BatchNorm1d: expected 2D or 3D input, got 4D/);
  assert.throws(() => new BatchNorm2d(3).forward(randn([2, 4, 2, 2])), /BatchNorm2d: input of shape \[2, 4, 2, 2\] has 4 channels but the layer expects 3/);
  assert.throws(() => new BatchNorm2d(0), /BatchNorm2d: numFeatures must be a positive integer, got 0/);
  assert.throws(() => new BatchNorm2d(2, { momentum: 2 }), /BatchNorm2d: momentum must be in \[0, 1\] or null, got 2/);
  assert.throws(() => new BatchNorm2d(2, { eps: 0 }), /BatchNorm2d: eps must be positive, got 0/);
});

test('Dropout: zeroes and rescales in training, identity in eval, seeded by its generator', () => {
  const x = randn([1000]);
  const drop = new Dropout(0.5, { generator: new Generator(7) });
  const y = drop.forward(x);
  let zeros = 0;
  for (let i = 0; i < x.numel(); i++) {
    if (y.data[i] === 0) zeros++;
    else assertClose([y.data[i]], [2 * x.data[i]]);
  }
  assert.ok(zeros > 400 && zeros < 600, `dropped ${zeros} of 1000`);
  const again = new Dropout(0.5, { generator: new Generator(7) }).forward(x);
  assert.equal(Array.from(again.data), Array.from(y.data));
  drop.eval();
  assert.equal(Array.from(drop.forward(x).data), Array.from(x.data));
  assert.equal(Array.from(new Dropout(0).forward(x).data), Array.from(x.data));
  assert.throws(() => new Dropout(1.5), /Dropout: p must be a probability between 0 and 1, got 1\.5/);
  assert.is(new Dropout(0.25).toString(), 'Dropout(p=0.25)');
});

test('activation modules compute their functions', () => {
  const x = tensor([-2, -0.5, 0, 1.5]);
  const v = Array.from(x.data);
  assertClose(new ReLU().forward(x), v.map((t) => Math.max(0, t)));
  assertClose(new LeakyReLU(0.2).forward(x), v.map((t) => (t > 0 ? t : 0.2 * t)));
  assertClose(new LeakyReLU().forward(x), v.map((t) => (t > 0 ? t : 0.01 * t)));
  assertClose(new Sigmoid().forward(x), v.map((t) => 1 / (1 + Math.exp(-t))));
  assertClose(new Tanh().forward(x), v.map(Math.tanh));
  const phi = (t: number): number => 0.5 * t * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (t + 0.044715 * t ** 3)));
  assertClose(new GELU({ approximate: 'tanh' }).forward(x), v.map(phi));
  assertClose(new GELU().forward(tensor([1])), [0.8413447460685429], { atol: 1e-6 });
  const logits = tensor([[1, 2, 3], [0, 0, 0]]);
  const soft = (row: number[]): number[] => row.map((t) => Math.exp(t) / row.reduce((s, u) => s + Math.exp(u), 0));
  assertClose(new Softmax(1).forward(logits), [...soft([1, 2, 3]), ...soft([0, 0, 0])]);
  assertClose(new LogSoftmax(-1).forward(logits), [...soft([1, 2, 3]), ...soft([0, 0, 0])].map(Math.log));
  assertClose(new Softmax(0).forward(logits), [...soft([1, 0]), ...soft([2, 0]), ...soft([3, 0])].map((_, i, a) => a[(i % 3) * 2 + Math.floor(i / 3)]));
  assert.equal(new Flatten().forward(randn([2, 3, 4, 5])).shape, [2, 60]);
  assert.equal(new Flatten(0, 2).forward(randn([2, 3, 4, 5])).shape, [24, 5]);
  assert.ok(new Identity().forward(x) === x);
  assert.is(new LeakyReLU(0.2).toString(), 'LeakyReLU(negativeSlope=0.2)');
  assert.is(new GELU().toString(), "GELU(approximate='none')");
  assert.is(new Softmax(1).toString(), 'Softmax(dim=1)');
  assert.is(new LogSoftmax(-1).toString(), 'LogSoftmax(dim=-1)');
  assert.throws(() => new Softmax(0.5), /Softmax: dim must be an integer, got 0\.5/);
  assert.throws(() => new LogSoftmax(undefined as never), /LogSoftmax: dim must be an integer/);
  assert.throws(() => new LeakyReLU(NaN), /LeakyReLU: negativeSlope must be a finite number, got NaN/);
  assert.throws(() => new GELU({ approximate: 'fast' as never }), /GELU: approximate must be 'none' or 'tanh', got "fast"/);
  assert.throws(() => new Flatten(0.5), /Flatten: startDim and endDim must be integers/);
});

test('loss modules: MSELoss, CrossEntropyLoss and NLLLoss against hand-computed values', () => {
  const input = tensor([[1, 2], [3, 5]]);
  const target = tensor([[1, 1], [1, 1]]);
  assertClose(new MSELoss().forward(input, target), [(0 + 1 + 4 + 16) / 4]);
  assertClose(new MSELoss({ reduction: 'sum' }).forward(input, target), [21]);
  assert.equal(new MSELoss({ reduction: 'none' }).forward(input, target).shape, [2, 2]);

  const logits = tensor([[2, 0, -1], [0.5, 0.5, 3]], f64);
  const labels = tensor([0, 2], { dtype: 'int32' });
  const lse = (r: number[]): number => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
  const l0 = lse([2, 0, -1]) - 2;
  const l1 = lse([0.5, 0.5, 3]) - 3;
  assertClose(new CrossEntropyLoss().forward(logits, labels), [(l0 + l1) / 2], { atol: 1e-12 });
  const weighted = new CrossEntropyLoss({ weight: tensor([1, 1, 3], f64) });
  assertClose(weighted.forward(logits, labels), [(l0 + 3 * l1) / 4], { atol: 1e-12 });
  assert.equal(Object.keys(weighted.stateDict()), ['weight']);
  assert.equal(Object.keys(new CrossEntropyLoss().stateDict()), []);
  assertClose(new CrossEntropyLoss({ ignoreIndex: 2 }).forward(logits, labels), [l0], { atol: 1e-12 });
  const eps = 0.1;
  const smooth0 = (1 - eps) * l0 + (eps / 3) * [2, 0, -1].reduce((s, v) => s + lse([2, 0, -1]) - v, 0);
  const smooth1 = (1 - eps) * l1 + (eps / 3) * [0.5, 0.5, 3].reduce((s, v) => s + lse([0.5, 0.5, 3]) - v, 0);
  assertClose(new CrossEntropyLoss({ labelSmoothing: eps }).forward(logits, labels), [(smooth0 + smooth1) / 2], { atol: 1e-12 });

  const logp = new LogSoftmax(1).forward(logits);
  assertClose(new NLLLoss({ reduction: 'sum' }).forward(logp, labels), [l0 + l1], { atol: 1e-12 });
  const w = new NLLLoss({ weight: tensor([2, 1, 1], f64), reduction: 'none' }).forward(logp, labels);
  assertClose(w, [2 * l0, l1], { atol: 1e-12 });

  const ce = new CrossEntropyLoss();
  const z = randn([3, 4], { ...f64, requiresGrad: true });
  assert.ok(gradcheck((t) => ce.forward(t, tensor([0, 3, 1], { dtype: 'int32' })), [z]));
  sum(ce.forward(z, tensor([0, 3, 1], { dtype: 'int32' }))).backward();
  assert.ok(z.grad !== null);

  assert.throws(() => new MSELoss({ reduction: 'avg' as never }), /MSELoss: reduction must be 'mean', 'sum' or 'none', got "avg"/);
  assert.throws(() => new CrossEntropyLoss({ reduction: 'max' as never }), /CrossEntropyLoss: reduction must be/);
  assert.throws(() => new CrossEntropyLoss({ labelSmoothing: 2 }), /CrossEntropyLoss: labelSmoothing must be in \[0, 1\], got 2/);
  assert.is(new CrossEntropyLoss().toString(), 'CrossEntropyLoss()');
});

test.run();

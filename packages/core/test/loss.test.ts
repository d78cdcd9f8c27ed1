import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, randn, randint, ones, manualSeed, gradcheck, assertClose, Generator,
  crossEntropy, nllLoss, mseLoss, logSoftmax, dropout, dropout2d,
  type CrossEntropyOptions, type Reduction,
} from '@torchlet/core';

// every test draws the same numbers however the test files are run together
test.before.each(() => manualSeed(99));

const LN2 = Math.LN2;
const f64 = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });

/**
 * PyTorch's cross_entropy with class indices and label smoothing, written out with plain loops from its formula:
 * per position (1-ε)·w_t·(-log p_t) + (ε/C)·Σ_c w_c·(-log p_c), ignored positions 0, 'mean' dividing by Σ w_t.
 */
function crossEntropyRef(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): number[] {
  const { reduction = 'mean', weight = null, labelSmoothing: eps = 0, ignoreIndex = -100 } = options;
  const unbatched = logits.ndim === 1;
  const N = unbatched ? 1 : logits.shape[0];
  const C = unbatched ? logits.shape[0] : logits.shape[1];
  const inner = logits.shape.slice(2).reduce((a, b) => a * b, 1);
  const w = (c: number) => (weight ? weight.data[c] : 1);
  const losses: number[] = [];
  let weightSum = 0;
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < inner; j++) {
      const x = Array.from({ length: C }, (_, c) => logits.data[n * C * inner + c * inner + j]);
      const logZ = Math.log(x.reduce((s, v) => s + Math.exp(v), 0));
      const logp = x.map((v) => v - logZ);
      const t = target.data[n * inner + j];
      if (t === ignoreIndex) {
        losses.push(0);
        continue;
      }
      weightSum += w(t);
      let smooth = 0;
      for (let c = 0; c < C; c++) smooth -= w(c) * logp[c];
      losses.push((1 - eps) * -w(t) * logp[t] + (eps / C) * smooth);
    }
  }
  const sum = losses.reduce((a, b) => a + b, 0);
  return reduction === 'none' ? losses : reduction === 'sum' ? [sum] : [sum / weightSum];
}

/** Targets in [0, C), with about a fifth replaced by ignoreIndex when asked, the last one never ignored. */
function targets(shape: number[], C: number, ignoreIndex?: number): Tensor {
  const t = randint(0, C, shape);
  if (ignoreIndex === undefined) return t;
  for (let i = 0; i < t.numel(); i += 5) t.data[i] = ignoreIndex;
  const last = t.numel() - 1;
  if (t.data[last] === ignoreIndex) t.data[last] = ignoreIndex === 0 ? 1 : 0;
  return t;
}

const REDUCTIONS: Reduction[] = ['mean', 'sum', 'none'];

test('crossEntropy: hand-computed values (uniform logits give ln C; weights, smoothing and ignoring as PyTorch)', () => {
  assertClose(crossEntropy(tensor([[0, 0]]), tensor([0], { dtype: 'int32' })), [LN2]);
  assertClose(crossEntropy(tensor([[0, 0, 0, 0]]), tensor([3], { dtype: 'int32' })), [Math.log(4)]);
  // log-softmax of [1, 2, 3] is [-2.4076, -1.4076, -0.4076]; smoothing ε=0.1 gives lse - (0.9·3 + 0.1/3·6)
  const lse = Math.log(Math.E + Math.E ** 2 + Math.E ** 3);
  assertClose(crossEntropy(tensor([1, 2, 3]), tensor(2, { dtype: 'int32' })), [lse - 3]);
  assertClose(crossEntropy(tensor([1, 2, 3]), tensor(2, { dtype: 'int32' }), { labelSmoothing: 0.1 }), [lse - 2.9]);
  // row 0: p = [1/2, 1/2], target 0 -> ln 2; row 1: p = [3/4, 1/4], target 1 -> ln 4
  const logits = tensor([[0, 0], [Math.log(3), 0], [5, -5]], { dtype: 'float64' });
  const t = tensor([0, 1, -100], { dtype: 'int32' });
  assertClose(crossEntropy(logits, t), [(LN2 + 2 * LN2) / 2]);
  assertClose(crossEntropy(logits, t, { reduction: 'sum' }), [3 * LN2]);
  assertClose(crossEntropy(logits, t, { reduction: 'none' }), [LN2, 2 * LN2, 0]);
  const weight = tensor([1, 3], { dtype: 'float64' });
  // weighted mean divides by the summed weight of the non-ignored targets: (1·ln2 + 3·ln4) / (1 + 3)
  assertClose(crossEntropy(logits, t, { weight }), [(7 * LN2) / 4]);
  assertClose(crossEntropy(logits, t, { weight, reduction: 'sum' }), [7 * LN2]);
  // smoothing with weights: smooth_i = -Σ_c w_c log p_c = 4 ln2 (row 0) and ln(4/3) + 3 ln4 (row 1)
  const smooth = 4 * LN2 + (Math.log(4 / 3) + 3 * Math.log(4));
  assertClose(crossEntropy(logits, t, { weight, labelSmoothing: 0.2 }), [(0.8 * 7 * LN2) / 4 + (0.1 * smooth) / 4]);
  // a custom ignoreIndex drops row 1; row 2 ([5, -5], target 1) gives log(e^5 + e^-5) + 5 = 10 + log(1 + e^-10)
  const t2 = tensor([0, 7, 1], { dtype: 'int32' });
  assertClose(crossEntropy(logits, t2, { ignoreIndex: 7 }), [(LN2 + 10 + Math.log1p(Math.exp(-10))) / 2]);
});

test('crossEntropy matches the naive PyTorch formula for every reduction, weight, smoothing and ignoreIndex', () => {
  for (const shape of [[4, 5], [3, 4, 2], [2, 3, 2, 3], [6]]) {
    const C = shape.length === 1 ? shape[0] : shape[1];
    const tShape = shape.length === 1 ? [] : [shape[0], ...shape.slice(2)];
    const logits = randn(shape, { dtype: 'float64' });
    const weight = tensor(Array.from({ length: C }, (_, c) => 0.5 + 0.7 * c), { dtype: 'float64' });
    for (const reduction of REDUCTIONS) {
      for (const options of [{}, { weight }, { labelSmoothing: 0.15 }, { weight, labelSmoothing: 0.3 }, { ignoreIndex: 1 }] as CrossEntropyOptions[]) {
        const ignoreIndex = options.ignoreIndex ?? -100;
        const t = targets(tShape, C, ignoreIndex);
        const opts = { ...options, reduction };
        const out = crossEntropy(logits, t, opts);
        assert.equal([...out.shape], reduction === 'none' ? tShape : []);
        assertClose(out, crossEntropyRef(logits, t, opts), { atol: 1e-12, rtol: 1e-10 });
      }
    }
  }
  const x32 = randn([5, 4]);
  const t32 = targets([5], 4);
  const out32 = crossEntropy(x32, t32);
  assert.is(out32.dtype, 'float32');
  assertClose(out32, crossEntropyRef(x32, t32), { atol: 1e-6 });
});

test('crossEntropy is stable for logits of ±1000', () => {
  const logits = tensor([[1000, -1000, 0], [-1000, 1000, 1000]], { requiresGrad: true });
  const loss = crossEntropy(logits, tensor([0, 0], { dtype: 'int32' }), { reduction: 'none' });
  assertClose(loss, [0, 2000 + LN2], { atol: 1e-3 });
  crossEntropy(logits, tensor([0, 0], { dtype: 'int32' })).backward();
  assertClose(logits.grad!, [0, 0, 0, -0.5, 0.25, 0.25], { atol: 1e-6 });
});

test('crossEntropy gradient is (softmax - onehot) / N, smoothed onehot with labelSmoothing', () => {
  const logits = tensor([[0, 0], [Math.log(3), 0]], { dtype: 'float64', requiresGrad: true });
  const t = tensor([0, 1], { dtype: 'int32' });
  crossEntropy(logits, t).backward();
  assertClose(logits.grad!, [(0.5 - 1) / 2, 0.5 / 2, 0.75 / 2, (0.25 - 1) / 2], { atol: 1e-12 });
  logits.grad = null;
  // ε = 0.2, C = 2: the target row becomes [0.9, 0.1] / [0.1, 0.9]
  crossEntropy(logits, t, { labelSmoothing: 0.2, reduction: 'sum' }).backward();
  assertClose(logits.grad!, [0.5 - 0.9, 0.5 - 0.1, 0.75 - 0.1, 0.25 - 0.9], { atol: 1e-12 });
  assert.is(crossEntropy(logits, t).gradFn, 'crossEntropyBackward');
});

test('crossEntropy is gradchecked for each reduction with labelSmoothing, weight and ignoreIndex', () => {
  for (const shape of [[3, 4], [2, 3, 2], [2, 3, 2, 2], [5]]) {
    const C = shape.length === 1 ? shape[0] : shape[1];
    const tShape = shape.length === 1 ? [] : [shape[0], ...shape.slice(2)];
    const weight = tensor(Array.from({ length: C }, (_, c) => 0.5 + c), { dtype: 'float64' });
    for (const reduction of REDUCTIONS) {
      for (const options of [{}, { weight }, { labelSmoothing: 0.2 }, { weight, labelSmoothing: 0.4, ignoreIndex: 2 }] as CrossEntropyOptions[]) {
        const t = targets(tShape, C, options.ignoreIndex);
        gradcheck((x) => crossEntropy(x, t, { ...options, reduction }), [f64(shape)]);
      }
    }
  }
});

test('crossEntropy: every target ignored gives NaN for mean (0/0) and 0 for sum, as PyTorch', () => {
  const logits = randn([2, 3]);
  const t = tensor([-100, -100], { dtype: 'int32' });
  assert.ok(Number.isNaN(crossEntropy(logits, t).item()));
  assert.is(crossEntropy(logits, t, { reduction: 'sum' }).item(), 0);
  const x = f64([2, 3]);
  crossEntropy(x, t, { reduction: 'sum' }).backward();
  assert.equal(Array.from(x.grad!.data), [0, 0, 0, 0, 0, 0]);
});

test('crossEntropy validates dtypes, shapes, class indices and options', () => {
  const logits = randn([2, 5]);
  const t = tensor([1, 4], { dtype: 'int32' });
  // a floating target is read as class probabilities (PyTorch >= 1.10), so it must have the input's shape
  assert.throws(() => crossEntropy(logits, tensor([1, 4])), /^crossEntropy: a floating target holds class probabilities and must have the input's shape \[2, 5\], got \[2\] \(class indices are an int32 target/);
  assert.throws(() => crossEntropy(tensor([[1, 2]], { dtype: 'int32' }), tensor([0], { dtype: 'int32' })), /crossEntropy: expected floating-point input, got int32/);
  assert.throws(() => crossEntropy(logits, tensor([1, 5], { dtype: 'int32' })), /crossEntropy: target 5 at flat index 1 is out of bounds: expected a class index in \[0, 5\) or ignoreIndex -100/);
  assert.throws(() => crossEntropy(logits, tensor([-1, 0], { dtype: 'int32' })), /crossEntropy: target -1 at flat index 0 is out of bounds/);
  assert.throws(() => crossEntropy(logits, tensor([-100, 0], { dtype: 'int32' }), { ignoreIndex: 3 }), /target -100 .* or ignoreIndex 3/);
  assert.throws(() => crossEntropy(logits, tensor([1, 2, 3], { dtype: 'int32' })), /crossEntropy: target of shape \[3\] does not match input of shape \[2, 5\] \(expected target shape \[2\]\)/);
  assert.throws(() => crossEntropy(randn([2, 5, 3]), t), /target of shape \[2\] does not match input of shape \[2, 5, 3\] \(expected target shape \[2, 3\]\)/);
  assert.throws(() => crossEntropy(tensor(1), tensor(0, { dtype: 'int32' })), /crossEntropy: expected input of shape \[N, C\], \[N, C, d1, \.\.\.\] or \[C\], got \[\]/);
  assert.throws(() => crossEntropy(logits, t, { weight: ones([4]) }), /crossEntropy: weight must be a floating-point tensor of shape \[5\] \(one weight per class\), got float32 \[4\]/);
  assert.throws(() => crossEntropy(logits, t, { weight: [1, 2] as never }), /crossEntropy: weight must be a Tensor, got object/);
  assert.throws(() => crossEntropy(logits, t, { reduction: 'avg' as never }), /crossEntropy: reduction must be 'mean', 'sum' or 'none', got "avg"/);
  assert.throws(() => crossEntropy(logits, t, { labelSmoothing: 1.5 }), /crossEntropy: labelSmoothing must be between 0 and 1, got 1.5/);
  assert.throws(() => crossEntropy(logits, t, { ignoreIndex: 0.5 }), /crossEntropy: ignoreIndex must be an integer, got 0.5/);
  assert.throws(() => crossEntropy(logits, t, { labelSmothing: 0.1 } as never), /crossEntropy: unknown option "labelSmothing"/);
});

test('nllLoss of logSoftmax equals crossEntropy, for every reduction, weight and ignoreIndex', () => {
  const x = randn([4, 3, 2], { dtype: 'float64' });
  const weight = tensor([0.2, 1, 3], { dtype: 'float64' });
  for (const reduction of REDUCTIONS) {
    for (const options of [{}, { weight }, { ignoreIndex: 0 }, { weight, ignoreIndex: 2 }]) {
      const t = targets([4, 2], 3, (options as { ignoreIndex?: number }).ignoreIndex ?? -100);
      const opts = { ...options, reduction };
      assertClose(nllLoss(logSoftmax(x, 1), t, opts), crossEntropy(x, t, opts), { atol: 1e-12 });
    }
  }
  // hand values: -input[t], weighted mean over the non-ignored weights
  const lp = tensor([[-1, -2], [-3, -4], [-5, -6]]);
  const t = tensor([1, 0, -100], { dtype: 'int32' });
  assertClose(nllLoss(lp, t), [(2 + 3) / 2]);
  assertClose(nllLoss(lp, t, { reduction: 'none' }), [2, 3, 0]);
  assertClose(nllLoss(lp, t, { weight: tensor([1, 4]) }), [(4 * 2 + 3) / 5]);
  assertClose(nllLoss(tensor([-1, -2]), tensor(1, { dtype: 'int32' })), [2]);
});

test('nllLoss is gradchecked and validated', () => {
  for (const shape of [[3, 4], [2, 3, 2], [4]]) {
    const tShape = shape.length === 1 ? [] : [shape[0], ...shape.slice(2)];
    const C = shape.length === 1 ? shape[0] : shape[1];
    for (const reduction of REDUCTIONS) {
      const t = targets(tShape, C, shape.length === 1 ? undefined : -100);
      gradcheck((x) => nllLoss(x, t, { reduction }), [f64(shape)]);
      gradcheck((x) => nllLoss(x, t, { reduction, weight: tensor(Array.from({ length: C }, (_, c) => c + 1)) }), [f64(shape)]);
    }
  }
  assert.throws(() => nllLoss(randn([2, 3]), tensor([0, 1])), /nllLoss: expected target of dtype int32 \(class indices\), got float32/);
  assert.throws(() => nllLoss(randn([2, 3]), tensor([0, 3], { dtype: 'int32' })), /nllLoss: target 3 at flat index 1 is out of bounds: expected a class index in \[0, 3\)/);
  assert.throws(() => nllLoss(randn([2, 3]), tensor([0], { dtype: 'int32' })), /nllLoss: target of shape \[1\] does not match input of shape \[2, 3\]/);
  assert.throws(() => nllLoss(randn([2, 3]), tensor([0, 1], { dtype: 'int32' }), { labelSmoothing: 0.1 } as never), /nllLoss: unknown option "labelSmoothing"/);
});

test('mseLoss: hand values for each reduction, dtype promotion, gradients to both input and target', () => {
  const a = tensor([[1, 2], [3, 4]]);
  const b = tensor([[1, 0], [0, 4]]);
  assertClose(mseLoss(a, b), [(0 + 4 + 9 + 0) / 4]);
  assertClose(mseLoss(a, b, { reduction: 'sum' }), [13]);
  assertClose(mseLoss(a, b, { reduction: 'none' }), [0, 4, 9, 0]);
  assert.equal(mseLoss(a, b, { reduction: 'none' }).shape, [2, 2]);
  assert.is(mseLoss(a, b.double()).dtype, 'float64');
  assert.is(mseLoss(a, b.double(), { reduction: 'none' }).dtype, 'float64');
  const x = tensor([1, 2], { requiresGrad: true });
  const y = tensor([3, 1], { requiresGrad: true });
  mseLoss(x, y).backward();
  assertClose(x.grad!, [-2, 1]);
  assertClose(y.grad!, [2, -1]);
  for (const reduction of REDUCTIONS) {
    for (const shape of [[5], [2, 3], [2, 1, 3]]) {
      gradcheck((p, q) => mseLoss(p, q, { reduction }), [f64(shape), f64(shape)]);
      const fixed = randn(shape, { dtype: 'float64' });
      gradcheck((p) => mseLoss(p, fixed, { reduction }), [f64(shape)]);
    }
  }
});

test('mseLoss validates shapes, dtypes and options', () => {
  assert.throws(() => mseLoss(randn([2, 1]), randn([2])), /mseLoss: input of shape \[2, 1\] and target of shape \[2\] must have the same shape/);
  assert.throws(() => mseLoss(randn([2]), tensor([1, 2], { dtype: 'int32' })), /mseLoss: expected floating-point input and target, got float32 and int32/);
  assert.throws(() => mseLoss(randn([2]), randn([2]), { reduction: 'mean ' as never }), /mseLoss: reduction must be 'mean', 'sum' or 'none', got "mean "/);
  assert.throws(() => mseLoss(randn([2]), randn([2]), { beta: 1 } as never), /mseLoss: unknown option "beta"/);
});

test('dropout: inverted scaling, repeatable under manualSeed, about p dropped, gradient = mask · scale', () => {
  const x = randn([100, 50], { requiresGrad: true });
  manualSeed(7);
  const y = dropout(x, 0.3);
  manualSeed(7);
  assert.equal(Array.from(dropout(x, 0.3).data), Array.from(y.data), 'same seed, same mask');
  assert.not.equal(Array.from(dropout(x, 0.3).data), Array.from(y.data));
  let dropped = 0;
  for (let i = 0; i < x.numel(); i++) {
    if (y.data[i] === 0) dropped++;
    else assertClose([y.data[i]], [x.data[i] / 0.7], { rtol: 1e-6 });
  }
  assert.ok(Math.abs(dropped / x.numel() - 0.3) < 0.03, `dropped fraction ${dropped / x.numel()}`);
  y.backward(ones([100, 50]));
  for (let i = 0; i < x.numel(); i++) assertClose([x.grad!.data[i]], [y.data[i] === 0 ? 0 : 1 / 0.7], { rtol: 1e-6 });
  const g1 = new Generator(3);
  const g2 = new Generator(3);
  assert.equal(Array.from(dropout(x, 0.5, true, { generator: g1 }).data), Array.from(dropout(x, 0.5, true, { generator: g2 }).data));
  assert.is(dropout(x).gradFn, 'dropoutBackward');
});

test('dropout: p = 0 and training = false are identities (copies), p = 1 gives zeros', () => {
  const x = tensor([1, -2, 3], { requiresGrad: true });
  for (const y of [dropout(x, 0), dropout(x, 0.9, false)]) {
    assert.equal(y.tolist(), [1, -2, 3]);
    assert.ok(y.data !== x.data, 'a copy');
  }
  dropout(x, 0.5, false).backward(tensor([4, 5, 6]));
  assert.equal(x.grad!.tolist(), [4, 5, 6]);
  x.grad = null;
  const z = dropout(x, 1);
  assert.equal(z.tolist(), [0, 0, 0]);
  z.backward(tensor([4, 5, 6]));
  assert.equal(x.grad!.tolist(), [0, 0, 0]);
});

test('dropout and dropout2d are gradchecked with a fixed mask', () => {
  for (const shape of [[7], [3, 4], [2, 3, 2, 2]]) {
    gradcheck((t) => dropout(t, 0.4, true, { generator: new Generator(11) }), [f64(shape)]);
  }
  for (const shape of [[2, 3, 2, 2], [4, 3, 2]]) {
    gradcheck((t) => dropout2d(t, 0.5, true, { generator: new Generator(5) }), [f64(shape)]);
  }
});

test('dropout2d zeroes whole channels of [N, C, H, W] and [C, H, W]', () => {
  const x = ones([4, 8, 3, 2]);
  const y = dropout2d(x, 0.5, true, { generator: new Generator(1) });
  let droppedChannels = 0;
  for (let ch = 0; ch < 32; ch++) {
    const plane = Array.from(y.data.subarray(ch * 6, ch * 6 + 6));
    assert.ok(plane.every((v) => v === plane[0]), 'a channel is dropped or kept whole');
    assert.ok(plane[0] === 0 || plane[0] === 2);
    if (plane[0] === 0) droppedChannels++;
  }
  assert.ok(droppedChannels > 4 && droppedChannels < 28, `dropped ${droppedChannels} of 32`);
  const z = dropout2d(ones([6, 2, 2]), 0.5, true, { generator: new Generator(2) });
  for (let ch = 0; ch < 6; ch++) assert.is(new Set(z.data.subarray(ch * 4, ch * 4 + 4)).size, 1);
  assert.equal(dropout2d(x, 0.5, false).tolist(), x.tolist());
  assert.equal(dropout2d(ones([2, 3, 0, 4]), 0.5).shape, [2, 3, 0, 4]);
});

test('dropout validates p, dtype, shape and options', () => {
  const x = randn([2, 3]);
  assert.throws(() => dropout(x, 1.5), /dropout: probability has to be between 0 and 1, but got 1.5/);
  assert.throws(() => dropout(x, -0.1), /dropout: probability has to be between 0 and 1, but got -0.1/);
  assert.throws(() => dropout(x, NaN), /dropout: probability has to be between 0 and 1, but got NaN/);
  assert.throws(() => dropout2d(x, 2), /dropout2d: probability has to be between 0 and 1, but got 2/);
  assert.throws(() => dropout(tensor([1], { dtype: 'int32' })), /dropout: expected a floating-point tensor, got int32/);
  assert.throws(() => dropout2d(x), /dropout2d: expected a 3-D \[C, H, W\] or 4-D \[N, C, H, W\] input, got shape \[2, 3\]/);
  assert.throws(() => dropout(x, 0.5, true, { seed: 1 } as never), /dropout: unknown option "seed"/);
  assert.throws(() => dropout(x, 0.5, true, { generator: Math.random } as never), /dropout: generator must be a Generator, got function/);
});

test.run();

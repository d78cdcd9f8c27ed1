import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Tensor, tensor, gradgradcheck, Generator,
  add, mul, sum, mean, var as variance, max, min, logsumexp, matmul, linear, reshape, permute, transpose, expand, flatten,
  squeeze, unsqueeze, cat, stack, slice, select, pad, gather, indexSelect, softmax, logSoftmax, crossEntropy, nllLoss,
  mseLoss, conv2d, maxPool2d, avgPool2d, adaptiveAvgPool2d, batchNorm, dropout, to, tanh, sigmoid, exp,
} from '@torchlet/core';

// Every differentiable op of issue 13's list, gradgradchecked in float64 on small seeded shapes: the first-order
// gradients (for a random gradOutputs) are differentiated again and compared with finite differences.

const gen = new Generator(13);
/** A seeded float64 leaf of `shape` with values in [lo, hi). */
const r = (shape: number[], lo = -1, hi = 1): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  const t = tensor(Array.from({ length: n }, () => lo + (hi - lo) * gen.random()), { dtype: 'float64', shape });
  t.requiresGrad = true;
  return t;
};
const int = (values: number[], shape?: number[]) => tensor(values, { dtype: 'int32', ...(shape ? { shape } : {}) });

type Case = [string, (...t: Tensor[]) => Tensor, () => Tensor[]];

function check(cases: Case[]): void {
  const failed: string[] = [];
  for (const [name, fn, inputs] of cases) {
    try {
      gradgradcheck(fn, inputs());
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message}`);
    }
  }
  assert.equal(failed, []);
}

test('reductions: sum, mean, var, max/min (with and without dim), logsumexp', () => {
  check([
    ['sum dim', (x) => mul(sum(x, 1), sum(x, 0, true).sum()), () => [r([2, 3])]],
    ['mean', (x) => mul(mean(x, [0, 1]), mean(x, 1)), () => [r([2, 3])]],
    ['var', (x) => variance(x, 1), () => [r([2, 4])]],
    ['var biased all', (x) => variance(x, { unbiased: false }), () => [r([3, 2])]],
    ['max dim', (x) => mul(max(x, 1).values, max(x, 1).values), () => [r([3, 4])]],
    ['min all', (x) => mul(min(x), x), () => [r([2, 3])]],
    ['logsumexp', (x) => logsumexp(x, [0, 1], true), () => [r([2, 3])]],
    ['logsumexp dim', (x) => logsumexp(x, 1), () => [r([2, 3], -3, 3)]],
  ]);
});

test('matmul in every rank combination, and linear with and without bias', () => {
  check([
    ['matmul 2d', (a, b) => matmul(a, b), () => [r([2, 3]), r([3, 4])]],
    ['matmul 1d-2d', (a, b) => matmul(a, b), () => [r([3]), r([3, 2])]],
    ['matmul 2d-1d', (a, b) => matmul(a, b), () => [r([2, 3]), r([3])]],
    ['matmul dot', (a, b) => matmul(a, b), () => [r([3]), r([3])]],
    ['matmul batched broadcast', (a, b) => matmul(a, b), () => [r([2, 1, 2, 3]), r([3, 3, 2])]],
    ['matmul squared', (a) => matmul(a, a), () => [r([3, 3])]],
    ['linear', (x, w, b) => linear(x, w, b), () => [r([2, 3]), r([4, 3]), r([4])]],
    ['linear 3-D no bias', (x, w) => linear(x, w), () => [r([2, 2, 3]), r([2, 3])]],
    ['mlp', (x, w1, w2) => linear(tanh(linear(x, w1)), w2), () => [r([2, 3]), r([4, 3]), r([1, 4])]],
  ]);
});

test('shape and indexing ops', () => {
  check([
    ['reshape', (x) => mul(reshape(x, [3, 2]), reshape(x, [3, 2])), () => [r([2, 3])]],
    ['permute transpose', (x) => mul(permute(x, [2, 0, 1]), transpose(transpose(permute(x, [2, 0, 1]), 0, 1), 0, 1)), () => [r([2, 3, 2])]],
    ['expand', (x) => mul(expand(x, [2, 3, 2]), expand(x, [2, 3, 2])), () => [r([3, 1])]],
    ['flatten squeeze unsqueeze', (x) => mul(flatten(unsqueeze(x, 0)), squeeze(reshape(x, [1, 6]))), () => [r([2, 3])]],
    ['cat', (a, b) => mul(cat([a, b], 1), cat([b, a], 1)), () => [r([2, 2]), r([2, 3])]],
    ['stack', (a, b) => mul(stack([a, b]), stack([b, b])), () => [r([2, 3]), r([2, 3])]],
    ['slice', (x) => mul(slice(x, 1, 1, 3), slice(x, 1, 0, 2)), () => [r([2, 4])]],
    ['select', (x) => mul(select(x, 0, 1), select(x, 1, 0).sum()), () => [r([3, 2])]],
    ['pad', (x) => mul(pad(x, [1, 2]), pad(x, [1, 2])), () => [r([2, 2])]],
    ['gather', (x) => mul(gather(x, 1, int([0, 2, 1, 1], [2, 2])), gather(x, 1, int([1, 2, 0, 0], [2, 2]))), () => [r([2, 3])]],
    ['indexSelect', (x) => mul(indexSelect(x, 0, int([2, 0, 2])), indexSelect(x, 0, int([1, 1, 0]))), () => [r([3, 2])]],
    ['to', (x) => mul(to(x, 'float64'), x), () => [r([3])]],
  ]);
});

test('softmax, logSoftmax and the losses', () => {
  check([
    ['softmax', (x) => softmax(x, 1), () => [r([2, 3], -2, 2)]],
    ['logSoftmax', (x) => logSoftmax(x, 0), () => [r([3, 2], -2, 2)]],
    ['crossEntropy', (x) => crossEntropy(x, int([0, 2])), () => [r([2, 3])]],
    [
      'crossEntropy weight smoothing none',
      (x) => crossEntropy(x, int([1, 0, 2]), { weight: tensor([0.5, 2, 1.5], { dtype: 'float64' }), labelSmoothing: 0.2, reduction: 'none' }),
      () => [r([3, 3])],
    ],
    ['crossEntropy spatial sum', (x) => crossEntropy(x, int([0, 1, 1, 0], [1, 2, 2]), { reduction: 'sum', ignoreIndex: 1 }), () => [r([1, 3, 2, 2])]],
    ['nllLoss', (x) => nllLoss(logSoftmax(x, 1), int([1, 0])), () => [r([2, 3])]],
    ['nllLoss none', (x) => mul(nllLoss(x, int([1, 0]), { reduction: 'none' }), 1), () => [r([2, 3])]],
    ['mseLoss', (a, b) => mseLoss(a, b), () => [r([2, 3]), r([2, 3])]],
    ['mseLoss none', (a, b) => mseLoss(tanh(a), b, { reduction: 'none' }), () => [r([3]), r([3])]],
  ]);
});

test('conv2d (stride, padding, dilation, groups), the pools, batchNorm, dropout', () => {
  check([
    ['conv2d', (x, w, b) => conv2d(x, w, b), () => [r([1, 2, 4, 4]), r([3, 2, 2, 2]), r([3])]],
    ['conv2d stride padding dilation', (x, w) => conv2d(x, w, null, { stride: 2, padding: 1, dilation: 2 }), () => [r([2, 1, 5, 5]), r([2, 1, 2, 2])]],
    ['conv2d groups', (x, w) => conv2d(x, w, null, { groups: 2 }), () => [r([1, 4, 3, 3]), r([2, 2, 2, 2])]],
    ['conv2d squared', (x, w) => mul(conv2d(x, w), conv2d(x, w)), () => [r([1, 1, 3, 3]), r([1, 1, 2, 2])]],
    ['maxPool2d', (x) => mul(maxPool2d(x, 2), maxPool2d(x, 2)), () => [r([1, 2, 4, 4])]],
    ['maxPool2d stride padding', (x) => maxPool2d(sigmoid(x), { kernelSize: 3, stride: 2, padding: 1 }), () => [r([1, 1, 5, 5])]],
    ['avgPool2d', (x) => mul(avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1 }), 2), () => [r([1, 2, 3, 3])]],
    ['adaptiveAvgPool2d', (x) => exp(adaptiveAvgPool2d(x, [2, 1])), () => [r([1, 2, 3, 3])]],
    ['batchNorm training', (x, w, b) => batchNorm(x, { weight: w, bias: b, training: true }), () => [r([3, 2, 2, 2]), r([2]), r([2])]],
    ['batchNorm training 2-D', (x) => batchNorm(x, { training: true }), () => [r([4, 3])]],
    [
      'batchNorm eval',
      (x, w, b) => batchNorm(x, { weight: w, bias: b, runningMean: tensor([0.1, -0.2], { dtype: 'float64' }), runningVar: tensor([0.5, 2], { dtype: 'float64' }) }),
      () => [r([2, 2, 2]), r([2]), r([2])],
    ],
    ['dropout', (x) => mul(dropout(x, { p: 0.5, training: true, generator: new Generator(1) }), x), () => [r([4, 3])]],
    ['add broadcast', (a, b) => mul(add(a, b), add(a, b)), () => [r([2, 1]), r([3])]],
  ]);
});

test.run();

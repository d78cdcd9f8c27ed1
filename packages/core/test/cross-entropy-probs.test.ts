// crossEntropy with class-probability targets (PyTorch >= 1.10): losses and the gradients of input and target against
// PyTorch 1.13's, from fixtures/cross-entropy-probs-reference.json (scripts/reference/cross_entropy_probs.py).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Reduction, crossEntropy, gradcheck, randn, softmax, tensor } from '@torchlet/core';

interface Case {
  name: string;
  dtype: 'float32' | 'float64';
  shape: number[];
  reduction: Reduction;
  labelSmoothing: number;
  input: number[];
  target: number[];
  weight: number[] | null;
  loss: number[];
  lossShape: number[];
  inputGrad: number[];
  targetGrad: number[];
}

const { cases } = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'cross-entropy-probs-reference.json'), 'utf8'),
) as { cases: Case[] };

function close(what: string, actual: ArrayLike<number>, expected: number[], tolerance: number): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    assert.ok(diff <= tolerance * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs PyTorch ${expected[i]}`);
  }
}

for (const c of cases) {
  test(`${c.name} matches PyTorch: loss, input and target gradients`, () => {
    const opts = { dtype: c.dtype, shape: c.shape };
    const input = tensor(c.input, opts);
    const target = tensor(c.target, opts);
    input.requiresGrad = true;
    target.requiresGrad = true;
    const weight = c.weight ? tensor(c.weight, { dtype: c.dtype }) : null;
    const loss = crossEntropy(input, target, { reduction: c.reduction, weight, labelSmoothing: c.labelSmoothing });
    assert.equal(loss.shape, c.lossShape);
    const tolerance = c.dtype === 'float64' ? 1e-12 : 1e-5;
    close('loss', loss.data, c.loss, tolerance);
    const upstream = tensor(c.loss.map((_, i) => 1 + (i % 3) / 2), { dtype: c.dtype, shape: c.lossShape });
    loss.mul(upstream).sum().backward();
    close('input grad', input.grad!.data, c.inputGrad, tolerance);
    close('target grad', target.grad!.data, c.targetGrad, tolerance);
  });
}

test('gradcheck in float64, with weight and label smoothing, through input and target', () => {
  const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
  const t = softmax(randn([3, 4], { dtype: 'float64' }), 1);
  t.requiresGrad = true;
  const weight = tensor([0.5, 1, 1.5, 2], { dtype: 'float64' });
  gradcheck((a, b) => crossEntropy(a, b, { weight, labelSmoothing: 0.2 }), [x, t]);
  gradcheck((a, b) => crossEntropy(a, b, { reduction: 'none' }), [randn([2, 3, 2], { dtype: 'float64', requiresGrad: true }), t.detach().reshape([2, 3, 2])]);
});

test('bad probability targets and options are clear errors; class indices still take the fused op', () => {
  const x = randn([2, 3]);
  const t = softmax(randn([2, 3]), 1);
  assert.throws(() => crossEntropy(x, softmax(randn([2, 4]), 1)), /crossEntropy: a floating target holds class probabilities and must have the input's shape \[2, 3\], got \[2, 4\]/);
  assert.throws(() => crossEntropy(x, t, { ignoreIndex: 1 }), /crossEntropy: ignoreIndex is not supported with class-probability targets/);
  assert.throws(() => crossEntropy(x, t, { weight: tensor([1, 2]) }), /crossEntropy: weight must be a floating-point tensor of shape \[3\]/);
  assert.throws(() => crossEntropy(x, t, { labelSmoothing: 2 }), /crossEntropy: labelSmoothing must be between 0 and 1, got 2/);
  assert.throws(() => crossEntropy(x, t, { reduction: 'avg' } as never), /crossEntropy: reduction must be 'mean', 'sum' or 'none'/);
  assert.throws(() => crossEntropy(x, t, { label_smoothing: 0.1 } as never), /crossEntropy: unknown option "label_smoothing" .*did you mean "labelSmoothing"\?/);
  assert.throws(() => (crossEntropy as (...a: unknown[]) => unknown)(x, t, {}, 'extra'), /crossEntropy: takes at most 3 arguments, got 4/);
  // class indices keep going to the fused op
  assert.ok(Number.isFinite(crossEntropy(x, tensor([0, 2], { dtype: 'int32' })).item()));
});

test.run();

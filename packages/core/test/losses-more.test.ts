import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Tensor, tensor, randn, rand, manualSeed, gradcheck, assertClose, sigmoid, zeros,
  binaryCrossEntropy, binaryCrossEntropyWithLogits, l1Loss, smoothL1Loss, huberLoss, klDiv, logSoftmax, softmax,
} from '@torchlet/core';

interface Flat { shape: number[]; data: (number | null)[] }
interface Case {
  name: string;
  options: Record<string, unknown>;
  input: Flat;
  target: Flat;
  weight?: Flat;
  posWeight?: Flat;
  upstream: Flat;
  output: Flat;
  gradInput: Flat;
  gradTarget: Flat | null;
}

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'losses-reference.json');
const { cases } = JSON.parse(readFileSync(fixture, 'utf8')) as { cases: Case[] };
type LossFn = (input: Tensor, target: Tensor, options: Record<string, unknown>) => Tensor;
const fns: Record<string, LossFn> = {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, l1Loss, smoothL1Loss, huberLoss, klDiv,
} as unknown as Record<string, LossFn>;
const f64 = (f: Flat, requiresGrad = false) => tensor(f.data as number[], { shape: f.shape, dtype: 'float64', requiresGrad });
const leaf = (t: Tensor) => {
  const l = t.detach();
  l.requiresGrad = true;
  return l;
};

test('every loss matches PyTorch 1.13 (outputs, input and target gradients, float64) for each reduction and option', () => {
  assert.ok(cases.length >= 38);
  for (const c of cases) {
    const where = `${c.name} ${JSON.stringify(c.options)}`;
    const x = f64(c.input, true);
    const t = f64(c.target, true);
    const options: Record<string, unknown> = { ...c.options };
    if (c.weight) options.weight = f64(c.weight);
    if (c.posWeight) options.posWeight = f64(c.posWeight);
    const out = fns[c.name](x, t, options);
    assert.equal(out.shape, c.output.shape, where);
    assertClose(out, f64(c.output), { atol: 1e-12, rtol: 1e-10 });
    out.backward(f64(c.upstream));
    if (c.name === 'smoothL1Loss' && c.options.beta === 0) {
      // element 0 has input == target: PyTorch's beta-0 kernel gives -1 to both input and target there (not even
      // opposite signs); torchlet gives 0, as l1Loss (and PyTorch's l1_loss) do
      assert.is(x.grad!.data[0], 0, where);
      assert.is(t.grad!.data[0], 0, where);
      for (const g of [c.gradInput, c.gradTarget!]) g.data[0] = 0;
    }
    assertClose(x.grad!, f64(c.gradInput), { atol: 1e-12, rtol: 1e-10 });
    // PyTorch's target gradient of klDiv is NaN (null here) where the target is 0; torchlet's is finite there
    const expected = c.gradTarget!.data;
    const finite = expected.map((v, i) => (v === null ? i : -1)).filter((i) => i >= 0);
    assert.ok(finite.length === 0 || c.name === 'klDiv', where);
    for (const i of finite) assert.ok(Number.isFinite(t.grad!.data[i]), where);
    const filled = expected.map((v, i) => v ?? t.grad!.data[i]);
    assertClose(t.grad!, f64({ shape: c.gradTarget!.shape, data: filled }), { atol: 1e-12, rtol: 1e-10 });
  }
});

test('gradcheck in float64 on random shapes, to input and target, with weights', () => {
  manualSeed(3);
  for (const shape of [[5], [3, 4], [2, 3, 2]]) {
    const logits = randn(shape, { dtype: 'float64', requiresGrad: true });
    const probs = leaf(sigmoid(randn(shape, { dtype: 'float64' })));
    const y = rand(shape, { dtype: 'float64', requiresGrad: true });
    const w = rand([shape[shape.length - 1]], { dtype: 'float64' });
    const other = randn(shape, { dtype: 'float64', requiresGrad: true });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      gradcheck((p, t) => binaryCrossEntropy(p, t, { weight: w, reduction }), [probs, y]);
      gradcheck((z, t) => binaryCrossEntropyWithLogits(z, t, { weight: w, posWeight: w, reduction }), [logits, y]);
      gradcheck((a, b) => l1Loss(a, b, { reduction }), [logits, other]);
      gradcheck((a, b) => smoothL1Loss(a, b, { beta: 0.7, reduction }), [logits, other]);
      gradcheck((a, b) => huberLoss(a, b, { delta: 0.6, reduction }), [logits, other]);
    }
    const logq = leaf(logSoftmax(randn(shape, { dtype: 'float64' }), -1));
    const p = leaf(softmax(randn(shape, { dtype: 'float64' }), -1));
    const logp = leaf(logSoftmax(randn(shape, { dtype: 'float64' }), -1));
    for (const reduction of ['mean', 'sum', 'none', 'batchmean'] as const) {
      gradcheck((a, b) => klDiv(a, b, { reduction }), [logq, p]);
      gradcheck((a, b) => klDiv(a, b, { reduction, logTarget: true }), [logq, logp]);
    }
  }
});

test('binaryCrossEntropyWithLogits stays finite and exact at extreme logits and has the true gradient -1/2 at 0', () => {
  const z = tensor([0, 800, -800, 40], { dtype: 'float64', requiresGrad: true });
  const y = tensor([1, 1, 1, 0], { dtype: 'float64' });
  const loss = binaryCrossEntropyWithLogits(z, y, { reduction: 'none' });
  assertClose(loss, tensor([Math.log(2), 0, 800, 40], { dtype: 'float64' }), { atol: 1e-12 });
  loss.sum().backward();
  assertClose(z.grad!, tensor([-0.5, 0, -1, 1], { dtype: 'float64' }), { atol: 1e-12 });
});

test('binaryCrossEntropy clamps its logs at -100 as PyTorch does, and refuses inputs outside [0, 1]', () => {
  const loss = binaryCrossEntropy(tensor([0, 1]), tensor([1, 0]), { reduction: 'none' });
  assert.equal(Array.from(loss.data), [100, 100]);
  assert.throws(() => binaryCrossEntropy(tensor([0.5, 1.5, -0.1]), tensor([1, 0, 0])), /binaryCrossEntropy: every element of input must be a probability in \[0, 1\] \(2 are not\)/);
  assert.throws(() => binaryCrossEntropy(tensor([NaN]), tensor([1])), /\(1 are not\)/);
});

test('bad arguments are errors naming the loss: shapes, dtypes, option keys, reductions, beta, delta, extra arguments', () => {
  const x = randn([2, 3]);
  assert.throws(() => l1Loss(x, randn([3])), /l1Loss: input of shape \[2, 3\] and target of shape \[3\] must have the same shape/);
  assert.throws(() => huberLoss(x, zeros([2, 3], { dtype: 'int32' })), /huberLoss: expected floating-point input and target, got float32 and int32/);
  assert.throws(() => smoothL1Loss(x, x, { Beta: 2 } as never), /smoothL1Loss: unknown option "Beta" \(expected "reduction", "beta"\): did you mean "beta"\?/);
  assert.throws(() => binaryCrossEntropyWithLogits(x, x, { pos_weight: x } as never), /did you mean "posWeight"\?/);
  assert.throws(() => l1Loss(x, x, { reduction: 'avg' } as never), /l1Loss: reduction must be 'mean', 'sum' or 'none', got "avg"/);
  assert.throws(() => klDiv(x, x, { reduction: 'avg' } as never), /klDiv: reduction must be/);
  assert.throws(() => klDiv(x, x, { logTarget: 1 } as never), /klDiv: logTarget must be a boolean/);
  assert.throws(() => smoothL1Loss(x, x, { beta: -1 }), /smoothL1Loss: beta must be a finite number >= 0, got -1/);
  assert.throws(() => huberLoss(x, x, { delta: 0 }), /huberLoss: delta must be a finite number > 0, got 0/);
  assert.throws(() => l1Loss(x, x, 'sum' as never), /l1Loss: expected an options object as the third argument, got string/);
  assert.throws(() => (l1Loss as (...a: unknown[]) => Tensor)(x, x, {}, 'sum'), /l1Loss: takes \(input, target, options\); got 4 arguments/);
  assert.throws(() => l1Loss(x as never, 3 as never), /l1Loss: expected input and target Tensors, got Tensor float32 \[2, 3\] and number/);
  assert.throws(() => binaryCrossEntropyWithLogits(x, x, { weight: randn([4]) }), /weight of shape \[4\] does not broadcast to the input's shape \[2, 3\]/);
  assert.throws(() => binaryCrossEntropyWithLogits(x, x, { posWeight: [1, 2, 3] as never }), /posWeight must be a Tensor, got Array/);
  assert.equal(smoothL1Loss(x, zeros([2, 3]), { beta: 0 }).item(), l1Loss(x, zeros([2, 3])).item(), 'beta 0 is L1');
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  tensor, randn, rand, manualSeed, sigmoid, logSoftmax, softmax, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  l1Loss, smoothL1Loss, huberLoss, klDiv, crossEntropy, nllLoss, mseLoss,
} from '@torchlet/core';
import {
  BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss,
} from '@torchlet/nn';

const same = (a: { data: ArrayLike<number> }, b: { data: ArrayLike<number> }) => assert.equal(Array.from(a.data), Array.from(b.data));

test('loss modules compute their functions with the settings given positionally or as options', () => {
  manualSeed(0);
  const x = randn([4, 3]);
  const y = rand([4, 3]);
  const p = sigmoid(randn([4, 3]));
  const w = rand([3]);
  same(new BCELoss(w, null, null, 'sum')(p, y), binaryCrossEntropy(p, y, { weight: w, reduction: 'sum' }));
  same(new BCELoss({ weight: w })(p, y), binaryCrossEntropy(p, y, { weight: w }));
  same(new BCEWithLogitsLoss(null, null, null, 'none', w)(x, y), binaryCrossEntropyWithLogits(x, y, { posWeight: w, reduction: 'none' }));
  same(new BCEWithLogitsLoss({ posWeight: w, weight: w })(x, y), binaryCrossEntropyWithLogits(x, y, { posWeight: w, weight: w }));
  same(new L1Loss(undefined, undefined, 'sum')(x, y), l1Loss(x, y, { reduction: 'sum' }));
  same(new SmoothL1Loss(null, null, 'mean', 0.3)(x, y), smoothL1Loss(x, y, { beta: 0.3 }));
  same(new SmoothL1Loss({ beta: 2 })(x, y), smoothL1Loss(x, y, { beta: 2 }));
  same(new HuberLoss('sum', 0.4)(x, y), huberLoss(x, y, { reduction: 'sum', delta: 0.4 }));
  same(new MSELoss(null, null, 'none')(x, y), mseLoss(x, y, { reduction: 'none' }));
  const logq = logSoftmax(x, 1);
  const q = softmax(randn([4, 3]), 1);
  same(new KLDivLoss(null, null, 'batchmean')(logq, q), klDiv(logq, q, { reduction: 'batchmean' }));
  same(new KLDivLoss({ logTarget: true })(logq, logSoftmax(y, 1)), klDiv(logq, logSoftmax(y, 1), { logTarget: true }));
  const labels = tensor([0, 2, 1, 2], { dtype: 'int32' });
  same(new CrossEntropyLoss(w, null, 1, null, 'sum', 0.1)(x, labels), crossEntropy(x, labels, { weight: w, ignoreIndex: 1, reduction: 'sum', labelSmoothing: 0.1 }));
  same(new NLLLoss(null, null, 2)(logq, labels), nllLoss(logq, labels, { ignoreIndex: 2 }));
});

test("weights are buffers under PyTorch's keys (weight, pos_weight)", () => {
  const w = tensor([1, 2]);
  assert.equal(Object.keys(new BCEWithLogitsLoss({ weight: w, posWeight: w }).stateDict()), ['weight', 'pos_weight']);
  assert.equal(Object.keys(new BCEWithLogitsLoss().stateDict()), []);
  assert.is(new BCEWithLogitsLoss({ posWeight: w }).posWeight, w);
  assert.equal(Object.keys(new BCELoss(w).stateDict()), ['weight']);
});

test('loss modules refuse deprecated sizeAverage/reduce, unknown keys, bad settings and too many arguments', () => {
  assert.throws(() => new MSELoss(true as never), /MSELoss: sizeAverage is deprecated in PyTorch and not supported; use reduction/);
  assert.throws(() => new CrossEntropyLoss(null, null, -100, false as never), /CrossEntropyLoss: reduce is deprecated/);
  assert.throws(() => new CrossEntropyLoss({ label_smoothing: 0.1 } as never), /CrossEntropyLoss: unknown option "label_smoothing" .*did you mean "labelSmoothing"\?/);
  assert.throws(() => new NLLLoss({ labelSmoothing: 0.1 } as never), /NLLLoss: unknown option "labelSmoothing"/);
  assert.throws(() => new BCEWithLogitsLoss({ pos_weight: tensor([1]) } as never), /did you mean "posWeight"\?/);
  assert.throws(() => new (HuberLoss as new (...a: unknown[]) => HuberLoss)('mean', 1, 2), /HuberLoss: got 3 positional arguments/);
  assert.throws(() => new HuberLoss({ delta: -1 }), /HuberLoss: delta must be a finite number > 0, got -1/);
  assert.throws(() => new SmoothL1Loss({ beta: -1 }), /SmoothL1Loss: beta must be a finite number >= 0/);
  assert.throws(() => new KLDivLoss({ reduction: 'avg' } as never), /KLDivLoss: reduction must be/);
  assert.throws(() => new KLDivLoss({ logTarget: 'yes' } as never), /KLDivLoss: logTarget must be a boolean/);
  assert.throws(() => new L1Loss({ reduction: 'avg' } as never), /L1Loss: reduction must be/);
  assert.throws(() => new CrossEntropyLoss({ labelSmoothing: 2 }), /labelSmoothing must be in \[0, 1\]/);
});

test.run();

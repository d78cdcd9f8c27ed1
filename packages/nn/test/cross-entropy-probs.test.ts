// CrossEntropyLoss passes class-probability targets through to crossEntropy (PyTorch >= 1.10), with its options.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crossEntropy, randn, softmax, tensor } from '@torchlet/core';
import { CrossEntropyLoss } from '@torchlet/nn';

test('CrossEntropyLoss with probability targets is crossEntropy with the same options', () => {
  const x = randn([2, 3]);
  const t = softmax(randn([2, 3]), 1);
  const weight = tensor([1, 2, 0.5]);
  const loss = new CrossEntropyLoss({ weight, labelSmoothing: 0.1, reduction: 'sum' });
  assert.equal(loss(x, t).tolist(), crossEntropy(x, t, { weight, labelSmoothing: 0.1, reduction: 'sum' }).tolist());
  assert.throws(() => new CrossEntropyLoss({ ignoreIndex: 0 })(x, t), /crossEntropy: ignoreIndex is not supported with class-probability targets/);
});

test.run();

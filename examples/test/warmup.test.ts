// The LeNet example's learning-rate warmup over the first epoch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { zeros } from '@torchlet/core';
import { SGD } from '@torchlet/optim';
import { linearWarmup } from '../lenet/warmup.js';

test('linearWarmup: each group ramps linearly to its own rate, stays there, and restore() puts the rates back', () => {
  const a = zeros([2]);
  const b = zeros([3]);
  a.requiresGrad = b.requiresGrad = true;
  const optimizer = new SGD([{ params: [a], lr: 0.03 }, { params: [b], lr: 0.1 }], { lr: 0.03, momentum: 0.9 });
  const warm = linearWarmup(optimizer, 4);
  const lrs = () => optimizer.paramGroups.map((g) => g.lr);
  warm.beforeStep(0);
  assert.equal(lrs(), [0.03 / 4, 0.1 / 4]);
  warm.beforeStep(2);
  assert.equal(lrs(), [0.03 * 0.75, 0.1 * 0.75]);
  warm.beforeStep(3);
  assert.equal(lrs(), [0.03, 0.1]);
  warm.beforeStep(9);
  assert.equal(lrs(), [0.03, 0.1]);
  warm.beforeStep(1);
  warm.restore();
  assert.equal(lrs(), [0.03, 0.1]);
  assert.throws(() => linearWarmup(optimizer, 0), /linearWarmup: batches must be a positive integer, got 0/);
});

test.run();

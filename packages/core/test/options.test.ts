import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOptionKeys, closestName, unknownOptionMessage } from '@torchlet/core';

test('closestName folds case and underscores first, so PyTorch spellings find their camelCase key', () => {
  assert.is(closestName('batch_size', ['shuffle', 'batchSize', 'dropLast']), 'batchSize');
  assert.is(closestName('WEIGHT_DECAY', ['lr', 'weightDecay']), 'weightDecay');
});

test('closestName takes the nearest by edit distance, and nothing when every candidate is far', () => {
  assert.is(closestName('mometum', ['momentum', 'dampening', 'nesterov']), 'momentum');
  assert.is(closestName('labelSmothing', ['reduction', 'labelSmoothing']), 'labelSmoothing');
  assert.is(closestName('num_workers', ['batchSize', 'shuffle']), undefined);
  assert.is(closestName('x', []), undefined);
});

test('checkOptionKeys names the op, the key, the known keys and the suggestion', () => {
  checkOptionKeys('op', { a: 1, b: 2 }, ['a', 'b']);
  assert.throws(
    () => checkOptionKeys('DataLoader', { batch_size: 4 }, ['batchSize', 'shuffle']),
    (e: Error) => e instanceof TypeError && e.message === 'DataLoader: unknown option "batch_size" (expected "batchSize", "shuffle"): did you mean "batchSize"?',
  );
  assert.throws(() => checkOptionKeys('DataLoader', { num_workers: 2 }, ['batchSize']), /unknown option "num_workers" \(expected "batchSize"\)$/);
  assert.is(unknownOptionMessage('SGD', 'mometum', ['lr', 'momentum'], 'in parameter group 1'),
    'SGD: unknown option "mometum" in parameter group 1 (expected "lr", "momentum"): did you mean "momentum"?');
});

test.run();

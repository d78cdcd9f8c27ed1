import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkOptionKeys, closestName, unknownOptionMessage, positionalOptions, tensor } from '@torchlet/core';

test('closestName folds case and underscores first, so PyTorch spellings find their camelCase key', () => {
  assert.is(closestName('batch_size', ['shuffle', 'batchSize', 'dropLast']), 'batchSize');
  assert.is(closestName('WEIGHT_DECAY', ['lr', 'weightDecay']), 'weightDecay');
});

test('closestName takes the nearest by edit distance, and nothing when every candidate is far', () => {
  assert.is(closestName('mometum', ['momentum', 'dampening', 'nesterov']), 'momentum');
  assert.is(closestName('labelSmothing', ['reduction', 'labelSmoothing']), 'labelSmoothing');
  assert.is(closestName('num_workers', ['batchSize', 'shuffle']), undefined);
  assert.is(closestName('x', []), undefined);
  assert.is(closestName('row', ['lr', 'rho', 'eps']), 'rho');
  assert.is(closestName('p', ['lr', 'eps']), undefined, 'no suggestion that shares nothing with a short name');
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

test('positionalOptions merges PyTorch positional values with a trailing options object', () => {
  const names = ['stride', 'padding'];
  assert.equal(positionalOptions('Op', [2], names), { stride: 2 });
  assert.equal(positionalOptions('Op', [2, undefined, { dtype: 'float64' }], names, ['dtype']), { stride: 2, dtype: 'float64' });
  assert.equal(positionalOptions('Op', [[1, 2], { padding: 1 }], names), { stride: [1, 2], padding: 1 }, 'an array is a value');
  const w = tensor([1]);
  assert.is(positionalOptions<{ stride: unknown }>('Op', [w], names).stride, w, 'a Tensor is a value, not options');
  assert.equal(positionalOptions('Op', [Object.create(null) as object], names), {});
  assert.equal(positionalOptions('Op', [1, undefined, undefined, undefined], names), { stride: 1 }, 'trailing undefineds are not given');
  assert.throws(() => positionalOptions('Op', [1, 2, 3, null], names), /Op: got 4 positional arguments after the required ones, but it takes at most 2 \(stride, padding\) before an options object; extra: 3, null/);
  assert.throws(() => positionalOptions('Op', [1, {}], []), /Op: got 1 positional arguments after the required ones, but it takes at most 0 before/);
  assert.throws(() => positionalOptions('Op', [1, { stride: 1 }], names), /Op: stride is given both as a positional argument and in the options/);
  assert.throws(() => positionalOptions('Op', [{ strides: 1 }], names), /Op: unknown option "strides" \(expected "stride", "padding"\): did you mean "stride"\?/);
  assert.throws(() => positionalOptions('Op', [1, 2, new Map()], names), /extra: Map/);
  assert.throws(() => positionalOptions('Op', [{ stride: 1 }, 3], names), /Op: an options object must be the last argument, got one followed by 1 more/);
});

test.run();

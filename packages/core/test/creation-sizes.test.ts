import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, empty, ones, rand, randn, zeros } from '@torchlet/core';

test('zeros, ones, empty, rand and randn take the sizes as varargs or as one array, as PyTorch does', () => {
  assert.equal(randn(64, 20).shape, [64, 20]);
  assert.equal(zeros(5).tolist(), [0, 0, 0, 0, 0]);
  assert.equal(zeros().shape, []);
  assert.equal(ones(2, 3, { dtype: 'float64' }).dtype, 'float64');
  assert.equal(ones([2, 3], { dtype: 'int32' }).tolist(), [[1, 1, 1], [1, 1, 1]]);
  assert.equal(empty(2, 1).shape, [2, 1]);
  assert.equal(empty([3], 'float64').dtype, 'float64', 'the kernels\' (shape, dtype) form');
  assert.ok(rand(4, { requiresGrad: true }).requiresGrad);
  assert.equal(rand(3, { generator: new Generator(1) }).tolist(), rand([3], { generator: new Generator(1) }).tolist());
});

test('anything else after the sizes, or an unknown option key, is an error naming the function', () => {
  assert.throws(() => (zeros as (...a: unknown[]) => unknown)(2, 3, { dtype: 'float64' }, 4), /zeros: expected an options object after the sizes, got \(object, number\)/);
  assert.throws(() => ones([2], 3 as never), /ones: expected an options object after the sizes, got \(number\)/);
  assert.throws(() => randn(2, { dtpye: 'float64' } as never), /randn: unknown option "dtpye" .*did you mean "dtype"\?/);
  assert.throws(() => rand(2, { requires_grad: true } as never), /rand: unknown option "requires_grad" .*did you mean "requiresGrad"\?/);
  assert.throws(() => empty(2, 'three' as never), /empty: expected an options object after the sizes, got \(string\)/);
  assert.throws(() => empty([2], 'float16' as never), /allocate: unknown dtype "float16"/);
  assert.throws(() => zeros(2.5), /zeros: expected a shape of non-negative integers, got \[2\.5\]/);
  assert.throws(() => randn('3' as never), /randn: expected a shape \(sizes as numbers or one array\), got string/);
});

test.run();

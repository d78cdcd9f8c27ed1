import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, arange, gradcheck, index, randn, tensor } from '@torchlet/core';

const rnd = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });
const x = () => arange(24).reshape([2, 3, 4]).float();
const int = (values: number[] | number[][]) => tensor(values, { dtype: 'int32' });

// expected values as PyTorch 1.13 gives them for x = torch.arange(24.).reshape(2, 3, 4)
test('string expressions: integers, slices, ... and None, as x[...] in PyTorch', () => {
  assert.equal(x().index(':, 0').tolist(), [[0, 1, 2, 3], [12, 13, 14, 15]]);
  assert.equal(x().index('1').shape, [3, 4]);
  assert.equal(x().index('-1, 1:3, ::2').tolist(), [[16, 18], [20, 22]]);
  assert.equal(x().index('..., 1').tolist(), [[1, 5, 9], [13, 17, 21]]);
  assert.equal(x().index('0:1, ..., None').shape, [1, 3, 4, 1]);
  assert.equal(arange(10).index('1:5:2').tolist(), [1, 3]);
  assert.equal(x().index('None, 1, :, 3').tolist(), [[15, 19, 23]]);
  assert.equal(x().index(0).shape, [3, 4], 'a bare integer is x[i]');
});

test('array expressions take index tensors and { mask } entries', () => {
  assert.equal(x().index([':', 0]).tolist(), [[0, 1, 2, 3], [12, 13, 14, 15]]);
  assert.equal(x().index([0, int([2, 0])]).tolist(), [[8, 9, 10, 11], [0, 1, 2, 3]]);
  assert.equal(x().index(['...', int([[3], [0]])]).shape, [2, 3, 2, 1]);
  const m = arange(6).reshape([2, 3]);
  assert.equal(m.index([{ mask: m.gt(2) }]).tolist(), [3, 4, 5]);
  assert.equal(x().index([':', { mask: int([1, 0, 1]) }, 0]).tolist(), [[0, 8], [12, 20]]);
});

test('gradients flow back through every kind of entry (gradchecked in float64)', () => {
  gradcheck((a) => a.index('1:, ..., None, ::2'), [rnd([3, 2, 4])]);
  gradcheck((a) => a.index([':', int([1, 1, 0])]), [rnd([2, 3])]);
  gradcheck((a) => a.index([{ mask: int([[1, 0, 1], [0, 1, 1]]) }]), [rnd([2, 3])]);
});

test('bad expressions are errors naming index and what came', () => {
  assert.throws(() => x().index('0, 0, 0, 0'), /index: too many indices \(4\) for a tensor of shape \[2, 3, 4\]/);
  assert.throws(() => x().index('a'), /index: cannot read "a" as an integer, a slice/);
  assert.throws(() => x().index('::-1'), /index: negative slice steps are not supported/);
  assert.throws(() => x().index('..., ...'), /index: at most one '\.\.\.'/);
  assert.throws(() => x().index([int([0]), int([0])]), /index: at most one index tensor or mask per expression/);
  assert.throws(() => x().index([null as never]), /index: entry 0 must be an integer, a slice string/);
  assert.throws(() => x().index([tensor([0])]), /index: an index tensor must be int32, got float32/);
  assert.throws(() => x().index([{ mask: int([1, 0, 1]) }]), /index: a mask must be bool \(or int32 0\/1\) and shaped like the dims it covers \[2\], got int32 \[3\]/);
  assert.throws(() => x().index('5'), /index: index 5 is out of range for dimension 0 with size 2/);
  assert.throws(() => (index as (...a: unknown[]) => unknown)(x(), '0', 1), /index: takes at most 2 arguments, got 3/);
});

test.run();

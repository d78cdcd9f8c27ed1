// Expected values as PyTorch 1.13 gives them (Debian's python3-torch) for the same inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, arange, gradcheck, indexPut_, indexSet, noGrad, maskedFill, randn, scatter, scatterAdd, tensor, zeros } from '@torchlet/core';

const rnd = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });
const int = (values: number[][]) => tensor(values, { dtype: 'int32' });

test('scatterAdd and scatter match PyTorch, with gradients for input and src', () => {
  const idx = int([[0, 1, 2, 0], [2, 0, 0, 1]]);
  assert.equal(scatterAdd(zeros([3, 4]), 0, idx, arange(1, 9).reshape([2, 4])).tolist(), [[1, 6, 7, 4], [0, 2, 0, 8], [5, 0, 3, 0]]);
  const idx2 = int([[0, 2], [4, 1], [3, 0]]);
  assert.equal(zeros([3, 5]).scatter(1, idx2, arange(1, 7).reshape([3, 2])).tolist(), [[1, 0, 2, 0, 0], [0, 4, 0, 0, 3], [6, 0, 0, 5, 0]]);
  assert.equal(scatter(zeros([2, 2]), 1, int([[1], [0]]), 5).tolist(), [[0, 5], [5, 0]]);
  gradcheck((x, s) => scatterAdd(x, 0, idx, s), [rnd([3, 4]), rnd([2, 4])]);
  gradcheck((x, s) => scatter(x, 1, idx2, s), [rnd([3, 5]), rnd([3, 2])]);
  assert.throws(() => scatter(zeros([3, 5]), 1, int([[3, 3]]), arange(2).reshape([1, 2]).float()), /scatter: index names a position more than once/);
  assert.throws(() => scatterAdd(zeros([3, 4]), 0, int([[3, 0, 0, 0]]), zeros([1, 4])), /scatterAdd: index 3 is out of range for dimension 0 with size 3/);
  assert.throws(() => scatterAdd(zeros([3, 4]), 0, idx, zeros([2, 3])), /scatterAdd: src of shape \[2, 3\] must have the index's shape \[2, 4\]/);
});

test('maskedFill matches PyTorch, with the gradient where the mask is 0', () => {
  const m = arange(6).reshape([2, 3]).float();
  assert.equal(m.maskedFill(m.gt(2), -1).tolist(), [[0, 1, 2], [-1, -1, -1]]);
  const mask = int([[1, 0, 0], [0, 1, 0]]);
  gradcheck((x) => maskedFill(x, mask, 3), [rnd([2, 3])]);
  assert.throws(() => maskedFill(m, tensor([1, 0, 1]), 0), /maskedFill: mask must be a bool \(or int32 0\/1\) tensor, got float32/);
});

test("indexSet is PyTorch's x[expression] = value, out of place, with gradients to x and value", () => {
  const x = () => arange(12).reshape([3, 4]).float();
  assert.equal(indexSet(x(), ':, 0', 9).tolist(), [[9, 1, 2, 3], [9, 5, 6, 7], [9, 9, 10, 11]]);
  assert.equal(x().indexSet('1:, ::2', tensor([7, 8])).tolist(), [[0, 1, 2, 3], [7, 5, 8, 7], [7, 9, 8, 11]]);
  const original = x();
  indexSet(original, '0', 1);
  assert.equal(original.tolist(), x().tolist(), 'the input is not changed');
  gradcheck((a, v) => indexSet(a, '1:, ::2', v), [rnd([3, 4]), rnd([2])]);
});

test('indexPut_ writes in place like the other in-place ops; writing into an index result is refused', () => {
  const x = arange(12).reshape([3, 4]).float();
  const version = x.version;
  assert.is(x.indexPut_(':, 0', 9), x);
  assert.equal(x.index(':, 0').tolist(), [9, 9, 9]);
  assert.ok(x.version > version, 'the version counter moves');
  const w = tensor([1, 2, 3], { requiresGrad: true });
  assert.throws(() => indexPut_(w, '0', 5), /indexPut_: a tensor that requires grad \(shape \[3\]\) cannot be written in place while grad mode is on; use indexSet/);
  noGrad(() => indexPut_(w, '0', 5));
  assert.equal(w.tolist(), [5, 2, 3]);
  assert.throws(() => x.index('0').fill_(1), /fill_: this tensor is a copy made by index .*use indexPut_ or indexSet/);
  assert.throws(() => x.index(':, 1').add_(1), /add_: this tensor is a copy made by index/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, zeros, ones, full, arange, linspace, eye, rand, randn, randint, zerosLike, onesLike, randLike, randnLike,
  manualSeed, Generator, assertClose, empty, fullLike,
} from '@torchlet/core';

test('tensor() infers shapes from nested arrays and copies its data', () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.equal(t.shape, [2, 3]);
  assert.is(t.dtype, 'float32');
  assert.is(t.ndim, 2);
  assert.is(t.numel(), 6);
  assert.equal(t.tolist(), [[1, 2, 3], [4, 5, 6]]);
  const src = new Float64Array([1, 2, 3, 4]);
  const u = tensor(src, { shape: [2, 2] });
  assert.is(u.dtype, 'float64');
  src[0] = 99;
  assert.is(u.data[0], 1);
  assert.equal(tensor(3.5).shape, []);
  assert.is(tensor(3.5).item(), 3.5);
  assert.equal(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2], dtype: 'int32' }).tolist(), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(tensor([[], []]).shape, [2, 0]);
});

test('tensor() rejects ragged, mistyped and mis-shaped data', () => {
  assert.throws(() => tensor([[1, 2], [3]]), /tensor: ragged nested array: expected length 2/);
  assert.throws(() => tensor([[1, 2], 3] as never), /ragged/);
  assert.throws(() => tensor([1, [2]] as never), /ragged/);
  assert.throws(() => tensor([1, 2, 3], { shape: [2, 2] }), /shape \[2, 2\] needs 4 elements but data has 3/);
  assert.throws(() => tensor([1.5], { dtype: 'int32' }), /int32 data must be integers, got 1.5/);
  assert.throws(() => tensor('abc' as never), /tensor: expected a number, a boolean, a nested array or a typed array, got string/);
  assert.throws(() => tensor([1], { dtype: 'float16' as never }), /unknown dtype "float16"/);
  assert.throws(() => tensor(['a'] as never), /expected numbers or booleans, got string/);
  assert.throws(() => tensor([1, 2], { shape: [2.5] }), /non-negative integers/);
  assert.throws(() => new Tensor(new Float32Array(3), [2, 2]), /data has 3 elements but shape \[2, 2\] needs 4/);
});

test('creation functions', () => {
  assert.equal(Array.from(zeros([2, 2]).data), [0, 0, 0, 0]);
  assert.equal(Array.from(ones([3], { dtype: 'int32' }).data), [1, 1, 1]);
  assert.equal(Array.from(full([2], 7).data), [7, 7]);
  assert.equal(Array.from(arange(4).data), [0, 1, 2, 3]);
  assert.equal(Array.from(arange(1, 2, 0.25).data), [1, 1.25, 1.5, 1.75]);
  assert.equal(Array.from(arange(5, 0, -2).data), [5, 3, 1]);
  assertClose(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
  assert.equal(linspace(2, 3, 1).tolist(), [2]);
  assert.equal(eye(2, 3).tolist(), [[1, 0, 0], [0, 1, 0]]);
  const like = tensor([[1, 2]], { dtype: 'float64' });
  assert.is(zerosLike(like).dtype, 'float64');
  assert.equal(onesLike(like).tolist(), [[1, 1]]);
  assert.equal(fullLike(like, 3).tolist(), [[3, 3]]);
  assert.equal(randLike(like).shape, [1, 2]);
  assert.equal(randnLike(like).dtype, 'float64');
  assert.equal(empty([2, 0]).numel(), 0);
  assert.throws(() => arange(0, 1, 0), /arange: step must be non-zero/);
  assert.throws(() => arange(0, Infinity), /arange: expected finite numbers/);
  assert.throws(() => linspace(0, 1, -1), /linspace: steps must be a non-negative integer/);
  assert.throws(() => eye(-1), /eye: expected non-negative integer sizes/);
  assert.throws(() => zeros([-1]), /zeros: expected a shape of non-negative integers, got \[-1\]/);
  assert.throws(() => full([1], 'x' as never), /full: expected a number fill value/);
  assert.throws(() => rand([2], { dtype: 'int32' }), /rand: expected a floating dtype, got int32/);
  assert.throws(() => randint(3, 3, [2]), /randint: expected integers low < high, got \(3, 3\)/);
  assert.throws(() => zerosLike([1] as never), /expected a Tensor/);
  assert.throws(() => zeros([1], 5 as never), /expected an options object/);
});

test('random tensors are reproducible under manualSeed and have the right distribution', () => {
  manualSeed(42);
  const a = randn([1000]);
  const u = rand([1000]);
  const r = randint(0, 10, [1000]);
  manualSeed(42);
  assert.equal(Array.from(randn([1000]).data), Array.from(a.data));
  assert.equal(Array.from(rand([1000]).data), Array.from(u.data));
  assert.equal(Array.from(randint(0, 10, [1000]).data), Array.from(r.data));
  const values = Array.from(a.data);
  const mean = values.reduce((s, v) => s + v, 0) / 1000;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / 999;
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(variance - 1) < 0.15, `mean ${mean} var ${variance}`);
  assert.ok(u.data.every((v) => v >= 0 && v < 1));
  assert.is(r.dtype, 'int32');
  assert.ok(r.data.every((v) => v >= 0 && v < 10 && Number.isInteger(v)));
  assert.is(new Set(r.data).size, 10);
  const g1 = new Generator(7);
  const g2 = new Generator(7);
  assert.equal(Array.from(rand([5], { generator: g1 }).data), Array.from(rand([5], { generator: g2 }).data));
  g1.manualSeed(8);
  assert.not.equal(Array.from(rand([5], { generator: g1 }).data), Array.from(rand([5], { generator: g2 }).data));
});

test('members: item, size, tolist, detach, clone, to, requiresGrad rules', () => {
  const t = tensor([[1.7, -2.2]], { requiresGrad: true });
  assert.is(t.size(1), 2);
  assert.is(t.size(-1), 2);
  assert.equal(t.size(), [1, 2]);
  assert.throws(() => t.size(2), /size: dim 2 is out of range for shape \[1, 2\]/);
  assert.throws(() => t.item(), /item: only a tensor with one element can be converted to a number, got shape \[1, 2\]/);
  assert.ok(t.isLeaf);
  assert.is(t.gradFn, null);
  const d = t.detach();
  assert.is(d.requiresGrad, false);
  assert.is(d.data, t.data);
  const c = t.clone();
  assert.is(c.gradFn, 'toBackward');
  assert.is.not(c.data, t.data);
  assert.equal(Array.from(t.int().data), [1, -2]);
  assert.is(t.double().dtype, 'float64');
  assert.is(t.double().float().dtype, 'float32');
  assert.throws(() => tensor([1], { dtype: 'int32', requiresGrad: true }), /requiresGrad: only floating-point tensors can require gradients, got dtype int32/);
  assert.throws(() => { c.requiresGrad = false; }, /cannot turn off gradients of a non-leaf/);
  assert.throws(() => t.to('bfloat16' as never), /to: unknown dtype "bfloat16"/);
  assert.is(t.int().requiresGrad, false);
});

test('toString looks like PyTorch and abbreviates large tensors', () => {
  assert.is(tensor([[1, 2], [3, 4]]).toString(), 'tensor([[1., 2.],\n        [3., 4.]])');
  assert.is(tensor([0.5, -1.25]).toString(), 'tensor([ 0.5000, -1.2500])');
  assert.is(tensor([1, 2], { dtype: 'int32' }).toString(), 'tensor([1, 2], dtype=int32)');
  assert.is(tensor(2, { dtype: 'float64', requiresGrad: true }).toString(), 'tensor(2., dtype=float64, requiresGrad=true)');
  assert.is(tensor([1e-8, 1]).toString(), 'tensor([1.0000e-08, 1.0000e+00])');
  assert.is(tensor([NaN, Infinity, -Infinity, 1.5]).toString(), 'tensor([   nan,    inf,   -inf, 1.5000])');
  assert.is(zeros([0, 3]).toString(), 'tensor([], size=[0, 3])');
  const big = arange(2000).reshape(2, 1000).toString();
  assert.ok(big.includes('...'), big);
  assert.ok(big.startsWith('tensor([[   0.,    1.,    2., ...,  997.,  998.,  999.],'), big);
  assert.ok(big.split('\n').length === 2);
  assert.match(tensor([1], { requiresGrad: true }).mul(2).toString(), /gradFn=<mulBackward>/);
});

test.run();

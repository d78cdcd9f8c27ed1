import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  add, div, eq, fill_, full, fullLike, logsumexp, max, mean, mul, ones, pow, sub, sum, tensor, var as variance, where, zeros,
} from '@torchlet/core';

// Issue 11: int32 limits, values that do not fit a dtype, type promotion and the empty dim list, with PyTorch 1.13's
// answers (extreme-reference.test.ts checks the same cases against the recorded PyTorch output).

const i32 = (data: number[] | number[][] | number) => tensor(data, { dtype: 'int32' });

test('an int32 sum that does not fit int32 is refused, naming the op; one that fits is exact', () => {
  assert.throws(() => sum(i32([2147483647, 1])), /sum: the sum 2147483648 of int32 values does not fit int32.*int64/);
  assert.throws(() => sum(i32([[-2147483648], [-1]]), 0), /sum: the sum -2147483649/);
  const ok = sum(i32([2147483647, 2147483647, -2147483648, -2147483647]));
  assert.is(ok.dtype, 'int32');
  assert.is(ok.item(), -1);
  assert.equal(Array.from(sum(i32([[2147483647, -5], [-2147483647, 5]]), 0).data), [0, 0]);
  // the way out the message names: a float64 sum, exact to 2^53
  assert.is(sum(i32([2147483647, 1]).double()).item(), 2147483648);
});

test('int32 add, sub and pow wrap exactly as 32-bit integers, as PyTorch', () => {
  assert.equal(Array.from(add(i32([2147483647, -2147483648]), i32([1, -1])).data), [-2147483648, 2147483647]);
  assert.equal(Array.from(sub(i32([-2147483648]), 1).data), [2147483647]);
  // exact power by squaring: Math.pow(7, 40) has lost its low bits long before the wrap
  const p = pow(i32([7, 3, -3, 2, 0, 5]), i32([40, 40, 39, 31, 0, 1]));
  assert.is(p.dtype, 'int32');
  assert.equal(Array.from(p.data), [-142118463, 689956897, 1201670133, -2147483648, 1, 5]);
  assert.equal(Array.from(pow(i32([3]), 40).data), [689956897]);
  assert.throws(() => pow(i32([2]), i32([-1])), /pow: integers to negative integer powers/);
});

test("values that do not fit the dtype are refused with PyTorch's message; fractions truncate, Infinity is a float", () => {
  assert.throws(() => tensor([3e9], { dtype: 'int32' }), /tensor: value 3000000000 cannot be converted to type int32 without overflow/);
  assert.throws(() => tensor([-2147483649], { dtype: 'int32' }), /without overflow/);
  assert.equal(Array.from(tensor([-2147483648, 2147483647], { dtype: 'int32' }).data), [-2147483648, 2147483647]);
  assert.throws(() => full([2], 3e9, { dtype: 'int32' }), /full: value 3000000000 cannot be converted to type int32/);
  assert.throws(() => full([2], NaN, { dtype: 'int32' }), /full: value NaN cannot be converted to type int32/);
  assert.throws(() => full([2], 1e39), /full: value 1e\+39 cannot be converted to type float32/);
  assert.throws(() => fullLike(zeros([1], { dtype: 'int32' }), 2 ** 31), /fullLike: value 2147483648/);
  assert.throws(() => fill_(zeros([2], { dtype: 'int32' }), 3e9), /fill_: value 3000000000 cannot be converted to type int32/);
  assert.equal(Array.from(full([2], 2.7, { dtype: 'int32' }).data), [2, 2]);
  assert.equal(Array.from(full([1], -Infinity).data), [-Infinity]);
  assert.equal(Array.from(full([1], 1e300, { dtype: 'float64' }).data), [1e300]);
  // tensor() stores a float32 past its range as Infinity, as torch.tensor does
  assert.equal(Array.from(tensor([1e39]).data), [Infinity]);
  assert.equal(Array.from(ones([2], { dtype: 'int32' }).data), [1, 1]);
});

test('type promotion follows torch.result_type: the int converts first, a 0-d tensor promotes only across categories', () => {
  const big = i32([16777217]);
  assert.equal(Array.from(eq(big, tensor([16777216])).data), [1]);
  assert.equal(Array.from(add(big, tensor([0.5])).data), [16777216]);
  assert.equal(Array.from(div(big, i32([1])).data), [16777216]);
  // a JS number that is an integer is an int (JS has no 16777216.0): compared as int32, so not equal; PyTorch's
  // `== 16777216.0` would compare in float32 (README, "Where torchlet differs from PyTorch")
  assert.equal(Array.from(eq(big, 16777216).data), [0]);
  const r = (a: Parameters<typeof add>[0], b: Parameters<typeof add>[1]) => add(a, b).dtype;
  assert.is(r(tensor([1, 2]), tensor(1.5, { dtype: 'float64' })), 'float32');
  assert.is(r(tensor(1.5, { dtype: 'float64' }), tensor([1, 2])), 'float32');
  assert.is(r(i32([1, 2]), tensor(1.5, { dtype: 'float64' })), 'float64');
  assert.is(r(i32(1), tensor(1.5)), 'float32');
  assert.is(r(tensor(1, { dtype: 'float64' }), tensor(1.5)), 'float64');
  assert.is(r(tensor([1], { dtype: 'float64' }), tensor([1.5])), 'float64');
  assert.is(r(i32([1]), 2.5), 'float32');
  assert.is(r(tensor(1, { dtype: 'float64' }), 2.5), 'float64');
  // the 0-d float64 is rounded to float32 before the op: 1e-50 is 0 there
  assert.equal(Array.from(mul(tensor([1]), tensor(1e-50, { dtype: 'float64' })).data), [0]);
  assert.is(where(i32([1, 0]), tensor([1, 2]), tensor(0, { dtype: 'float64' })).dtype, 'float32');
  // gradients come back in each input's own dtype
  const x = tensor([1, 2], { requiresGrad: true });
  const s = tensor(3, { dtype: 'float64', requiresGrad: true });
  sum(mul(x, s)).backward();
  assert.equal([x.grad!.dtype, Array.from(x.grad!.data)], ['float32', [3, 3]]);
  assert.equal([s.grad!.dtype, s.grad!.item()], ['float64', 3]);
});

test('sum, mean and var over an empty dim list reduce every dim (PyTorch 1.13); logsumexp refuses it, as PyTorch', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.is(sum(x, []).item(), 21);
  assert.equal(sum(x, [], true).shape, [1, 1]);
  assert.is(mean(x, []).item(), 3.5);
  assert.is(variance(x, []).item(), 3.5);
  assert.is(sum(zeros([0, 3]), []).item(), 0);
  assert.throws(() => logsumexp(x, []), /logsumexp: expected at least one dim, got \[\]/);
  const y = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  mean(y, []).backward();
  assert.equal(Array.from(y.grad!.data), [0.25, 0.25, 0.25, 0.25]);
});

test('max() and min() over the whole tensor split the gradient among ties; max(x, dim) keeps the first index', () => {
  const x = tensor([1, 3, 3, 2, 3], { requiresGrad: true });
  max(x).backward();
  assert.equal(Array.from(x.grad!.data, (v) => +v.toFixed(6)), [0, 0.333333, 0.333333, 0, 0.333333]);
  const y = tensor([3, 3, 1], { requiresGrad: true });
  max(y, 0).values.backward();
  assert.equal(Array.from(y.grad!.data), [1, 0, 0]);
});

test.run();

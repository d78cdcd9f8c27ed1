import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, arange } from '@torchlet/core';
import { TensorDataset, ImageDataset, Subset, randomSplit, isContiguous, type Dataset } from '@torchlet/data';

/** x[i] = [i, i + 0.5] as [1, 2], y[i] = i % 3. */
function rows(n: number): TensorDataset {
  const x = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = i;
    x[2 * i + 1] = i + 0.5;
  }
  return new TensorDataset(new Tensor(x, [n, 1, 2]), tensor(Array.from({ length: n }, (_, i) => i % 3), { dtype: 'int32' }));
}

/** A dataset with only get(), like a user's own. */
const plain: Dataset = { length: 4, get: (i) => ({ x: tensor([i]), y: i }) };

test('TensorDataset indexes the first dimension and copies rows', () => {
  const ds = rows(5);
  assert.is(ds.length, 5);
  assert.equal(ds.sampleShape, [1, 2]);
  const s = ds.get(3);
  assert.equal(s.x.shape, [1, 2]);
  assert.equal(Array.from(s.x.data), [3, 3.5]);
  assert.is(s.y, 0);
  s.x.data[0] = 99;
  assert.is(ds.x.data[6], 3, 'get must return a copy');
  const out = new Float32Array(6).fill(-1);
  assert.is(ds.getInto(4, out, 2), 1);
  assert.equal(Array.from(out), [-1, -1, 4, 4.5, -1, -1]);
  assert.ok(isContiguous(ds));
  assert.not.ok(isContiguous(plain));
});

test('TensorDataset keeps the dtype of x in get and converts it in getInto', () => {
  const ds = new TensorDataset(tensor([[1.25, 2], [3, 4]], { dtype: 'float64' }), tensor([1, 0], { dtype: 'int32' }));
  assert.is(ds.get(1).x.dtype, 'float64');
  const out = new Float32Array(2);
  ds.getInto(0, out, 0);
  assert.equal(Array.from(out), [1.25, 2]);
});

test('TensorDataset rejects bad tensors and indices', () => {
  const x = arange(6).reshape([3, 2]);
  assert.throws(() => new TensorDataset(x, tensor([0, 1, 2])), /TensorDataset: labels y must be int32, got float32/);
  assert.throws(() => new TensorDataset(x, tensor([0, 1], { dtype: 'int32' })), /TensorDataset: labels y must have shape \[3\] to match x \[3, 2\], got \[2\]/);
  assert.throws(() => new TensorDataset(tensor(1), tensor([0], { dtype: 'int32' })), /TensorDataset: x must have a first \(sample\) dimension/);
  assert.throws(() => new TensorDataset([1, 2] as never, x), /TensorDataset: expected two tensors/);
  const ds = new TensorDataset(x, tensor([0, 1, 2], { dtype: 'int32' }));
  assert.throws(() => ds.get(3), /TensorDataset.get: index 3 is out of range for a dataset of length 3/);
  assert.throws(() => ds.get(-1), /index -1 is out of range/);
  assert.throws(() => ds.get(0.5), /index 0.5 is out of range/);
  assert.throws(() => ds.getInto(3, new Float32Array(2), 0), /TensorDataset.getInto: index 3 is out of range/);
});

test('ImageDataset carries its class names', () => {
  const ds = new ImageDataset(new Tensor(new Float32Array(8), [2, 1, 2, 2]), tensor([0, 1], { dtype: 'int32' }), ['cat', 'dog']);
  assert.equal(ds.classes, ['cat', 'dog']);
  assert.is(ds.length, 2);
});

test('Subset maps its indices onto the dataset, with and without the fast path', () => {
  const ds = rows(6);
  const sub = new Subset(ds, [5, 0, 2]);
  assert.is(sub.length, 3);
  assert.equal(Array.from(sub.get(0).x.data), [5, 5.5]);
  assert.is(sub.get(2).y, 2);
  assert.equal(sub.sampleShape, [1, 2]);
  const out = new Float32Array(2);
  assert.is(sub.getInto(1, out, 0), 0);
  assert.equal(Array.from(out), [0, 0.5]);
  assert.ok(isContiguous(sub));
  const nested = new Subset(sub, [2]);
  assert.equal(Array.from(nested.get(0).x.data), [2, 2.5]);

  const slow = new Subset(plain, [3, 1]);
  assert.is(slow.sampleShape, undefined);
  assert.not.ok(isContiguous(slow));
  assert.is(slow.get(0).y, 3);
  assert.throws(() => slow.getInto(0, out, 0), /Subset.getInto: the inner dataset has no getInto/);
});

test('Subset rejects indices outside the dataset', () => {
  assert.throws(() => new Subset(rows(3), [0, 3]), /Subset: index 3 \(position 1\) is out of range for a dataset of length 3/);
  assert.throws(() => new Subset(rows(3), [-1]), /Subset: index -1/);
  assert.throws(() => new Subset({} as never, [0]), /Subset: expected a dataset/);
  assert.throws(() => new Subset(rows(3), [1]).get(1), /Subset.get: index 1 is out of range for a dataset of length 1/);
});

function indicesOf(subset: Subset): number[] {
  return Array.from(subset.indices);
}

test('randomSplit by counts: disjoint, covering, seeded', () => {
  const ds = rows(10);
  const [a, b, c] = randomSplit(ds, [5, 3, 2], { seed: 7 });
  assert.equal([a.length, b.length, c.length], [5, 3, 2]);
  const all = [...indicesOf(a), ...indicesOf(b), ...indicesOf(c)].sort((p, q) => p - q);
  assert.equal(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const again = randomSplit(ds, [5, 3, 2], { seed: 7 });
  assert.equal(indicesOf(again[0]), indicesOf(a));
  assert.equal(indicesOf(again[2]), indicesOf(c));
  const other = randomSplit(ds, [5, 3, 2], { seed: 8 });
  assert.not.equal([...indicesOf(other[0]), ...indicesOf(other[1])], [...indicesOf(a), ...indicesOf(b)]);
  assert.not.equal(all, [...indicesOf(a), ...indicesOf(b), ...indicesOf(c)], 'the order is shuffled');
});

test('randomSplit by fractions hands out the remainder from the first subset on', () => {
  const ds = rows(10);
  assert.equal(randomSplit(ds, [0.3, 0.7], { seed: 1 }).map((s) => s.length), [3, 7]);
  assert.equal(randomSplit(ds, [0.33, 0.33, 0.34], { seed: 1 }).map((s) => s.length), [4, 3, 3]);
  assert.equal(randomSplit(ds, [1, 0], { seed: 1 }).map((s) => s.length), [10, 0]);
  assert.equal(randomSplit(rows(1), [1], { seed: 1 }).map((s) => s.length), [1]);
  const unseeded = randomSplit(ds, [0.5, 0.5]);
  assert.is(unseeded[0].length + unseeded[1].length, 10);
});

test('randomSplit rejects lengths that do not add up', () => {
  const ds = rows(10);
  assert.throws(() => randomSplit(ds, [5, 4]), /randomSplit: lengths \[5, 4\] must be integers summing to the dataset length 10 or fractions summing to 1/);
  assert.throws(() => randomSplit(ds, [0.5, 0.4]), /fractions summing to 1/);
  assert.throws(() => randomSplit(ds, [12, -2]), /randomSplit: lengths must be non-negative numbers, got \[12, -2\]/);
  assert.throws(() => randomSplit(ds, []), /randomSplit: expected a non-empty array/);
});

test.run();

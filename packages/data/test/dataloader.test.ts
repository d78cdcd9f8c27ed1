import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, manualSeed } from '@torchlet/core';
import { DataLoader, TensorDataset, Subset, toFloat, type Dataset, type Batch } from '@torchlet/data';

/** Sample i is [2, 3] filled with i (float64 storage, to see the float32 conversion), label i. */
function numbered(n: number): TensorDataset {
  const x = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) x.fill(i, 6 * i, 6 * i + 6);
  return new TensorDataset(new Tensor(x, [n, 2, 3]), new Tensor(Int32Array.from({ length: n }, (_, i) => i), [n]));
}

/** The same samples through get() only, the fallback path. */
function numberedPlain(n: number): Dataset {
  return { length: n, get: (i) => ({ x: new Tensor(new Float64Array(6).fill(i), [2, 3]), y: i }) };
}

function labels(batches: Iterable<Batch>): number[][] {
  return Array.from(batches, (b) => Array.from(b.y.data));
}

test('batches are stacked float32 x and int32 y, in order without shuffle', () => {
  const loader = new DataLoader(numbered(10), { batchSize: 4 });
  assert.is(loader.length, 3);
  const batches = [...loader];
  assert.equal(batches.map((b) => b.x.shape), [[4, 2, 3], [4, 2, 3], [2, 2, 3]]);
  assert.equal(batches.map((b) => b.y.shape), [[4], [4], [2]]);
  assert.ok(batches.every((b) => b.x.dtype === 'float32' && b.y.dtype === 'int32'));
  assert.equal(labels(batches), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  const x = batches[1].x.data;
  for (let s = 0; s < 4; s++) for (let k = 0; k < 6; k++) assert.is(x[s * 6 + k], 4 + s);
});

test('batchSize defaults to 1; dropLast skips the short last batch', () => {
  assert.is(new DataLoader(numbered(3)).length, 3);
  assert.equal(labels(new DataLoader(numbered(3))), [[0], [1], [2]]);
  const loader = new DataLoader(numbered(10), { batchSize: 4, dropLast: true });
  assert.is(loader.length, 2);
  assert.equal(labels(loader), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  assert.is(new DataLoader(numbered(8), { batchSize: 4, dropLast: true }).length, 2);
  assert.is(new DataLoader(numbered(3), { batchSize: 4, dropLast: true }).length, 0);
  assert.equal(labels(new DataLoader(numbered(0), { batchSize: 4 })), []);
});

test('shuffle visits every sample exactly once per epoch and changes the order between epochs', () => {
  const loader = new DataLoader(numbered(23), { batchSize: 5, shuffle: true, seed: 3 });
  const epochs = [0, 1, 2].map(() => labels(loader).flat());
  for (const order of epochs) assert.equal([...order].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
  assert.not.equal(epochs[0], epochs[1]);
  assert.not.equal(epochs[1], epochs[2]);
  assert.not.equal(epochs[0], Array.from({ length: 23 }, (_, i) => i));
  assert.is(loader.epoch, 3);
});

test('the order of epoch k depends only on the seed and k', () => {
  const a = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 'abc' });
  const b = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 'abc' });
  const aEpochs = [labels(a), labels(a), labels(a)];
  assert.equal(labels(b), aEpochs[0]);
  b.setEpoch(2);
  assert.is(b.epoch, 2);
  assert.equal(labels(b), aEpochs[2]);
  const fresh = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 'abc' });
  fresh.setEpoch(3);
  assert.equal(labels(fresh), labels(a), 'a fresh loader at epoch 3 matches the fourth epoch of a loader iterated three times');
  b.setEpoch(1);
  assert.equal(labels(b), aEpochs[1]);
  const other = new DataLoader(numbered(20), { batchSize: 6, shuffle: true, seed: 'abd' });
  assert.not.equal(labels(other), aEpochs[0]);
  assert.equal(Array.from(a.order(1)), aEpochs[1].flat());
});

test('the epoch is taken when iteration starts', () => {
  const loader = new DataLoader(numbered(12), { batchSize: 12, shuffle: true, seed: 5 });
  const first = loader[Symbol.iterator]();
  const second = loader[Symbol.iterator]();
  assert.is(loader.epoch, 2);
  const a = Array.from(first.next().value!.y.data);
  const b = Array.from(second.next().value!.y.data);
  assert.not.equal(a, b);
  assert.equal(Array.from(loader.order(0)), a);
});

test('an unseeded shuffle repeats under manualSeed', () => {
  manualSeed(11);
  const a = labels(new DataLoader(numbered(15), { batchSize: 4, shuffle: true }));
  manualSeed(11);
  const b = labels(new DataLoader(numbered(15), { batchSize: 4, shuffle: true }));
  assert.equal(a, b);
});

test('datasets without getInto go through get() and give the same batches', () => {
  const fast = [...new DataLoader(numbered(9), { batchSize: 4, shuffle: true, seed: 2 })];
  const slow = [...new DataLoader(numberedPlain(9), { batchSize: 4, shuffle: true, seed: 2 })];
  assert.is(slow.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.equal(slow[i].x.shape, fast[i].x.shape);
    assert.is(slow[i].x.dtype, 'float32');
    assert.equal(Array.from(slow[i].x.data), Array.from(fast[i].x.data));
    assert.equal(Array.from(slow[i].y.data), Array.from(fast[i].y.data));
  }
  const subset = [...new DataLoader(new Subset(numberedPlain(9), [8, 1]), { batchSize: 2 })];
  assert.equal(Array.from(subset[0].y.data), [8, 1]);
});

test('the fast path copies rows without calling get()', () => {
  const ds = numbered(6);
  ds.get = () => {
    throw new Error('get must not be called');
  };
  const batches = [...new DataLoader(new Subset(ds, [5, 4, 3]), { batchSize: 3 })];
  assert.equal(Array.from(batches[0].y.data), [5, 4, 3]);
  assert.is(batches[0].x.data[6], 4);
});

test('the transform is applied to each batch x', () => {
  const batches = [...new DataLoader(numbered(4), { batchSize: 2, transform: toFloat({ scale: 2 }) })];
  assert.equal(Array.from(batches[1].x.data), [4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6]);
  assert.equal(Array.from(batches[1].y.data), [2, 3]);
  const broken = new DataLoader(numbered(4), { batchSize: 2, transform: (() => 3) as never });
  assert.throws(() => [...broken], /DataLoader: transform must return a Tensor, got number/);
});

test('the fallback path checks what get() returns', () => {
  const ragged: Dataset = { length: 2, get: (i) => ({ x: tensor(i === 0 ? [1, 2] : [1, 2, 3]), y: i }) };
  assert.throws(() => [...new DataLoader(ragged, { batchSize: 2 })], /DataLoader: sample 1 has shape \[3\] but sample 0 has \[2\]; samples in a batch must match/);
  const fractional: Dataset = { length: 1, get: () => ({ x: tensor([1]), y: 0.5 }) };
  assert.throws(() => [...new DataLoader(fractional)], /DataLoader: sample 0 has label 0.5; labels must be int32 integers/);
  const garbage: Dataset = { length: 1, get: () => ({ x: [1], y: 0 }) as never };
  assert.throws(() => [...new DataLoader(garbage)], /DataLoader: dataset.get\(0\) must return \{ x: Tensor, y: number \}/);
});

test('DataLoader rejects bad arguments', () => {
  assert.throws(() => new DataLoader(numbered(3), { batchSize: 0 }), /DataLoader: batchSize must be a positive integer, got 0/);
  assert.throws(() => new DataLoader(numbered(3), { batchSize: 1.5 }), /batchSize must be a positive integer, got 1.5/);
  assert.throws(() => new DataLoader([] as never), /DataLoader: expected a dataset with length and get\(index\)/);
  assert.throws(() => new DataLoader(numbered(3), { transform: 'x' as never }), /DataLoader: transform must be a function, got string/);
  assert.throws(() => new DataLoader(numbered(3)).setEpoch(-1), /DataLoader.setEpoch: expected a non-negative integer, got -1/);
});

test.run();

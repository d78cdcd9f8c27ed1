import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arange, tensor, zeros } from '@torchlet/core';
import {
  DataLoader, TensorDataset, ImageDataset, Subset, randomSplit, normalize, pad, randomShift, randomCrop, toFloat,
  mnist, fashionMnist, mnistSample, cifar10,
} from '@torchlet/data';

const dataset = () => new TensorDataset(arange(10).reshape([10, 1]), arange(10).int());
/** The constructor typed loosely, to pass what TypeScript would refuse, as a JavaScript caller could. */
const LooseLoader = DataLoader as unknown as new (...a: unknown[]) => DataLoader;

test('DataLoader: a PyTorch key gets "did you mean", and PyTorch settings it cannot honour are refused, not dropped', () => {
  assert.throws(() => new DataLoader(dataset(), { batch_size: 4 } as never), /DataLoader: unknown option "batch_size" \(expected .*\): did you mean "batchSize"\?/);
  assert.throws(() => new DataLoader(dataset(), { drop_last: true } as never), /did you mean "dropLast"\?/);
  assert.throws(() => new DataLoader(dataset(), { num_workers: 2 } as never), /did you mean "numWorkers"\?/);
  assert.throws(() => new DataLoader(dataset(), { numWorkers: 2 } as never), /DataLoader: numWorkers 2 is not supported \(only 0\): batches are made in this process/);
  assert.throws(() => new DataLoader(dataset(), { pinMemory: true } as never), /DataLoader: pinMemory true is not supported/);
  assert.throws(() => new DataLoader(dataset(), { sampler: [1, 2] } as never), /DataLoader: sampler \[1,2\] is not supported/);
  assert.throws(() => new DataLoader(dataset(), { collateFn: () => 0 } as never), /DataLoader: collateFn .* is not supported/);
  assert.throws(() => new DataLoader(dataset(), { shuffle: 1 } as never), /DataLoader: shuffle must be a boolean, got 1/);
  assert.throws(() => new LooseLoader(dataset(), 4, true, null, null, 0, null, false, true, 7), /DataLoader: got 9 positional/);
  assert.is(new DataLoader(dataset(), { numWorkers: 0, pinMemory: false, sampler: null } as never).batchSize, 1, 'defaults are fine');
});

test("DataLoader takes PyTorch's positional form: DataLoader(ds, 4, true) shuffles batches of 4", () => {
  const loader = new DataLoader(dataset(), 4, true, { seed: 1 });
  assert.equal([loader.batchSize, loader.shuffle, loader.length], [4, true, 3]);
  const seen = [...loader].flatMap((b) => Array.from(b.y.data));
  assert.equal([...seen].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.not.equal(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const dropping = new DataLoader(dataset(), 4, false, null, null, 0, null, false, true);
  assert.equal([dropping.dropLast, dropping.length], [true, 2]);
  assert.throws(() => new DataLoader(dataset(), 4, { batchSize: 2 } as never), /DataLoader: batchSize is given both/);
});

test('datasets, randomSplit and transforms reject extra arguments and unknown keys', () => {
  const x = arange(6).reshape([6, 1]);
  const y = arange(6).int();
  assert.throws(() => new (TensorDataset as unknown as new (...a: unknown[]) => unknown)(x, y, x), /TensorDataset: takes two tensors \(inputs x, int32 labels y\), got 3 arguments/);
  assert.throws(() => new (ImageDataset as unknown as new (...a: unknown[]) => unknown)(x, y, ['a'], 1), /ImageDataset: takes \(x, y, classes\), got 4/);
  assert.throws(() => new ImageDataset(x, y, 'ab' as never), /ImageDataset: classes must be an array of strings/);
  assert.throws(() => new (Subset as unknown as new (...a: unknown[]) => unknown)(dataset(), [1], [2]), /Subset: takes \(dataset, indices\), got 3/);
  assert.throws(() => randomSplit(dataset(), [5, 5], { generator: 1 } as never), /randomSplit: unknown option "generator" \(expected "seed"\)/);
  assert.is(randomSplit(dataset(), [5, 5], { seed: 3 })[0].length, 5);
  assert.throws(() => pad(1, { fill: 1 } as never), /pad: unknown option "fill" \(expected "value"\)/);
  assert.throws(() => randomShift(2, { sed: 1 } as never), /randomShift: unknown option "sed" \(expected "seed"\): did you mean "seed"\?/);
  assert.throws(() => toFloat({ scaling: 2 } as never), /toFloat: unknown option "scaling"/);
  assert.throws(() => (toFloat as (...a: unknown[]) => unknown)(2), /toFloat: got 1 positional arguments after the required ones, but it takes at most 0/);
  assert.throws(() => normalize(0.5, 0.5, true as never), /normalize: inplace is not supported/);
  assert.equal(Array.from(normalize(0.5, 0.5, false)(zeros([1, 1, 1, 1])).data), [-1]);
  assert.throws(() => randomCrop(2, { pad: 1 } as never), /randomCrop: unknown option "pad" \(expected "padding", "seed"\)/);
  const crop = randomCrop(3, 1, { seed: 0 })(tensor([1, 2, 3, 4], { shape: [1, 1, 2, 2] }));
  assert.equal(crop.shape, [1, 1, 3, 3], "torchvision's RandomCrop(size, padding)");
});

test('the dataset readers reject unknown keys before touching any file', () => {
  assert.throws(() => mnist({ dir: '/nowhere', splt: 'test' } as never), /mnist: unknown option "splt" \(expected "dir", "split"\): did you mean "split"\?/);
  assert.throws(() => fashionMnist({ root: '/x' } as never), /fashionMnist: unknown option "root"/);
  assert.throws(() => mnistSample({ train: false } as never), /mnistSample: unknown option "train"/);
  assert.throws(() => cifar10({ dir: '/x', download: true } as never), /cifar10: unknown option "download"/);
  assert.throws(() => (mnistSample as (...a: unknown[]) => unknown)('test'), /mnistSample: got 1 positional/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cifar10, cifar10Classes } from '@torchlet/data';

const root = mkdtempSync(join(tmpdir(), 'torchlet-cifar-'));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const RECORD = 3073;

/** Records labelled first, first + 1, ...; pixel j of record r is (r * 7 + j) % 256 (j in CHW order). */
function batchBytes(count: number, firstLabel: number): Uint8Array {
  const bytes = new Uint8Array(count * RECORD);
  for (let r = 0; r < count; r++) {
    bytes[r * RECORD] = (firstLabel + r) % 10;
    for (let j = 0; j < 3072; j++) bytes[r * RECORD + 1 + j] = (r * 7 + j) % 256;
  }
  return bytes;
}

function writeDataset(dir: string, trainCounts: number[], testCount: number): void {
  mkdirSync(dir, { recursive: true });
  let label = 0;
  trainCounts.forEach((count, i) => {
    writeFileSync(join(dir, `data_batch_${i + 1}.bin`), batchBytes(count, label));
    label += count;
  });
  writeFileSync(join(dir, 'test_batch.bin'), batchBytes(testCount, 3));
}

const dir = join(root, 'cifar-10-batches-bin');
writeDataset(dir, [2, 3, 1, 2, 2], 3);

test('cifar10 joins the five training batches into float32 [N, 3, 32, 32] in [0, 1]', () => {
  const train = cifar10({ dir });
  assert.is(train.length, 10);
  assert.equal(train.x.shape, [10, 3, 32, 32]);
  assert.is(train.x.dtype, 'float32');
  assert.is(train.y.dtype, 'int32');
  assert.equal(Array.from(train.y.data), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // sample 2 is record 0 of data_batch_2; channel 1 (green), row 1, column 5 is pixel byte 1024 + 32 + 5
  assert.is(train.x.data[2 * 3072 + 1 * 1024 + 1 * 32 + 5], Math.fround(((0 * 7 + 1061) % 256) / 255));
  // sample 4 is record 2 of data_batch_2; channel 2, row 31, column 31 is the last byte
  assert.is(train.x.data[4 * 3072 + 3071], Math.fround(((2 * 7 + 3071) % 256) / 255));
  // sample 9 is record 1 of data_batch_5
  assert.is(train.x.data[9 * 3072 + 100], Math.fround(((1 * 7 + 100) % 256) / 255));
  for (let i = 0; i < train.x.data.length; i += 997) assert.ok(train.x.data[i] >= 0 && train.x.data[i] <= 1);
  assert.equal(train.classes, cifar10Classes);
  assert.equal(cifar10Classes, ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
});

test('cifar10 test split, and the folder above cifar-10-batches-bin also works', () => {
  const test = cifar10({ dir: root, split: 'test' });
  assert.equal(test.x.shape, [3, 3, 32, 32]);
  assert.equal(Array.from(test.y.data), [3, 4, 5]);
  assert.is(test.x.data[2 * 3072 + 10], Math.fround(((2 * 7 + 10) % 256) / 255));
});

test('cifar10 rejects a file that is not whole records, naming it', () => {
  const bad = join(root, 'bad');
  writeDataset(bad, [1, 1, 1, 1, 1], 1);
  const path = join(bad, 'data_batch_3.bin');
  writeFileSync(path, batchBytes(2, 0).subarray(0, 2 * RECORD - 1));
  assert.throws(() => cifar10({ dir: bad }), new RegExp(`cifar10: ${escape(path)} has 6145 bytes, which is not a whole number of 3073-byte records \\(1 label \\+ 3072 pixels\\)`));
  writeFileSync(path, new Uint8Array(0));
  assert.throws(() => cifar10({ dir: bad }), new RegExp(`cifar10: ${escape(path)} has 0 bytes`));
  const labels = batchBytes(2, 0);
  labels[RECORD] = 10;
  writeFileSync(path, labels);
  assert.throws(() => cifar10({ dir: bad }), new RegExp(`cifar10: ${escape(path)} has label 10 in record 1, expected 0..9`));
});

test('cifar10 says where to get missing data', () => {
  const partial = join(root, 'partial');
  writeDataset(partial, [1, 1, 1, 1], 1);
  assert.throws(() => cifar10({ dir: partial }), new RegExp(`cifar10: ${escape(partial)} has no data_batch_5.bin; download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz`));
  assert.throws(() => cifar10({ dir: join(root, 'none') }), /cifar10: folder .*none does not exist; download https:\/\/www.cs.toronto.edu/);
  assert.throws(() => cifar10({ dir, split: 'all' as never }), /cifar10: split must be 'train' or 'test', got "all"/);
  assert.throws(() => cifar10(undefined as never), /cifar10: expected options.dir/);
});

test('cleanup', () => {
  rmSync(root, { recursive: true, force: true });
  assert.ok(true);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mnist, fashionMnist, fashionMnistClasses, mnistClasses, writeIdx } from '@torchlet/data';

const root = mkdtempSync(join(tmpdir(), 'torchlet-mnist-'));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** n images of h x w with pixel (i, r, c) = (i * 31 + r * w + c) % 256, labels i % 10. */
function writeSplit(dir: string, prefix: 'train' | 't10k', n: number, h: number, w: number, gzip: boolean, names = '-'): void {
  const pixels = Uint8Array.from({ length: n * h * w }, (_, k) => (Math.floor(k / (h * w)) * 31 + (k % (h * w))) % 256);
  writeIdx(join(dir, `${prefix}-images${names}idx3-ubyte${gzip ? '.gz' : ''}`), { dtype: 'uint8', shape: [n, h, w], data: pixels }, { gzip });
  writeIdx(join(dir, `${prefix}-labels${names}idx1-ubyte${gzip ? '.gz' : ''}`), { dtype: 'uint8', shape: [n], data: Uint8Array.from({ length: n }, (_, i) => i % 10) }, { gzip });
}

function folder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const standard = folder('standard');
writeSplit(standard, 'train', 12, 4, 3, false);
writeSplit(standard, 't10k', 5, 4, 3, true);

test('mnist reads both splits as float32 [N, 1, H, W] in [0, 1] with int32 labels', () => {
  const train = mnist({ dir: standard, split: 'train' });
  assert.is(train.length, 12);
  assert.equal(train.x.shape, [12, 1, 4, 3]);
  assert.is(train.x.dtype, 'float32');
  assert.is(train.y.dtype, 'int32');
  assert.equal(Array.from(train.y.data), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  for (let i = 0; i < 12; i++) {
    for (let k = 0; k < 12; k++) assert.is(train.x.data[i * 12 + k], Math.fround(((i * 31 + k) % 256) / 255));
  }
  assert.equal(train.classes, mnistClasses);
  const test = mnist({ dir: standard, split: 'test' });
  assert.equal(test.x.shape, [5, 1, 4, 3]);
  assert.equal(Array.from(test.y.data), [0, 1, 2, 3, 4]);
  assert.is(mnist({ dir: standard }).length, 12, 'split defaults to train');
});

test('mnist also finds the dotted file names of some mirrors', () => {
  const dotted = folder('dotted');
  writeSplit(dotted, 't10k', 3, 2, 2, false, '.');
  assert.equal(mnist({ dir: dotted, split: 'test' }).x.shape, [3, 1, 2, 2]);
});

test('mnist rejects mismatched, mistyped and out-of-range files, naming them', () => {
  const mismatch = folder('mismatch');
  writeIdx(join(mismatch, 'train-images-idx3-ubyte'), { dtype: 'uint8', shape: [3, 2, 2], data: new Uint8Array(12) });
  writeIdx(join(mismatch, 'train-labels-idx1-ubyte'), { dtype: 'uint8', shape: [2], data: new Uint8Array(2) });
  const images = join(mismatch, 'train-images-idx3-ubyte');
  const labels = join(mismatch, 'train-labels-idx1-ubyte');
  assert.throws(() => mnist({ dir: mismatch }), new RegExp(`mnist: ${escape(images)} has 3 images but ${escape(labels)} has 2 labels`));

  writeIdx(labels, { dtype: 'uint8', shape: [3], data: Uint8Array.from([0, 10, 1]) });
  assert.throws(() => mnist({ dir: mismatch }), new RegExp(`mnist: ${escape(labels)} has label 10 at 1, expected 0..9`));

  writeIdx(labels, { dtype: 'int32', shape: [3], data: new Int32Array(3) });
  assert.throws(() => mnist({ dir: mismatch }), new RegExp(`mnist: ${escape(labels)} should hold uint8 labels \\[N\\], got int32 \\[3\\]`));

  writeIdx(images, { dtype: 'uint8', shape: [3, 4], data: new Uint8Array(12) });
  assert.throws(() => mnist({ dir: mismatch }), new RegExp(`mnist: ${escape(images)} should hold uint8 images \\[N, H, W\\], got uint8 \\[3, 4\\]`));

  writeIdx(images, { dtype: 'int8', shape: [3, 2, 2], data: new Int8Array(12) });
  assert.throws(() => mnist({ dir: mismatch }), /should hold uint8 images \[N, H, W\], got int8 \[3, 2, 2\]/);
});

test('mnist says where to get missing data', () => {
  const nowhere = join(root, 'nowhere');
  assert.throws(() => mnist({ dir: nowhere }), new RegExp(`mnist: folder ${escape(nowhere)} does not exist; download train-images-idx3-ubyte.gz.*https://ossci-datasets.s3.amazonaws.com/mnist/.*mnistSample\\(\\)`));
  const empty = folder('empty');
  assert.throws(() => mnist({ dir: empty, split: 'test' }), new RegExp(`mnist: ${escape(empty)} has no t10k-images-idx3-ubyte \\(or t10k-images-idx3-ubyte.gz\\); download`));
  assert.throws(() => mnist({} as never), /mnist: expected options.dir, the folder holding the data files/);
  assert.throws(() => mnist({ dir: standard, split: 'val' as never }), /mnist: split must be 'train' or 'test', got "val"/);
});

test('fashionMnist reads the same layout from a folder and suggests the Debian package', () => {
  const fashion = fashionMnist({ dir: standard, split: 'test' });
  assert.equal(fashion.x.shape, [5, 1, 4, 3]);
  assert.equal(fashion.classes, fashionMnistClasses);
  assert.equal(fashionMnistClasses, ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  assert.is(mnistClasses.length, 10);
  assert.throws(() => fashionMnist({ dir: join(root, 'nowhere') }), /fashionMnist: folder .*nowhere does not exist; install it with `apt-get install dataset-fashion-mnist`/);
});

test('mnist prefers the raw file, reads by content not by name, and reports corrupt files', () => {
  const broken = folder('broken');
  writeSplit(broken, 'train', 2, 2, 2, true);
  renameSync(join(broken, 'train-labels-idx1-ubyte.gz'), join(broken, 'x'));
  writeIdx(join(broken, 'train-labels-idx1-ubyte'), { dtype: 'uint8', shape: [2], data: new Uint8Array(2) });
  assert.is(mnist({ dir: broken }).length, 2, 'the raw file is found first');
  rmSync(join(broken, 'train-labels-idx1-ubyte'));
  renameSync(join(broken, 'x'), join(broken, 'train-labels-idx1-ubyte.gz'));
  rmSync(join(broken, 'train-images-idx3-ubyte.gz'));
  writeIdx(join(broken, 'train-images-idx3-ubyte.gz'), { dtype: 'uint8', shape: [2, 2, 2], data: new Uint8Array(8) });
  assert.is(mnist({ dir: broken }).length, 2, 'a raw file named .gz is still read');
  const labels = join(broken, 'train-labels-idx1-ubyte.gz');
  writeFileSync(labels, Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 1]));
  assert.throws(() => mnist({ dir: broken }), new RegExp(`readIdx: ${escape(labels)} is truncated`));
});

const debian = '/usr/share/datasets/fashion-mnist';
test('fashionMnist from Debian dataset-fashion-mnist, when installed', () => {
  if (!existsSync(debian)) {
    console.log(`  (skipped: ${debian} is absent; apt-get install dataset-fashion-mnist)`);
    return;
  }
  const train = fashionMnist();
  const test = fashionMnist({ split: 'test' });
  assert.is(train.length, 60000);
  assert.is(test.length, 10000);
  assert.equal(train.x.shape, [60000, 1, 28, 28]);
  assert.equal(test.x.shape, [10000, 1, 28, 28]);
  for (const ds of [train, test]) {
    const counts = new Array(10).fill(0);
    for (const label of ds.y.data) counts[label]++;
    assert.equal(counts, new Array(10).fill(ds.length / 10), 'Fashion-MNIST is balanced');
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.is(min, 0);
    assert.is(max, 1);
  }
});

test('cleanup', () => {
  rmSync(root, { recursive: true, force: true });
  assert.ok(true);
});

test.run();

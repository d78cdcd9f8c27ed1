import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, positionalOptions } from '@torchlet/core';
import { ImageDataset } from './dataset.js';
import { type Split, checkFolder, checkSplit, findFile } from './files.js';
import { bytesToUnitInto } from './pixels.js';

export const cifar10Classes: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);

export interface Cifar10Options {
  /** The folder holding data_batch_1.bin..data_batch_5.bin and test_batch.bin, or the folder containing cifar-10-batches-bin. */
  dir: string;
  split?: Split;
}

const HINT = 'download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and extract it (it unpacks to cifar-10-batches-bin/)';
const PIXELS = 3 * 32 * 32;
const RECORD = 1 + PIXELS;

/**
 * CIFAR-10 from its binary batches: each record is one label byte and 3,072 pixel bytes (red, green, blue planes
 * of 32x32). The training split is data_batch_1..5 (50,000 images), the test split test_batch (10,000).
 * Images are float32 [N, 3, 32, 32] in [0, 1], labels int32 [N].
 */
export function cifar10(...args: [Cifar10Options]): ImageDataset {
  const options = positionalOptions<Cifar10Options>('cifar10', args, [], ['dir', 'split']);
  let dir = checkFolder('cifar10', options.dir, HINT);
  if (existsSync(join(dir, 'cifar-10-batches-bin'))) dir = join(dir, 'cifar-10-batches-bin');
  const names = checkSplit('cifar10', options.split ?? 'train') === 'train'
    ? ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin']
    : ['test_batch.bin'];
  const paths = names.map((name) => findFile('cifar10', dir, [name], HINT, ['']));
  const counts = paths.map(recordCount);
  const n = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  let start = 0;
  paths.forEach((path, f) => {
    readBatchInto(path, counts[f], x, y, start);
    start += counts[f];
  });
  return new ImageDataset(new Tensor(x, [n, 3, 32, 32]), new Tensor(y, [n]), cifar10Classes);
}

function recordCount(path: string): number {
  const size = statSync(path).size;
  if (size === 0 || size % RECORD !== 0) {
    throw new Error(`cifar10: ${path} has ${size} bytes, which is not a whole number of ${RECORD}-byte records (1 label + ${PIXELS} pixels)`);
  }
  return size / RECORD;
}

function readBatchInto(path: string, count: number, x: Float32Array, y: Int32Array, start: number): void {
  const bytes = readFileSync(path);
  if (bytes.length !== count * RECORD) throw new Error(`cifar10: ${path} changed size while being read`);
  for (let r = 0; r < count; r++) {
    const label = bytes[r * RECORD];
    if (label >= cifar10Classes.length) throw new Error(`cifar10: ${path} has label ${label} in record ${r}, expected 0..9`);
    y[start + r] = label;
    bytesToUnitInto(bytes.subarray(r * RECORD + 1, (r + 1) * RECORD), x, (start + r) * PIXELS);
  }
}

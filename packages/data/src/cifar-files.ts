import { positionalOptions } from '@torchlet/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ImageDataset } from './dataset.js';
import { checkFolder, findFile, readBytes } from './files.js';
import { type Split, checkSplit } from './split.js';
import { cifar10Dataset } from './cifar.js';

// cifar10(): the binary batches from a folder, in Node (node.ts). parseCifar10 (cifar.ts) takes bytes.

/** Where `cifar10()` reads the binary batches and which split. */
export interface Cifar10Options {
  /** The folder holding data_batch_1.bin..data_batch_5.bin and test_batch.bin, or the folder containing cifar-10-batches-bin. */
  dir: string;
  split?: Split;
}

const HINT = 'download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and extract it (it unpacks to cifar-10-batches-bin/)';

/** CIFAR-10 from its binary batches: data_batch_1..5 (50,000 images) for training, test_batch (10,000) for test. */
export function cifar10(...args: [Cifar10Options]): ImageDataset {
  const options = positionalOptions<Cifar10Options>('cifar10', args, [], ['dir', 'split']);
  let dir = checkFolder('cifar10', options.dir, HINT);
  if (existsSync(join(dir, 'cifar-10-batches-bin'))) dir = join(dir, 'cifar-10-batches-bin');
  const names = checkSplit('cifar10', options.split ?? 'train') === 'train'
    ? ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin']
    : ['test_batch.bin'];
  const paths = names.map((name) => findFile('cifar10', dir, [name], HINT, ['']));
  return cifar10Dataset('cifar10', paths.map((path) => ({ name: path, bytes: readBytes('cifar10', path) })));
}

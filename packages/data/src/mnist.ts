import { Tensor, positionalOptions } from '@torchlet/core';
import { ImageDataset } from './dataset.js';
import { parseIdxAs, type IdxArray } from './idx.js';
import { bytesToUnit } from './pixels.js';

/** MNIST's class names, '0' to '9'. */
export const mnistClasses: readonly string[] = Object.freeze([
  '0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine',
]);

/** Fashion-MNIST's class names, in label order. */
export const fashionMnistClasses: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** Options of `parseMnist`. */
export interface ParseMnistOptions {
  /** The class names; default mnistClasses (fashionMnistClasses for Fashion-MNIST). */
  classes?: readonly string[];
}

/**
 * MNIST-layout images and labels from the bytes of their two IDX files (raw or gzip), as fetched or read by the
 * caller: the same layout serves MNIST, Fashion-MNIST and KMNIST. Images are float32 [N, 1, H, W] in [0, 1]
 * (pixel / 255), labels int32 [N]. In Node, mnist({ dir }) and fashionMnist() read the files from a folder.
 */
export function parseMnist(images: Uint8Array, labels: Uint8Array, ...args: [ParseMnistOptions?]): ImageDataset {
  const options = positionalOptions<ParseMnistOptions>('parseMnist', args, [], ['classes']);
  const classes = options.classes ?? mnistClasses;
  return mnistDataset('parseMnist', parseIdxAs('parseMnist', images, 'the images'), 'the images', parseIdxAs('parseMnist', labels, 'the labels'), 'the labels', classes);
}

/** Checks decoded IDX images [N, H, W] and labels [N] (named imagesName, labelsName in errors) and makes the dataset. */
export function mnistDataset(op: string, images: IdxArray, imagesName: string, labels: IdxArray, labelsName: string, classes: readonly string[]): ImageDataset {
  if (images.dtype !== 'uint8' || images.shape.length !== 3) {
    throw new Error(`${op}: ${imagesName} should hold uint8 images [N, H, W], got ${images.dtype} [${images.shape.join(', ')}]`);
  }
  if (labels.dtype !== 'uint8' || labels.shape.length !== 1) {
    throw new Error(`${op}: ${labelsName} should hold uint8 labels [N], got ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) throw new Error(`${op}: ${imagesName} has ${n} images but ${labelsName} has ${labels.shape[0]} labels`);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (labels.data[i] >= classes.length) throw new Error(`${op}: ${labelsName} has label ${labels.data[i]} at ${i}, expected 0..${classes.length - 1}`);
    y[i] = labels.data[i];
  }
  return new ImageDataset(new Tensor(bytesToUnit(images.data as Uint8Array), [n, 1, h, w]), new Tensor(y, [n]), classes);
}

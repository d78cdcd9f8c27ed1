// The package on bytes, for every platform; node.ts (the entry in Node) adds the readers that take paths.
export {
  type Sample, type Dataset, type ContiguousDataset, isContiguous, TensorDataset, ImageDataset, Subset, randomSplit,
} from './dataset.js';
export { type SeedOptions } from './permutation.js';
export { DataLoader, type Batch, type DataLoaderOptions } from './dataloader.js';
export { parseIdx, decodeIdx, encodeIdx, type IdxArray, type IdxDType, type IdxData } from './idx.js';
export { type Split } from './split.js';
export { parseMnist, mnistClasses, fashionMnistClasses, type ParseMnistOptions } from './mnist.js';
export { parseMnistSample, type ParseMnistSampleOptions } from './mnist-sample.js';
export { parseCifar10, cifar10Classes, type Cifar10Batch } from './cifar.js';
export {
  type Transform, type Padding, type RandomCropOptions, shift, normalize, pad, randomShift, randomCrop, toFloat, compose,
} from './transforms.js';
export { parseFirstNames, splitFirstNames, type FirstNamesOptions } from './first-names.js';
export {
  fromPixels, bytesFrom, fetchBytes, type ImageDataLike, type DrawableImage, type FromPixelsOptions, type BytesSource,
} from './browser-pixels.js';

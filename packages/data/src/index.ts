export {
  type Sample, type Dataset, type ContiguousDataset, isContiguous, TensorDataset, ImageDataset, Subset, randomSplit,
} from './dataset.js';
export { type SeedOptions } from './permutation.js';
export { DataLoader, type Batch, type DataLoaderOptions } from './dataloader.js';
export { readIdx, decodeIdx, encodeIdx, writeIdx, type IdxArray, type IdxDType, type IdxData } from './idx.js';
export { type Split } from './files.js';
export { mnist, fashionMnist, mnistClasses, fashionMnistClasses, type MnistOptions, type FashionMnistOptions } from './mnist.js';
export { mnistSample, mnistSampleCachePath, type MnistSampleOptions } from './mnist-sample.js';
export { cifar10, cifar10Classes, type Cifar10Options } from './cifar.js';
export {
  type Transform, type Padding, type RandomCropOptions, shift, normalize, pad, randomShift, randomCrop, toFloat, compose,
} from './transforms.js';
export { parseFirstNames, splitFirstNames, type FirstNamesOptions } from './first-names.js';
// Node only (reads node_modules): on a branch with data's node.ts entry, this line belongs there.
export { firstNames, allFirstNames } from './first-names-files.js';

// The package in Node: everything in index.ts, plus the readers that take file and folder paths.
export * from './index.js';
export { readIdx, writeIdx } from './idx-files.js';
export { mnist, fashionMnist, type MnistOptions, type FashionMnistOptions } from './mnist-files.js';
export { mnistSample, mnistSampleBytes, mnistSampleCachePath, type MnistSampleOptions } from './mnist-sample-files.js';
export { cifar10, type Cifar10Options } from './cifar-files.js';
export { firstNames, allFirstNames } from './first-names-files.js';

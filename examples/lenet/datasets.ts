import { mnistSample, mnist, fashionMnist, cifar10, mnistClasses, fashionMnistClasses, cifar10Classes, Subset, randomSplit, type Dataset } from '@torchlet/data';
import type { Config } from './args.js';

export interface LoadedData {
  train: Dataset;
  test: Dataset;
  /** [channels, height, width] of one image. */
  imageShape: [number, number, number];
  classNames: readonly string[];
  /** Per-channel statistics of the training images, for normalisation. */
  mean: number[];
  std: number[];
}

const first = (ds: Dataset, n: number | null): Dataset =>
  n === null || n >= ds.length ? ds : new Subset(ds, Array.from({ length: n }, (_, i) => i));

/**
 * The train and test sets a config names; --limit N keeps the first N training and N/4 test images. With
 * --validation N, N training images drawn once (the same for every seed) take the test set's place, so a recipe
 * can be tuned without looking at the test images.
 */
export function loadData(config: Config): LoadedData {
  const data = loadSplits(config);
  if (config.validation === null) return data;
  if (config.validation >= data.train.length) {
    throw new Error(`--validation ${config.validation} leaves no training images (the training set has ${data.train.length})`);
  }
  const [train, test] = randomSplit(data.train, [data.train.length - config.validation, config.validation], { seed: 'validation' });
  return { ...data, train, test };
}

function loadSplits(config: Config): LoadedData {
  const dir = config.dataDir ?? undefined;
  const limitTest = config.limit === null ? null : Math.max(1, Math.floor(config.limit / 4));
  switch (config.dataset) {
    case 'mnist-sample':
      return {
        train: first(mnistSample({ split: 'train' }), config.limit),
        test: first(mnistSample({ split: 'test' }), limitTest),
        imageShape: [1, 28, 28], classNames: mnistClasses, mean: [0.1307], std: [0.3081],
      };
    case 'mnist':
      if (!dir) throw new Error('--dataset mnist needs --data-dir (a folder with the four MNIST IDX files)');
      return {
        train: first(mnist({ dir, split: 'train' }), config.limit),
        test: first(mnist({ dir, split: 'test' }), limitTest),
        imageShape: [1, 28, 28], classNames: mnistClasses, mean: [0.1307], std: [0.3081],
      };
    case 'fashion-mnist':
      return {
        train: first(fashionMnist({ split: 'train', dir }), config.limit),
        test: first(fashionMnist({ split: 'test', dir }), limitTest),
        imageShape: [1, 28, 28], classNames: fashionMnistClasses, mean: [0.286], std: [0.353],
      };
    case 'cifar10':
      if (!dir) throw new Error('--dataset cifar10 needs --data-dir (the folder with data_batch_1.bin ... test_batch.bin)');
      return {
        train: first(cifar10({ dir, split: 'train' }), config.limit),
        test: first(cifar10({ dir, split: 'test' }), limitTest),
        imageShape: [3, 32, 32], classNames: cifar10Classes,
        mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616],
      };
  }
}

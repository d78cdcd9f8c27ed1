import { Generator, Tensor, formatShape, numelOf, positionalOptions } from '@torchlet/core';
import { type Dataset, isContiguous } from './dataset.js';
import { drawSeed, permutation } from './permutation.js';
import type { Transform } from './transforms.js';

/** A batch: inputs `x` float32 [B, ...sampleShape] and labels `y` int32 [B]. */
export interface Batch {
  x: Tensor;
  y: Tensor;
}

/** Options of a DataLoader, as torch.utils.data.DataLoader: batch size, shuffling, dropping the last batch. */
export interface DataLoaderOptions {
  batchSize?: number;
  /** Visit the samples in a new random order every epoch. */
  shuffle?: boolean;
  /** Skip the last batch when it would be smaller than batchSize. */
  dropLast?: boolean;
  /** Seeds the shuffling; without it a seed is drawn once from core's default generator (see manualSeed). */
  seed?: number | string;
  /** Applied to each batch's `x` after stacking (see transforms.ts). */
  transform?: Transform;
}

/**
 * Iterates a dataset in batches, like torch.utils.data.DataLoader (single process). Epoch k's order depends only
 * on the seed and k; every iteration uses the current epoch and then advances it, and `setEpoch(k)` picks it, as
 * with DistributedSampler. Datasets with `getInto` are copied straight into one buffer per batch.
 */
export class DataLoader implements Iterable<Batch> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly transform: Transform | undefined;
  private readonly seed: number | string;
  private nextEpoch = 0;

  constructor(dataset: Dataset, options?: DataLoaderOptions);
  /**
   * PyTorch's positional form `DataLoader(dataset, batchSize, shuffle, sampler, batchSampler, numWorkers, collateFn,
   * pinMemory, dropLast)`: sampler, batchSampler and collateFn must be null, numWorkers 0 and pinMemory false (one
   * process, no custom collation), anything else is refused rather than ignored.
   */
  constructor(
    dataset: Dataset, batchSize?: number, shuffle?: boolean, sampler?: null, batchSampler?: null, numWorkers?: 0,
    collateFn?: null, pinMemory?: false, dropLast?: boolean, options?: Pick<DataLoaderOptions, 'seed' | 'transform'>,
  );
  constructor(dataset: Dataset, batchSize: number, shuffle?: boolean, options?: Pick<DataLoaderOptions, 'seed' | 'transform'>);
  constructor(dataset: Dataset, ...args: unknown[]) {
    if (typeof dataset?.get !== 'function' || !Number.isInteger(dataset.length)) {
      throw new TypeError('DataLoader: expected a dataset with length and get(index)');
    }
    const options = positionalOptions<DataLoaderOptions & Record<string, unknown>>('DataLoader', args, DATALOADER_ARGS, ['seed', 'transform']);
    refuseUnsupported(options);
    const { batchSize = 1, shuffle = false, dropLast = false, seed, transform } = options;
    if (typeof shuffle !== 'boolean') throw new TypeError(`DataLoader: shuffle must be a boolean, got ${JSON.stringify(shuffle)}`);
    if (typeof dropLast !== 'boolean') throw new TypeError(`DataLoader: dropLast must be a boolean, got ${JSON.stringify(dropLast)}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (transform !== undefined && typeof transform !== 'function') throw new TypeError(`DataLoader: transform must be a function, got ${typeof transform}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.transform = transform;
    this.seed = seed ?? drawSeed();
  }

  /** The number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The epoch the next iteration will use. */
  get epoch(): number {
    return this.nextEpoch;
  }

  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`DataLoader.setEpoch: expected a non-negative integer, got ${epoch}`);
    this.nextEpoch = epoch;
  }

  /** The sample indices epoch `epoch` visits, in order (all of them, before dropLast trims the tail). */
  order(epoch: number): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return permutation(n, new Generator(`${this.seed}/epoch ${epoch}`));
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }

  [Symbol.iterator](): Iterator<Batch> {
    // The epoch is taken when iteration starts, not at the first next(), so two loops started together differ.
    const order = this.order(this.nextEpoch++);
    return this.batches(order);
  }

  private *batches(order: Int32Array): IterableIterator<Batch> {
    const count = this.length;
    for (let b = 0; b < count; b++) {
      const indices = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
      const batch = this.collate(indices);
      if (this.transform) {
        const x = this.transform(batch.x);
        if (!(x instanceof Tensor)) throw new TypeError(`DataLoader: transform must return a Tensor, got ${typeof x}`);
        batch.x = x;
      }
      yield batch;
    }
  }

  private collate(indices: Int32Array): Batch {
    const dataset = this.dataset;
    const size = indices.length;
    const labels = new Int32Array(size);
    if (isContiguous(dataset)) {
      const rowSize = numelOf(dataset.sampleShape);
      const x = new Float32Array(size * rowSize);
      for (let i = 0; i < size; i++) labels[i] = checkLabel(dataset.getInto(indices[i], x, i * rowSize), indices[i]);
      return { x: new Tensor(x, [size, ...dataset.sampleShape]), y: new Tensor(labels, [size]) };
    }
    let shape: readonly number[] = [];
    let x = new Float32Array(0);
    for (let i = 0; i < size; i++) {
      const sample = dataset.get(indices[i]);
      if (!(sample?.x instanceof Tensor)) throw new TypeError(`DataLoader: dataset.get(${indices[i]}) must return { x: Tensor, y: number }`);
      if (i === 0) {
        shape = sample.x.shape;
        x = new Float32Array(size * sample.x.numel());
      } else if (formatShape(sample.x.shape) !== formatShape(shape)) {
        throw new Error(`DataLoader: sample ${indices[i]} has shape ${formatShape(sample.x.shape)} but sample ${indices[0]} has ${formatShape(shape)}; samples in a batch must match`);
      }
      x.set(sample.x.data, i * sample.x.numel());
      labels[i] = checkLabel(sample.y, indices[i]);
    }
    return { x: new Tensor(x, [size, ...shape]), y: new Tensor(labels, [size]) };
  }
}

/** PyTorch's DataLoader arguments in its positional order. */
const DATALOADER_ARGS = ['batchSize', 'shuffle', 'sampler', 'batchSampler', 'numWorkers', 'collateFn', 'pinMemory', 'dropLast'];

/** PyTorch's settings this single-process loader cannot honour: accepted only at their defaults. */
function refuseUnsupported(options: Record<string, unknown>): void {
  const defaults: [string, unknown, string][] = [
    ['sampler', null, 'use shuffle and seed, or a Subset for a fixed order'],
    ['batchSampler', null, 'use batchSize and dropLast'],
    ['numWorkers', 0, 'batches are made in this process'],
    ['collateFn', null, 'samples are stacked into { x, y }; use transform for the batch'],
    ['pinMemory', false, 'there is no device memory to pin'],
  ];
  for (const [key, value, hint] of defaults) {
    if (options[key] !== undefined && options[key] !== value) {
      throw new Error(`DataLoader: ${key} ${JSON.stringify(options[key]) ?? typeof options[key]} is not supported (only ${JSON.stringify(value)}): ${hint}`);
    }
  }
}

function checkLabel(label: number, index: number): number {
  if (!Number.isInteger(label) || label < -(2 ** 31) || label >= 2 ** 31) {
    throw new Error(`DataLoader: sample ${index} has label ${label}; labels must be int32 integers`);
  }
  return label;
}

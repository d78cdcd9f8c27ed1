import { Tensor, formatShape, numelOf, positionalOptions } from '@torchlet/core';
import { permutation, resolveGenerator, type SeedOptions } from './permutation.js';

/** One example: the input (any shape, no batch dimension) and its integer class label. */
export interface Sample {
  x: Tensor;
  y: number;
}

/**
 * A map-style dataset, like torch.utils.data.Dataset: `length` examples, fetched by index in [0, length).
 * `get` returns a fresh Tensor for one sample; a DataLoader prefers `getInto` when the dataset has it.
 */
export interface Dataset {
  readonly length: number;
  get(index: number): Sample;
}

/**
 * The DataLoader fast path: a dataset whose samples all have `sampleShape` and can be written straight into a
 * batch buffer, so a batch costs one allocation instead of one tensor per sample.
 */
export interface ContiguousDataset extends Dataset {
  readonly sampleShape: readonly number[];
  /** Writes sample `index` as float32 into `out` from `offset` (numel(sampleShape) values) and returns its label. */
  getInto(index: number, out: Float32Array, offset: number): number;
}

/** Whether a dataset's samples are rows of two tensors, so a DataLoader can copy batches directly. */
export function isContiguous(dataset: Dataset): dataset is ContiguousDataset {
  const d = dataset as Partial<ContiguousDataset>;
  return typeof d.getInto === 'function' && Array.isArray(d.sampleShape);
}

export function checkIndex(op: string, index: number, length: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${op}: index ${index} is out of range for a dataset of length ${length}`);
  }
}

/**
 * Samples `x[i]` with labels `y[i]`, like torch.utils.data.TensorDataset with (inputs, labels):
 * `x` is [N, ...sampleShape] of any dtype, `y` is int32 [N].
 */
export class TensorDataset implements ContiguousDataset {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly sampleShape: readonly number[];
  private readonly rowSize: number;

  constructor(x: Tensor, y: Tensor, ...extra: never[]) {
    if (!(x instanceof Tensor) || !(y instanceof Tensor)) throw new TypeError('TensorDataset: expected two tensors (x, y)');
    if (extra.length) throw new TypeError(`TensorDataset: takes two tensors (inputs x, int32 labels y), got ${2 + extra.length} arguments`);
    if (x.ndim < 1) throw new Error('TensorDataset: x must have a first (sample) dimension, got a scalar');
    if (y.dtype !== 'int32') throw new Error(`TensorDataset: labels y must be int32, got ${y.dtype}`);
    if (y.ndim !== 1 || y.shape[0] !== x.shape[0]) {
      throw new Error(`TensorDataset: labels y must have shape [${x.shape[0]}] to match x ${formatShape(x.shape)}, got ${formatShape(y.shape)}`);
    }
    this.x = x;
    this.y = y;
    this.sampleShape = Object.freeze(x.shape.slice(1));
    this.rowSize = numelOf(this.sampleShape);
  }

  get length(): number {
    return this.x.shape[0];
  }

  /** A copy of row `index` (Tensor storage has no offset views), in x's dtype. */
  get(index: number): Sample {
    checkIndex('TensorDataset.get', index, this.length);
    const start = index * this.rowSize;
    return { x: new Tensor(this.x.data.slice(start, start + this.rowSize), this.sampleShape), y: this.y.data[index] };
  }

  getInto(index: number, out: Float32Array, offset: number): number {
    checkIndex('TensorDataset.getInto', index, this.length);
    const start = index * this.rowSize;
    out.set(this.x.data.subarray(start, start + this.rowSize), offset);
    return this.y.data[index];
  }
}

/** A TensorDataset of images [N, C, H, W] in [0, 1] with the names of its classes (label i is `classes[i]`). */
export class ImageDataset extends TensorDataset {
  readonly classes: readonly string[];

  constructor(x: Tensor, y: Tensor, classes: readonly string[], ...extra: never[]) {
    super(x, y);
    if (extra.length) throw new TypeError(`ImageDataset: takes (x, y, classes), got ${3 + extra.length} arguments`);
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) throw new TypeError('ImageDataset: classes must be an array of strings');
    this.classes = Object.freeze([...classes]);
  }
}

/** The samples of `dataset` at `indices`, in that order, like torch.utils.data.Subset. */
export class Subset implements Dataset {
  readonly dataset: Dataset;
  readonly indices: Int32Array;

  constructor(dataset: Dataset, indices: ArrayLike<number>, ...extra: never[]) {
    if (typeof dataset?.get !== 'function') throw new TypeError('Subset: expected a dataset with get(index)');
    if (extra.length) throw new TypeError(`Subset: takes (dataset, indices), got ${2 + extra.length} arguments`);
    this.dataset = dataset;
    this.indices = Int32Array.from(indices);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      if (!Number.isInteger(j) || j < 0 || j >= dataset.length) {
        throw new RangeError(`Subset: index ${j} (position ${i}) is out of range for a dataset of length ${dataset.length}`);
      }
    }
  }

  get length(): number {
    return this.indices.length;
  }

  /** The inner dataset's sample shape when it has the DataLoader fast path; undefined otherwise (then use get). */
  get sampleShape(): readonly number[] | undefined {
    return isContiguous(this.dataset) ? this.dataset.sampleShape : undefined;
  }

  get(index: number): Sample {
    checkIndex('Subset.get', index, this.length);
    return this.dataset.get(this.indices[index]);
  }

  getInto(index: number, out: Float32Array, offset: number): number {
    checkIndex('Subset.getInto', index, this.length);
    if (!isContiguous(this.dataset)) throw new Error('Subset.getInto: the inner dataset has no getInto; use get');
    return this.dataset.getInto(this.indices[index], out, offset);
  }
}

/**
 * Splits `dataset` into non-overlapping random subsets, like torch.utils.data.random_split. `lengths` are either
 * counts summing to the dataset's length, or fractions summing to 1 (floored, the remainder handed out one by one
 * from the first subset on, as PyTorch does). The same seed gives the same split.
 */
export function randomSplit(dataset: Dataset, lengths: readonly number[], ...rest: [SeedOptions?]): Subset[] {
  const options = positionalOptions<SeedOptions>('randomSplit', rest, [], ['seed']);
  const n = dataset.length;
  if (!Array.isArray(lengths) || lengths.length === 0) throw new TypeError('randomSplit: expected a non-empty array of lengths or fractions');
  if (lengths.some((l) => typeof l !== 'number' || !Number.isFinite(l) || l < 0)) {
    throw new Error(`randomSplit: lengths must be non-negative numbers, got [${lengths.join(', ')}]`);
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  const isCounts = lengths.every(Number.isInteger) && total === n;
  const isFractions = lengths.every((l) => l <= 1) && Math.abs(total - 1) < 1e-9;
  if (!isCounts && !isFractions) {
    throw new Error(`randomSplit: lengths [${lengths.join(', ')}] must be integers summing to the dataset length ${n} or fractions summing to 1`);
  }
  const counts = isCounts ? [...lengths] : lengths.map((f) => Math.floor(f * n));
  let remainder = n - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % counts.length, remainder--) counts[i]++;
  const order = permutation(n, resolveGenerator(options.seed));
  const subsets: Subset[] = [];
  let start = 0;
  for (const count of counts) {
    subsets.push(new Subset(dataset, order.subarray(start, start + count)));
    start += count;
  }
  return subsets;
}

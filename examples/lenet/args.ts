import { parseArgs } from 'node:util';

export type ModelName = 'lenet5' | 'seedcnn';
export type DatasetName = 'mnist-sample' | 'mnist' | 'fashion-mnist' | 'cifar10';
export type OptimizerName = 'sgd' | 'adam';
export type ScheduleName = 'cosine' | 'none';

export interface Config {
  model: ModelName;
  dataset: DatasetName;
  dataDir: string | null;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  optimizer: OptimizerName;
  schedule: ScheduleName;
  augment: number;
  /** Random rotation up to this many degrees (0: off). */
  rotate: number;
  /** Random scaling by a factor in 1 - scale .. 1 + scale (0: off). */
  scale: number;
  labelSmoothing: number;
  weightDecay: number;
  /** The learning rate rises linearly over this many of the first epoch's batches (0: off). */
  warmup: number;
  /** Hold out this many training images as the evaluation set instead of the test set (for tuning), or null. */
  validation: number | null;
  seed: number;
  limit: number | null;
  out: string;
  /** Whether --out was given (a resumed run otherwise writes next to its checkpoint). */
  outGiven: boolean;
  resume: string | null;
}

/** The defaults that depend on the dataset; a flag overrides any of them. */
export interface Recipe {
  lr: number;
  warmup: number;
  augment: number;
  rotate: number;
  scale: number;
  labelSmoothing: number;
}

/**
 * The embedded sample's recipe was tuned on a validation split of its training images (README, "Choosing the
 * recipe"); the full datasets keep the recipe they were measured with. Fashion-MNIST's centred clothes get no
 * moves: LeNet-5 reached 89.90% with 2-pixel shifts and 90.66% without.
 */
export const RECIPES: Record<DatasetName, Recipe> = {
  'mnist-sample': { lr: 0.03, warmup: 125, augment: 2, rotate: 10, scale: 0.1, labelSmoothing: 0.1 },
  mnist: { lr: 0.01, warmup: 0, augment: 2, rotate: 0, scale: 0, labelSmoothing: 0 },
  'fashion-mnist': { lr: 0.01, warmup: 0, augment: 0, rotate: 0, scale: 0, labelSmoothing: 0 },
  cifar10: { lr: 0.01, warmup: 0, augment: 2, rotate: 0, scale: 0, labelSmoothing: 0 },
};

export const USAGE = `Usage: pnpm lenet [options]

Trains a LeNet on handwritten digits and writes a report into the run folder.

Options:
  --model lenet5|seedcnn          network (default lenet5: conv 6@5x5 pad 2, pool, conv 16@5x5, pool, 400-120-84-10;
                                  seedcnn: conv 32@3x3, pool, conv 64@3x3, pool, 1600-128-10)
  --dataset NAME                  mnist-sample (default, 8,000/2,000 embedded digits), mnist, fashion-mnist, cifar10
  --data-dir DIR                  folder with the dataset files (mnist, cifar10; fashion-mnist defaults to
                                  /usr/share/datasets/fashion-mnist from Debian's dataset-fashion-mnist)
  --epochs N                      default 10
  --batch-size N                  default 64
  --lr X                          learning rate, default 0.03 for mnist-sample, 0.01 for the others
  --warmup N                      raise the learning rate linearly over the first N batches of the first epoch
                                  (0: off; default 125, one epoch, for mnist-sample, 0 for the others)
  --momentum X                    SGD momentum, default 0.9
  --weight-decay X                L2 penalty added to the gradient, default 0
  --optimizer sgd|adam            default sgd
  --schedule cosine|none          learning rate: cosine annealing to 0 over the epochs (default), or constant
  --label-smoothing X             cross-entropy label smoothing, default 0.1 for mnist-sample, 0 for the others
  --augment N                     move each training image by a random -N..N pixels per axis (default 2, but 0 for
                                  fashion-mnist, whose centred clothes it only blurs; 0: no augmentation at all
                                  unless --rotate or --scale asks for it)
  --rotate DEG                    also rotate each training image by a random -DEG..DEG degrees (default 10 for
                                  mnist-sample, 0 for the others)
  --scale X                       also scale each training image by a random 1-X..1+X (default 0.1 for
                                  mnist-sample, 0 for the others); with --rotate or --scale the moves are not
                                  rounded to whole pixels
  --validation N                  hold out N training images (the same ones for every seed) and evaluate on them
                                  instead of the test set: for tuning a recipe without looking at the test images
  --seed N                        default 0
  --limit N                       use only the first N training digits (and N/4 test digits)
  --out DIR                       run folder, default runs/<timestamp>
  --resume CHECKPOINT             continue from a checkpoint.safetensors written by an earlier run (its model,
                                  data and hyperparameters; with --schedule none, --epochs may extend it;
                                  writes next to it unless --out)
  --help                          this text
`;

export class UsageError extends Error {}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n <= 0) throw new UsageError(`--${name} expects a positive integer, got '${v}'`);
  return n;
}

function nonNegativeNumber(name: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--${name} expects a non-negative number, got '${v}'`);
  return n;
}

function oneOf<T extends string>(name: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} expects one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

/** Parses argv; returns null for --help. Throws UsageError on unknown or malformed flags. */
export function parseConfig(argv: string[], now = new Date()): Config | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string', default: 'lenet5' },
        dataset: { type: 'string', default: 'mnist-sample' },
        'data-dir': { type: 'string' },
        epochs: { type: 'string', default: '10' },
        'batch-size': { type: 'string', default: '64' },
        lr: { type: 'string' },
        momentum: { type: 'string', default: '0.9' },
        optimizer: { type: 'string', default: 'sgd' },
        schedule: { type: 'string', default: 'cosine' },
        augment: { type: 'string' },
        rotate: { type: 'string' },
        scale: { type: 'string' },
        'label-smoothing': { type: 'string' },
        'weight-decay': { type: 'string', default: '0' },
        warmup: { type: 'string' },
        validation: { type: 'string' },
        seed: { type: 'string', default: '0' },
        limit: { type: 'string' },
        out: { type: 'string' },
        resume: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return null;
  const dataset = oneOf('dataset', values.dataset!, ['mnist-sample', 'mnist', 'fashion-mnist', 'cifar10'] as const);
  const recipe = RECIPES[dataset];
  const augment = values.augment ?? String(recipe.augment);
  const stamp = now.toISOString().replace(/[:.]/g, '-').replace('T', '_').slice(0, 19);
  const seed = Number(values.seed);
  if (!/^-?\d+$/.test(values.seed!)) throw new UsageError(`--seed expects an integer, got '${values.seed}'`);
  const lr = values.lr === undefined ? recipe.lr : nonNegativeNumber('lr', values.lr);
  // --augment 0 switches the recipe's rotations and scaling off too, unless they are asked for.
  const rotate = values.rotate !== undefined ? nonNegativeNumber('rotate', values.rotate) : augment === '0' ? 0 : recipe.rotate;
  const scale = values.scale !== undefined ? nonNegativeNumber('scale', values.scale) : augment === '0' ? 0 : recipe.scale;
  if (scale >= 1) throw new UsageError(`--scale expects a number below 1, got '${values.scale}'`);
  const labelSmoothing = values['label-smoothing'] === undefined ? recipe.labelSmoothing : nonNegativeNumber('label-smoothing', values['label-smoothing']);
  if (labelSmoothing >= 1) throw new UsageError(`--label-smoothing expects a number below 1, got '${values['label-smoothing']}'`);
  if (lr === 0) throw new UsageError('--lr must be positive');
  return {
    model: oneOf('model', values.model!, ['lenet5', 'seedcnn'] as const),
    dataset,
    dataDir: values['data-dir'] ?? null,
    epochs: positiveInt('epochs', values.epochs!),
    batchSize: positiveInt('batch-size', values['batch-size']!),
    lr,
    momentum: nonNegativeNumber('momentum', values.momentum!),
    optimizer: oneOf('optimizer', values.optimizer!, ['sgd', 'adam'] as const),
    schedule: oneOf('schedule', values.schedule!, ['cosine', 'none'] as const),
    augment: augment === '0' ? 0 : positiveInt('augment', augment),
    rotate,
    scale,
    labelSmoothing,
    weightDecay: nonNegativeNumber('weight-decay', values['weight-decay']!),
    warmup: values.warmup === undefined ? recipe.warmup : values.warmup === '0' ? 0 : positiveInt('warmup', values.warmup),
    validation: values.validation === undefined ? null : positiveInt('validation', values.validation),
    seed,
    limit: values.limit === undefined ? null : positiveInt('limit', values.limit),
    out: values.out ?? `runs/${stamp}`,
    outGiven: values.out !== undefined,
    resume: values.resume ?? null,
  };
}

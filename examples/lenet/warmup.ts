import type { Optimizer } from '@torchlet/optim';

export interface Warmup {
  /** Sets every group's learning rate for the batch with this index (0-based) of the first epoch. */
  beforeStep: (batch: number) => void;
  /** Puts the learning rates back as they were, before the epoch's schedule step. */
  restore: () => void;
}

/**
 * A linear warmup inside the first epoch: batch i steps with min(1, (i + 1) / batches) of each group's learning
 * rate, and the schedule itself never sees the ramp. Large early steps from a random start can leave a network
 * behind for good (seed 2 at lr 0.03 without it).
 */
export function linearWarmup(optimizer: Optimizer, batches: number): Warmup {
  if (!(Number.isInteger(batches) && batches > 0)) throw new Error(`linearWarmup: batches must be a positive integer, got ${batches}`);
  const lrs = optimizer.paramGroups.map((g) => g.lr);
  return {
    beforeStep: (batch) => optimizer.paramGroups.forEach((g, k) => (g.lr = lrs[k] * Math.min(1, (batch + 1) / batches))),
    restore: () => optimizer.paramGroups.forEach((g, k) => (g.lr = lrs[k])),
  };
}

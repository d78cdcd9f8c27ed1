import { Generator } from '@torchlet/core';
import type { Split } from './split.js';
import { permutation } from './permutation.js';

// The first-names data on text, for every platform; first-names-files.ts reads the npm packages' files in Node.

export interface FirstNamesOptions {
  /** 'train' (90%) or 'test' (10%, the validation set of a language model); default 'train'. */
  split?: Split;
}

const TEST_FRACTION = 0.1;
/** The split is fixed (not drawn from manualSeed) so every run and every model sees the same validation names. */
const SPLIT_SEED = 'first-names-v1';

/** Every name of the given lists (one name a line), lowercased, each once, sorted. */
export function parseFirstNames(lists: readonly string[]): string[] {
  const names = new Set<string>();
  for (const text of lists) {
    for (const line of text.split('\n')) {
      const name = line.trim().toLowerCase();
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/** One side of the fixed 90/10 split of `names` (as parseFirstNames returns them), in a fixed shuffled order. */
export function splitFirstNames(names: readonly string[], options: FirstNamesOptions = {}): string[] {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new Error(`firstNames: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const order = permutation(names.length, new Generator(SPLIT_SEED));
  const nTest = Math.round(names.length * TEST_FRACTION);
  const picked = split === 'test' ? order.subarray(0, nTest) : order.subarray(nTest);
  return Array.from(picked, (i) => names[i]);
}

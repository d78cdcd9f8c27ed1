import { Generator, positionalOptions } from '@torchlet/core';
import type { Split } from './split.js';
import { permutation } from './permutation.js';

// The first-names data on text, for every platform; first-names-files.ts reads the npm packages' files in Node.

/** Options of firstNames: which split of the names to give. */
export interface FirstNamesOptions {
  /** 'train' (90%) or 'test' (10%, the validation set of a language model); default 'train'. */
  split?: Split;
}

const TEST_FRACTION = 0.1;
/** The split is fixed (not drawn from manualSeed) so every run and every model sees the same validation names. */
const SPLIT_SEED = 'first-names-v1';

/** Every name of the given lists (one name a line), lowercased, each once, sorted. */
export function parseFirstNames(lists: readonly string[], ...none: []): string[] {
  if (none.length) throw new TypeError(`parseFirstNames: takes one array of lists, got ${1 + (none as unknown[]).length} arguments`);
  if (!Array.isArray(lists) || !lists.every((t) => typeof t === 'string')) throw new TypeError('parseFirstNames: expected an array of strings (one name a line)');
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
export function splitFirstNames(names: readonly string[], ...args: [FirstNamesOptions?]): string[] {
  const options = positionalOptions<FirstNamesOptions>('splitFirstNames', args, [], ['split']);
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new Error(`firstNames: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  const order = permutation(names.length, new Generator(SPLIT_SEED));
  const nTest = Math.round(names.length * TEST_FRACTION);
  const picked = split === 'test' ? order.subarray(0, nTest) : order.subarray(nTest);
  return Array.from(picked, (i) => names[i]);
}

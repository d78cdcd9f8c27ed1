import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Split = 'train' | 'test';

export function checkSplit(op: string, split: unknown): Split {
  if (split !== 'train' && split !== 'test') throw new Error(`${op}: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  return split;
}

/** Checks that `dir` is a folder; `hint` says where to get the data. */
export function checkFolder(op: string, dir: unknown, hint: string): string {
  if (typeof dir !== 'string' || dir === '') throw new TypeError(`${op}: expected options.dir, the folder holding the data files (${hint})`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${op}: folder ${dir} does not exist; ${hint}`);
  return dir;
}

/** The first of `names` present in `dir`, each tried with every suffix (by default as given, then with `.gz`). */
export function findFile(op: string, dir: string, names: readonly string[], hint: string, suffixes = ['', '.gz']): string {
  for (const name of names) {
    for (const candidate of suffixes.map((s) => name + s)) {
      const path = join(dir, candidate);
      if (existsSync(path)) return path;
    }
  }
  const alternatives = suffixes.includes('.gz') ? ` (or ${names[0]}.gz)` : '';
  throw new Error(`${op}: ${dir} has no ${names[0]}${alternatives}; ${hint}`);
}

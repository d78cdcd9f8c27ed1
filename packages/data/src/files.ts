import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Finding data files in folders, for the path readers of the Node entry (node.ts).

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

/** The bytes of the file at `path`; an unreadable file is an error naming `op` and the path. */
export function readBytes(op: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${op}: cannot read ${path}: ${(err as Error).message}`);
  }
}

import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { readBytes } from './files.js';
import { encodeIdx, parseIdxAs, type IdxArray } from './idx.js';

// IDX files by path, in Node (node.ts); parseIdx and encodeIdx (idx.ts) work on bytes.

/** Reads an IDX file, raw or gzip-compressed (recognised by its first bytes, whatever the file is called). */
export function readIdx(path: string): IdxArray {
  return parseIdxAs('readIdx', readBytes('readIdx', path), path);
}

/** Writes an IDX file, gzip-compressed when `gzip` is set. */
export function writeIdx(path: string, array: IdxArray, options: { gzip?: boolean } = {}): void {
  const bytes = encodeIdx(array);
  writeFileSync(path, options.gzip ? gzipSync(bytes) : bytes);
}

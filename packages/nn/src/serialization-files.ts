import type { Tensor } from '@torchlet/core';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe } from './parameter.js';
import { deserializeWithMetadata, serialize, type Metadata } from './serialization.js';

// save and load: safetensors files by path, in Node (the package's "node" entry, node.ts). The bytes are serialization.ts's.

/**
 * Writes a state dict as a safetensors file, atomically: the bytes go to a temporary file in the same folder,
 * which is flushed to disk and then renamed over `path`, so a crash leaves either the old file or the new one.
 */
export function save(stateDict: Record<string, Tensor>, path: string, options: { metadata?: Metadata } = {}): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`save: expected a file path, got ${describe(path)}`);
  const bytes = serialize(stateDict, options);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    rmSync(temp, { force: true });
    throw new Error(`save: could not write ${path}: ${(e as Error).message}`);
  }
  syncFolder(dirname(path));
}

/** Makes the rename itself durable; not possible on every platform, where it is skipped. */
function syncFolder(folder: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open or fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Reads a safetensors file written by `save` (or by Python's safetensors), validating it before use. */
export function load(path: string): Record<string, Tensor> {
  return loadWithMetadata(path).tensors;
}

/** Reads a safetensors file's tensors and its metadata, as `load` does the tensors. */
export function loadWithMetadata(path: string): { tensors: Record<string, Tensor>; metadata: Metadata } {
  if (typeof path !== 'string' || path === '') throw new TypeError(`load: expected a file path, got ${describe(path)}`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`load: could not read ${path}: ${(e as Error).message}`);
  }
  return deserializeWithMetadata(bytes, { source: path });
}

import type { Tensor } from '@torchlet/core';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
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
  writeFileAtomic('save', path, bytes);
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

import type { Tensor } from '@torchlet/core';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-write.js';
import { describe } from './parameter.js';
import { deserializeAs, serializeAs, type Metadata, type SerializeOptions } from './serialization.js';

// save and load: safetensors files by path, in Node (the package's "node" entry, node.ts). The bytes are serialization.ts's.

/**
 * Writes a state dict as a safetensors file, atomically: the bytes go to a temporary file in the same folder,
 * which is flushed to disk and then renamed over `path`, so a crash leaves either the old file or the new one.
 */
export function save(stateDict: Record<string, Tensor>, path: string, options?: SerializeOptions, ...extra: never[]): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`save: expected a file path, got ${describe(path)}`);
  const bytes = serializeAs('save', stateDict, [options, ...extra]);
  writeFileAtomic('save', path, bytes);
}

/**
 * Reads a safetensors file written by `save` (or by Python's safetensors), validating it before use. It takes no
 * options: torch.load's map_location and the like have nothing to do here (tensors live on the CPU), and are refused.
 */
export function load(path: string, ...extra: never[]): Record<string, Tensor> {
  return loadAs('load', path, extra).tensors;
}

/** Reads a safetensors file's tensors and its metadata, as `load` does the tensors. */
export function loadWithMetadata(path: string, ...extra: never[]): { tensors: Record<string, Tensor>; metadata: Metadata } {
  return loadAs('loadWithMetadata', path, extra);
}

function loadAs(op: string, path: string, extra: readonly unknown[]): { tensors: Record<string, Tensor>; metadata: Metadata } {
  if (extra.length > 0) {
    throw new TypeError(`${op}: takes only a file path, got ${extra.length} more argument${extra.length > 1 ? 's' : ''} (torch.load's map_location and the like are not needed: tensors live on the CPU)`);
  }
  if (typeof path !== 'string' || path === '') throw new TypeError(`${op}: expected a file path, got ${describe(path)}`);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`load: could not read ${path}: ${(e as Error).message}`);
  }
  return deserializeAs(op, bytes, [{ source: path }]);
}

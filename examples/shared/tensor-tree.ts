import { Tensor } from '@torchlet/core';

// A nested value with tensors in it (an optimizer's state dict) split into a JSON skeleton, which goes into a
// checkpoint's metadata, and the tensors, which go into the file by path; and joined back. Shared by the LeNet and
// charlm examples' checkpoints.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const TENSOR_REF = '__tensor__';

/** Replaces each tensor in a nested value by a reference named by its path, collecting the tensors. */
export function splitTensors(value: unknown, path: string, tensors: Record<string, Tensor>): Json {
  if (value instanceof Tensor) {
    tensors[path] = value;
    return { [TENSOR_REF]: path };
  }
  if (Array.isArray(value)) return value.map((v, i) => splitTensors(v, `${path}.${i}`, tensors));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, splitTensors(v, `${path}.${k}`, tensors)]));
  }
  return value as Json;
}

/** The inverse of splitTensors: each reference replaced by its tensor, which must be in `tensors`. */
export function joinTensors(value: Json, tensors: Record<string, Tensor>): unknown {
  if (Array.isArray(value)) return value.map((v) => joinTensors(v, tensors));
  if (value !== null && typeof value === 'object') {
    const ref = value[TENSOR_REF];
    if (typeof ref === 'string') {
      if (!tensors[ref]) throw new Error(`checkpoint: optimizer tensor ${ref} is missing from the file`);
      return tensors[ref];
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, joinTensors(v, tensors)]));
  }
  return value;
}

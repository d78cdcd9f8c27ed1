import type { Tensor } from '@torchlet/core';
import type { Module } from '../module.js';
import { writeFileAtomic } from '../atomic-write.js';
import { toOnnx, type OnnxExportOptions } from './export.js';

/**
 * Node only: exports the model as toOnnx does and writes the .onnx file atomically (a temporary file in the same
 * folder, flushed, then renamed over `path`). The whole graph is built before anything is written, so a model that
 * cannot be exported leaves no file behind, and a failed write leaves the old file, if any, untouched.
 */
export function exportOnnx(model: Module, exampleInput: Tensor | readonly Tensor[], path: string, options: OnnxExportOptions = {}): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`exportOnnx: expected a file path, got ${typeof path}`);
  const bytes = toOnnx(model, exampleInput, options);
  writeFileAtomic('exportOnnx', path, bytes);
}

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Tensor } from '@torchlet/core';
import type { Module } from '../module.js';
import { toOnnx, type OnnxExportOptions } from './export.js';

/**
 * Node only: exports the model as toOnnx does and writes the .onnx file atomically (a temporary file in the same
 * folder, flushed, then renamed over `path`). The whole graph is built before anything is written, so a model that
 * cannot be exported leaves no file behind, and a failed write leaves the old file, if any, untouched.
 */
export function exportOnnx(model: Module, exampleInput: Tensor | readonly Tensor[], path: string, options: OnnxExportOptions = {}): void {
  if (typeof path !== 'string' || path === '') throw new TypeError(`exportOnnx: expected a file path, got ${typeof path}`);
  const bytes = toOnnx(model, exampleInput, options);
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
    throw new Error(`exportOnnx: could not write ${path}: ${(e as Error).message}`);
  }
}

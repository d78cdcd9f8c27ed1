// Shared by the ONNX tests: runs exported bytes in ONNX Runtime (onnxruntime-node's CPU build) and compares the
// result with torchlet's own forward pass.
import * as ort from 'onnxruntime-node';
import { Tensor, noGrad } from '@torchlet/core';
import type { Module } from '../src/index.js';

/** Runs the model in ONNX Runtime on the given inputs (keyed by graph input name); returns every output by name. */
export async function runOnnx(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const session = await ort.InferenceSession.create(bytes);
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape]);
  const results = await session.run(ortFeeds);
  const out: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [name, value] of Object.entries(results)) out[name] = { data: value.data as Float32Array, dims: value.dims };
  await session.release();
  return out;
}

/** Largest |a - b| over two same-length arrays; Infinity when their lengths differ or a value is NaN. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= worst)) worst = d;
  }
  return worst;
}

/** torchlet's eval-mode output for one input (the model's training flag is left as it was). */
export function torchletOutput(model: Module, x: Tensor): Tensor {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => model.forward(x) as Tensor);
  } finally {
    model.train(wasTraining);
  }
}

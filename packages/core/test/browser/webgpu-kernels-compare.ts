// What the webgpu-kernels-*.browser.ts files share: a device upload of CPU tensors, seeded inputs, and `agree`, which
// compares a WGSL kernel's result with the CPU entry's within a stated float32 tolerance and keeps the largest
// difference per kernel for the test's "report:" line.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { type DeviceTensor, type WebGPUContext, initWebGPU, upload } from '@torchlet/core/webgpu';
import { test } from '../../../../scripts/browser/harness.js';

type Tensor = core.Tensor;

/** A tolerance atol + rtol·|cpu|; exact is { atol: 0, rtol: 0 }. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

export const exact: Tolerance = { atol: 0, rtol: 0 };

let context: WebGPUContext | null = null;

/** The page's WebGPU context (requested once). */
export async function gpuContext(): Promise<WebGPUContext> {
  context ??= await initWebGPU();
  return context;
}

/** A device copy of a CPU tensor (float32 or int32). */
export function on(t: Tensor): DeviceTensor {
  if (context === null) throw new Error('on: call gpuContext() first');
  return upload(context, t.data as Float32Array | Int32Array, t.shape);
}

/** Seeded standard normal values of `shape`, times `scale`. */
export function randn(shape: number[], scale = 1): Tensor {
  return core.mul(core.randn(shape), scale);
}

/** An int32 tensor of `shape` with seeded values in [low, high). */
export function randint(low: number, high: number, shape: number[]): Tensor {
  return core.randint(low, high, shape);
}

/** An int32 tensor of `shape` holding `values`. */
export function ints(values: number[], shape: number[]): Tensor {
  return core.tensor(Int32Array.from(values)).reshape(shape);
}

const worstOfTest = new Map<string, { worst: number } & Tolerance>();

/** A test whose comparisons are summed up in one "report:" line of `file`: the largest difference per kernel, with its tolerance. */
export function kernelTest(file: string, name: string, fn: () => Promise<void>): void {
  test(name, async () => {
    worstOfTest.clear();
    await gpuContext();
    await fn();
    const parts = [...worstOfTest].map(([kernel, { worst, atol, rtol }]) => `${kernel} ${worst.toExponential(1)} (atol ${atol}, rtol ${rtol})`);
    console.log(`report: ${file} max |gpu - cpu|: ${parts.join(', ')}`);
  });
}

/**
 * Asserts that the device result has the CPU result's shape and values (NaN matching NaN) within atol + rtol·|cpu|,
 * records the largest difference under the kernel's name (the label's first word), and releases the device result.
 */
export async function agree(label: string, actual: DeviceTensor, expected: Tensor, tolerance: Tolerance): Promise<void> {
  assert.equal([...actual.shape], [...expected.shape], `${label}: shape`);
  assert.is(actual.dtype, expected.dtype, `${label}: dtype`);
  const values = await actual.read();
  let worst = 0;
  for (let i = 0; i < values.length; i++) {
    const [a, e] = [values[i], expected.data[i]];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    worst = Math.max(worst, Number.isNaN(a - e) ? Infinity : Math.abs(a - e));
  }
  try {
    core.assertClose(values, expected.data, tolerance);
  } catch (err) {
    throw new Error(`${label}: ${(err as Error).message}`);
  }
  const kernel = label.split(/[ (,]/)[0];
  const seen = worstOfTest.get(kernel);
  if (seen === undefined || worst > seen.worst) worstOfTest.set(kernel, { worst, ...tolerance });
  actual.release();
}

/** Asserts that fn throws (or its promise rejects) with a message matching `pattern`. */
export async function rejects(fn: () => unknown, pattern: RegExp): Promise<void> {
  try {
    await fn();
  } catch (err) {
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

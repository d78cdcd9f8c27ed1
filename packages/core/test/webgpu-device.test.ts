import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { initWebGPU, upload } from '@torchlet/core/webgpu';
import type { GPUAdapterLike, GPUBufferLike, GPUDeviceLike } from '../src/kernels/webgpu/gpu-api.js';

// The WebGPU device layer's bookkeeping in Node, on a recording stand-in for a GPUDevice (the kernels themselves
// run on a real adapter in test/browser/webgpu.browser.ts): the errors without WebGPU, the pool's size classes,
// and that a buffer released while recorded kernels may read it is not handed out again before the submit.

interface Recorded {
  created: number[];
  submits: number;
  writes: GPUBufferLike[];
}

function fakeDevice(): { device: GPUDeviceLike; log: Recorded } {
  const log: Recorded = { created: [], submits: 0, writes: [] };
  const pass = { setPipeline() {}, setBindGroup() {}, dispatchWorkgroups() {}, end() {} };
  const device: GPUDeviceLike = {
    limits: { maxComputeWorkgroupsPerDimension: 65535, maxStorageBufferBindingSize: 1 << 30 },
    queue: { submit: () => void log.submits++, writeBuffer: (buffer) => void log.writes.push(buffer), onSubmittedWorkDone: async () => undefined },
    lost: new Promise(() => undefined),
    createBuffer({ size, usage }) {
      log.created.push(size);
      return { size, usage, mapAsync: async () => undefined, getMappedRange: () => new ArrayBuffer(size), unmap() {}, destroy() {} };
    },
    createShaderModule: () => ({}),
    createComputePipeline: () => ({ getBindGroupLayout: () => ({}) }),
    createBindGroup: () => ({}),
    createCommandEncoder: () => ({ beginComputePass: () => pass, copyBufferToBuffer() {}, finish: () => ({}) }),
    pushErrorScope() {},
    popErrorScope: async () => null,
    destroy() {},
  };
  return { device, log };
}

function fakeGpu() {
  const made = fakeDevice();
  const adapter: GPUAdapterLike = {
    limits: { maxComputeInvocationsPerWorkgroup: 256, maxStorageBufferBindingSize: 1 << 30, maxBufferSize: 1 << 30 },
    requestDevice: async () => made.device,
  };
  return { gpu: { requestAdapter: async () => adapter }, log: made.log };
}

test('without WebGPU (Node has no navigator.gpu) initWebGPU rejects and says what the browser needs', async () => {
  const message = await initWebGPU().then(() => 'resolved', (err: unknown) => String(err));
  assert.match(message, /^Error: initWebGPU: WebGPU is not available in this browser: navigator.gpu is missing \(Chrome >= 113, or headless Chromium with --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader/);
  const noAdapter = await initWebGPU({ gpu: { requestAdapter: async () => null } }).then(() => 'resolved', (err: unknown) => String(err));
  assert.match(noAdapter, /WebGPU is present but gave no adapter/);
});

test('the pool allocates by size class and reuses released buffers; memory() counts them', async () => {
  const { gpu, log } = fakeGpu();
  const context = await initWebGPU({ gpu });
  const a = upload(context, new Float32Array(5), [5]); // 20 bytes: the 32-byte class
  const b = upload(context, new Float32Array(3), [3]); // 12 bytes: the 16-byte class
  assert.equal(log.created, [32, 16]);
  assert.equal(context.memory(), { buffers: 2, bytes: 48, inUse: 2, inUseBytes: 48, pooled: 0, pooledBytes: 0, collected: 0 });
  a.release();
  assert.equal(context.memory(), { buffers: 2, bytes: 48, inUse: 1, inUseBytes: 16, pooled: 1, pooledBytes: 32, collected: 0 });
  const c = upload(context, new Float32Array(8), [8]); // 32 bytes: a's buffer again
  assert.is(c.buffer, a.buffer);
  assert.equal(log.created, [32, 16]);
  assert.equal(context.memory(), { buffers: 2, bytes: 48, inUse: 2, inUseBytes: 48, pooled: 0, pooledBytes: 0, collected: 0 });
  b.release();
  c.release();
  assert.equal(context.memory(), { buffers: 2, bytes: 48, inUse: 0, inUseBytes: 0, pooled: 2, pooledBytes: 48, collected: 0 });
  assert.throws(() => upload(context, new Float64Array(2), [2]), /WGSL has no float64/);
  assert.throws(() => upload(context, new Float32Array(2), [3]), /upload: shape \[3\] has 3 elements, the data 2/);
});

test('a buffer released while recorded kernels may read it waits for the submit; kernels batch into one submit per read', async () => {
  const { gpu, log } = fakeGpu();
  const context = await initWebGPU({ gpu });
  const x = upload(context, new Float32Array(4), [4]);
  const { relu } = (await import('@torchlet/core/webgpu')).webgpuKernels;
  const y = relu(x);
  const z = relu(y);
  x.release(); // a relu recorded above still reads x
  const fresh = upload(context, new Float32Array(4), [4]);
  assert.is.not(fresh.buffer, x.buffer, 'an upload is written before the recorded kernels run, so it may not take x');
  assert.is(log.submits, 0);
  await z.read();
  assert.is(log.submits, 1, 'two kernels and a copy in one submit');
  const after = upload(context, new Float32Array(4), [4]);
  assert.is(after.buffer, x.buffer, 'after the submit x comes back from the pool');
});

test.run();

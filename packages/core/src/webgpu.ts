/**
 * @torchlet/core/webgpu: the 'webgpu' device. `await initWebGPU()` requests the adapter and makes 'webgpu' a Tensor
 * device (`t.to('webgpu')`, `model.to('webgpu')`); the backend table then routes ops on device tensors to the WGSL
 * kernels. The kernels and device tensors are exported too, for tests and for code that drives them directly.
 * A separate entry, so the main entry's bundle does not carry them.
 */
import { type InitWebGPUOptions, type WebGPUContext, type WebGPUMemory, initWebGPU as requestWebGPU } from './kernels/webgpu/device.js';
import { useWebGPU } from './kernels/webgpu/tensor-device.js';
import { rejectExtraArguments } from './options.js';

export { type InitWebGPUOptions, type WebGPUContext, type WebGPUMemory } from './kernels/webgpu/device.js';
export { type DeviceArray, type DeviceDType, DeviceTensor, upload } from './kernels/webgpu/storage.js';
export { useWebGPU } from './kernels/webgpu/tensor-device.js';
export { tidy } from './kernels/webgpu/tidy.js';
/** The WGSL kernels, one per backend-table entry they mirror (same arguments, device tensors for Tensors). */
export * as webgpuKernels from './kernels/webgpu/kernels.js';

/**
 * Requests a WebGPU adapter and device (once per page) and makes 'webgpu' a Tensor device on it. Where the browser
 * has no WebGPU or no adapter, it rejects with an error saying so and what the browser needs; the CPU keeps working.
 */
export function initWebGPU(options: InitWebGPUOptions = {}): Promise<WebGPUContext> {
  // not async: a bad option throws at the call, as the phase-1 initWebGPU does
  return requestWebGPU(options).then((context) => {
    useWebGPU(context);
    active = context;
    return context;
  });
}

let active: WebGPUContext | null = null;

/**
 * The 'webgpu' device's buffers: allocated, in use and pooled (count and bytes), and how many the garbage collector
 * returned (see WebGPUMemory). Buffers freed by dispose(), tidy(), backward or the collector go to the pool for reuse.
 */
export function memory(...extra: unknown[]): WebGPUMemory {
  rejectExtraArguments('memory', 0, extra.length);
  if (active === null) throw new Error("memory: the 'webgpu' device is not initialized: call `await initWebGPU()` first");
  return active.memory();
}

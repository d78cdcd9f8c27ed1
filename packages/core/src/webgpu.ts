/**
 * @torchlet/core/webgpu: the 'webgpu' device. `await initWebGPU()` requests the adapter and makes 'webgpu' a Tensor
 * device (`t.to('webgpu')`, `model.to('webgpu')`); the backend table then routes ops on device tensors to the WGSL
 * kernels. The kernels and device tensors are exported too, for tests and for code that drives them directly.
 * A separate entry, so the main entry's bundle does not carry them.
 */
import { type InitWebGPUOptions, type WebGPUContext, initWebGPU as requestWebGPU } from './kernels/webgpu/device.js';
import { useWebGPU } from './kernels/webgpu/tensor-device.js';

export { type InitWebGPUOptions, type WebGPUContext, type WebGPUMemory } from './kernels/webgpu/device.js';
export { type DeviceArray, type DeviceDType, DeviceTensor, upload } from './kernels/webgpu/storage.js';
export { useWebGPU } from './kernels/webgpu/tensor-device.js';
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
    return context;
  });
}

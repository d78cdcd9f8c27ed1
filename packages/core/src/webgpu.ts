/**
 * @torchlet/core/webgpu: WebGPU kernels in progress (issue 17, phase 1). A device context (initWebGPU), device tensors
 * (upload, DeviceTensor.read) and WGSL kernels with the signatures of the backend table's entries, taking and
 * returning device tensors. Tensor does not route to them yet (phase 2): they are tested against the CPU backend.
 * A separate entry, so the main entry's bundle does not carry them.
 */
export { type InitWebGPUOptions, type WebGPUContext, type WebGPUMemory, initWebGPU } from './kernels/webgpu/device.js';
export { type DeviceArray, type DeviceDType, DeviceTensor, upload } from './kernels/webgpu/storage.js';
/** The WGSL kernels, one per backend-table entry they mirror (same arguments, device tensors for Tensors). */
export * as webgpuKernels from './kernels/webgpu/kernels.js';

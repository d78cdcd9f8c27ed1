// Through the main entry, not '../backend.js': the published webgpu.js bundle must share index.js's Tensor and table.
import { type kernels as Kernels, kernels } from '@torchlet/core';
import type { WebGPUContext } from './device.js';
import * as webgpuKernels from './kernels.js';
import { DeviceTensor, deviceDType, upload } from './storage.js';

/**
 * Makes 'webgpu' a Tensor device on `context`: `t.to('webgpu')` uploads there, and the backend table routes entries
 * whose tensors live there to the WebGPU kernels (initWebGPU calls it).
 */
export function useWebGPU(context: WebGPUContext): void {
  kernels.registerDevice({
    device: 'webgpu',
    kernels: webgpuKernels as Kernels.DeviceKernels,
    upload(op, data, shape, dtype) {
      deviceDType(op, dtype);
      return upload(context, data as Float32Array | Int32Array | Uint8Array, shape);
    },
    isStorage: (value): value is DeviceTensor => value instanceof DeviceTensor,
    context,
  });
}

/*
 * The part of the WebGPU API these kernels use, typed here because TypeScript's lib.dom has no WebGPU types and the
 * project adds no dependency for them (@webgpu/types describes the same interfaces in full).
 */

/** GPUBufferUsage's flags (the values of the WebGPU specification). */
export const BufferUsage = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080 } as const;
/** GPUMapMode.READ. */
export const MAP_MODE_READ = 0x0001;

/** A GPUBuffer. */
export interface GPUBufferLike {
  readonly size: number;
  readonly usage: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

/** A GPUComputePipeline. */
export interface GPUComputePipelineLike {
  getBindGroupLayout(index: number): unknown;
}

/** A GPUComputePassEncoder. */
export interface GPUComputePassLike {
  setPipeline(pipeline: GPUComputePipelineLike): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

/** A GPUCommandEncoder. */
export interface GPUCommandEncoderLike {
  beginComputePass(): GPUComputePassLike;
  copyBufferToBuffer(src: GPUBufferLike, srcOffset: number, dst: GPUBufferLike, dstOffset: number, size: number): void;
  finish(): unknown;
}

/** A GPUDevice. */
export interface GPUDeviceLike {
  readonly limits: { readonly maxComputeWorkgroupsPerDimension: number; readonly maxStorageBufferBindingSize: number };
  readonly queue: {
    submit(buffers: unknown[]): void;
    writeBuffer(buffer: GPUBufferLike, offset: number, data: ArrayBufferView): void;
    onSubmittedWorkDone(): Promise<void>;
  };
  readonly lost: Promise<{ message: string }>;
  createBuffer(descriptor: { size: number; usage: number }): GPUBufferLike;
  createShaderModule(descriptor: { code: string }): unknown;
  createComputePipeline(descriptor: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): GPUComputePipelineLike;
  createBindGroup(descriptor: { layout: unknown; entries: { binding: number; resource: { buffer: GPUBufferLike } }[] }): unknown;
  createCommandEncoder(): GPUCommandEncoderLike;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}

/** A GPUAdapter. */
export interface GPUAdapterLike {
  /** What the adapter is (Chrome 114+); SwiftShader says architecture 'swiftshader' and isFallbackAdapter true. */
  readonly info?: { readonly architecture?: string; readonly isFallbackAdapter?: boolean };
  readonly limits: { readonly maxComputeInvocationsPerWorkgroup: number; readonly maxStorageBufferBindingSize: number; readonly maxBufferSize: number };
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<GPUDeviceLike>;
}

/** navigator.gpu. */
export interface GPULike {
  requestAdapter(options?: { powerPreference?: 'low-power' | 'high-performance' }): Promise<GPUAdapterLike | null>;
}

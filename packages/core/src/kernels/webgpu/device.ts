import { checkOptionKeys } from '../../options.js';
import {
  BufferUsage, type GPUAdapterLike, type GPUBufferLike, type GPUCommandEncoderLike, type GPUComputePassLike, type GPUComputePipelineLike,
  type GPUDeviceLike, type GPULike, MAP_MODE_READ,
} from './gpu-api.js';

/*
 * The WebGPU device layer: one adapter and device, a pool of buffers reused by size class, a cache of compiled
 * pipelines, and one command encoder that kernels record into until a read (or flush()) submits it, so a training
 * step is a handful of submits rather than one per kernel.
 */

/** Threads per workgroup of the one-thread-per-element kernels. */
export const WORKGROUP_SIZE = 64;
/** Recorded dispatches after which the encoder is submitted without waiting for a read, so released buffers come back. */
const FLUSH_EVERY = 64;
const STORAGE_USAGE = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
const STAGING_USAGE = BufferUsage.MAP_READ | BufferUsage.COPY_DST;

/**
 * What `memory()` reports about the device's buffers: every buffer allocated is either in use (held by a device
 * tensor, a kernel's parameters or temporaries, a readback) or pooled (free, waiting to be reused for a request of its
 * size class); the pool never gives buffers back to the device.
 */
export interface WebGPUMemory {
  /** Buffers allocated on the device, in use or pooled. */
  buffers: number;
  /** Their bytes (each buffer is its size class: a power of two from 16 bytes). */
  bytes: number;
  /** Of them, buffers in use now. */
  inUse: number;
  /** The bytes of the buffers in use. */
  inUseBytes: number;
  /** Buffers in the pool (released, including those waiting for the submit of commands that still read them). */
  pooled: number;
  /** Their bytes. */
  pooledBytes: number;
  /** Buffers the garbage collector returned so far: their tensors were collected without dispose() or tidy(). */
  collected: number;
}

/** Options of initWebGPU. */
export interface InitWebGPUOptions {
  /** The WebGPU entry point; default `navigator.gpu`. Passing `null` is what a browser without WebGPU looks like. */
  gpu?: GPULike | null;
  /** The adapter asked for; default 'high-performance'. */
  powerPreference?: 'low-power' | 'high-performance';
}

/** The smallest size class (a power of two, >= 16 bytes) that holds `bytes`. */
function sizeClass(bytes: number): number {
  let size = 16;
  while (size < bytes) size *= 2;
  return size;
}

/** A WebGPU device with its buffer pool, pipeline cache and batched command encoder. Made by initWebGPU(). */
export class WebGPUContext {
  private readonly free = new Map<number, GPUBufferLike[]>();
  private readonly freeStaging = new Map<number, GPUBufferLike[]>();
  /** Released while commands that may still read them were recorded but not submitted: pooled after the next submit. */
  private releasedSinceSubmit: { buffer: GPUBufferLike; staging: boolean }[] = [];
  private readonly pipelines = new Map<string, GPUComputePipelineLike>();
  private encoder: GPUCommandEncoderLike | null = null;
  private pass: GPUComputePassLike | null = null;
  private recorded = 0;
  private allocated = 0;
  private allocatedBytes = 0;
  private inUse = 0;
  private inUseBytes = 0;
  private collected = 0;
  /** @internal Storages made so far (DeviceTensor's serial): backward tells the gradients it made from older ones. */
  storagesMade = 0;
  private readonly errors: string[] = [];
  /** Host checks recorded as kernels (checks.ts): read and thrown by the next readBytes. */
  private checks: { buffer: GPUBufferLike; describe: (index: number, value: number) => string }[] = [];
  /** Submits so far (a test counts them to see that kernels are batched). */
  submits = 0;

  /** @internal Use initWebGPU(). */
  constructor(readonly device: GPUDeviceLike, readonly adapter: GPUAdapterLike, private readonly gpu: GPULike | null = null) {
    // gpu is only kept: Dawn (npm's webgpu) tears its instance down when its GPU object is collected, under a live device
    const target = device as unknown as { addEventListener?: (type: string, fn: (event: { error: { message: string } }) => void) => void };
    target.addEventListener?.('uncapturederror', (event) => this.errors.push(event.error.message));
  }

  /** Storage buffers and bytes on the device: in use, and pooled for reuse (see WebGPUMemory). */
  memory(): WebGPUMemory {
    const { allocated: buffers, allocatedBytes: bytes, inUse, inUseBytes, collected } = this;
    return { buffers, bytes, inUse, inUseBytes, pooled: buffers - inUse, pooledBytes: bytes - inUseBytes, collected };
  }

  /** A storage buffer of at least `bytes` from the pool (allocated when the pool has none of its size class). */
  acquire(bytes: number, staging = false): GPUBufferLike {
    const size = sizeClass(bytes);
    const pool = (staging ? this.freeStaging : this.free).get(size);
    this.countUse(1, size);
    const pooled = pool?.pop();
    if (pooled !== undefined) return pooled;
    this.allocated++;
    this.allocatedBytes += size;
    return this.device.createBuffer({ size, usage: staging ? STAGING_USAGE : STORAGE_USAGE });
  }

  /** Gives a buffer back to the pool; recorded commands that still use it run first. */
  release(buffer: GPUBufferLike, staging = false): void {
    this.countUse(-1, buffer.size);
    if (this.encoder === null) this.pool(buffer, staging);
    else this.releasedSinceSubmit.push({ buffer, staging });
  }

  /** @internal release() for a buffer whose tensor the garbage collector took (storage.ts's FinalizationRegistry). */
  releaseCollected(buffer: GPUBufferLike): void {
    this.collected++;
    this.release(buffer);
  }

  private countUse(buffers: number, size: number): void {
    this.inUse += buffers;
    this.inUseBytes += buffers * size;
  }

  private pool(buffer: GPUBufferLike, staging: boolean): void {
    const pools = staging ? this.freeStaging : this.free;
    const list = pools.get(buffer.size);
    if (list === undefined) pools.set(buffer.size, [buffer]);
    else list.push(buffer);
  }

  /** A buffer holding `data`, written before any command recorded after this call runs. */
  upload(data: Float32Array | Int32Array | Uint32Array): GPUBufferLike {
    // a fresh or pooled buffer no recorded command uses (released ones wait for the submit), so the write cannot
    // overtake a pending read of the same buffer
    const buffer = this.acquire(data.byteLength);
    if (data.byteLength > 0) this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  /** The compute pipeline of `key`, compiled from `source()` the first time it is asked for. */
  pipeline(key: string, source: () => string): GPUComputePipelineLike {
    let pipeline = this.pipelines.get(key);
    if (pipeline === undefined) {
      pipeline = this.device.createComputePipeline({ layout: 'auto', compute: { module: this.device.createShaderModule({ code: source() }), entryPoint: 'main' } });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  /** How many pipelines were compiled. */
  get pipelineCount(): number {
    return this.pipelines.size;
  }

  /**
   * Records one dispatch of pipeline `key`: binding 0 is `params` (u32 words, read-only storage), bindings 1.. the
   * buffers in order. A number of `workgroups` may exceed the per-dimension limit: it is split over x and y, and the
   * shader recovers its index with `flatIndex` (see wgsl.ts); [x, y, z] is dispatched as given.
   */
  dispatch(key: string, source: () => string, params: Uint32Array, buffers: readonly GPUBufferLike[], workgroups: number | readonly [number, number, number]): void {
    if (typeof workgroups !== 'number' ? workgroups.includes(0) : workgroups === 0) return;
    const pipeline = this.pipeline(key, source);
    const paramBuffer = this.upload(params.length === 0 ? new Uint32Array(1) : params);
    const entries = [paramBuffer, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const group = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    if (typeof workgroups !== 'number') {
      pass.dispatchWorkgroups(...workgroups);
    } else {
      const x = Math.min(workgroups, this.device.limits.maxComputeWorkgroupsPerDimension);
      pass.dispatchWorkgroups(x, Math.ceil(workgroups / x));
    }
    this.release(paramBuffer);
    if (++this.recorded >= FLUSH_EVERY) this.flush();
  }

  private computePass(): GPUComputePassLike {
    this.encoder ??= this.device.createCommandEncoder();
    this.pass ??= this.encoder.beginComputePass();
    return this.pass;
  }

  /** A copy of `bytes` from src to dst, recorded after the kernels so far. */
  copy(src: GPUBufferLike, dst: GPUBufferLike, bytes: number): void {
    this.encoder ??= this.device.createCommandEncoder();
    this.pass?.end();
    this.pass = null;
    this.encoder.copyBufferToBuffer(src, 0, dst, 0, bytes);
  }

  /** Submits what was recorded; buffers released meanwhile go back to the pool. */
  flush(): void {
    if (this.encoder === null) return;
    this.pass?.end();
    this.device.queue.submit([this.encoder.finish()]);
    this.submits++;
    this.encoder = null;
    this.pass = null;
    this.recorded = 0;
    for (const { buffer, staging } of this.releasedSinceSubmit) this.pool(buffer, staging);
    this.releasedSinceSubmit = [];
  }

  /**
   * Records a check a kernel computes into `buffer` (an int32 flat index, -1 when all is well, and the offending
   * value's f32 bits): the next readBytes reads it first and throws `describe(index, value)` when it failed.
   */
  deferCheck(buffer: GPUBufferLike, describe: (index: number, value: number) => string): void {
    this.checks.push({ buffer, describe });
  }

  private async runChecks(): Promise<void> {
    const checks = this.checks.splice(0);
    let message: string | null = null;
    for (const { buffer, describe } of checks) {
      const words = new DataView(await this.readBytes(buffer, 8));
      this.release(buffer);
      const index = words.getInt32(0, true);
      if (index >= 0 && message === null) message = describe(index, words.getFloat32(4, true));
    }
    if (message !== null) throw new Error(message);
  }

  /** The first `bytes` of a buffer, after every kernel recorded so far has run (and the checks recorded before it passed). */
  async readBytes(buffer: GPUBufferLike, bytes: number): Promise<ArrayBuffer> {
    if (this.checks.length > 0) await this.runChecks();
    const staging = this.acquire(bytes, true);
    if (bytes > 0) this.copy(buffer, staging, Math.ceil(bytes / 4) * 4);
    this.flush();
    this.throwErrors();
    await staging.mapAsync(MAP_MODE_READ);
    const copy = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    this.release(staging, true);
    this.throwErrors();
    return copy;
  }

  /** Waits for the submitted work and throws the validation errors the device reported (a kernel bug), if any. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.throwErrors();
  }

  private throwErrors(): void {
    if (this.errors.length === 0) return;
    const messages = this.errors.splice(0).join('\n');
    throw new Error(`WebGPU: the device reported an error (a kernel bug):\n${messages}`);
  }
}

let current: Promise<WebGPUContext> | null = null;

/**
 * Requests a WebGPU adapter and device (once: later calls return the same context). Where the browser has no
 * WebGPU, or no adapter, the promise rejects with an error saying so and what the browser needs.
 */
export function initWebGPU(options: InitWebGPUOptions = {}): Promise<WebGPUContext> {
  checkOptionKeys('initWebGPU', options, ['gpu', 'powerPreference']);
  const stubbed = 'gpu' in options;
  if (!stubbed && current !== null) return current;
  const gpu = stubbed ? options.gpu : (globalThis.navigator as { gpu?: GPULike } | undefined)?.gpu;
  const made = requestContext(gpu ?? null, options.powerPreference ?? 'high-performance');
  if (!stubbed) {
    current = made;
    made.catch(() => (current = null)); // a failed request may be retried
  }
  return made;
}

const NEEDS =
  '(Chrome >= 113, or headless Chromium with --enable-unsafe-webgpu --use-webgpu-adapter=swiftshader and without ' +
  '--disable-gpu; the page must be a secure context: https or localhost). The CPU backend keeps working.';

async function requestContext(gpu: GPULike | null, powerPreference: 'low-power' | 'high-performance'): Promise<WebGPUContext> {
  if (gpu === null) throw new Error(`initWebGPU: WebGPU is not available in this browser: navigator.gpu is missing ${NEEDS}`);
  const adapter = await gpu.requestAdapter({ powerPreference });
  if (adapter === null) throw new Error(`initWebGPU: WebGPU is present but gave no adapter (no usable GPU, or it is blocklisted) ${NEEDS}`);
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize, maxBufferSize: limits.maxBufferSize },
  });
  const context = new WebGPUContext(device, adapter, gpu);
  // a lost device (driver reset, tab in the background too long) is not reused: the next initWebGPU() asks again
  void device.lost.then(async () => {
    if (current !== null && (await current) === context) current = null;
  });
  return context;
}

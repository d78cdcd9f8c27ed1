import type { DType } from '../../dtype.js';
import { numelOf } from '../../shape.js';
import type { WebGPUContext } from './device.js';
import type { GPUBufferLike } from './gpu-api.js';
import { noteMade } from './scopes.js';

/**
 * The dtypes a device tensor can hold: WGSL has 32-bit floats and integers, no float64. A bool is one 32-bit word
 * of 0 or 1 per element (WGSL storage buffers have no 8-bit type), uploaded from and read back as the CPU's
 * Uint8Array of 0/1.
 */
export type DeviceDType = 'float32' | 'int32' | 'bool';

/** The typed array of a device dtype, as read() returns it. */
export type DeviceArray<D extends DeviceDType = DeviceDType> = D extends 'int32' ? Int32Array : D extends 'bool' ? Uint8Array : Float32Array;

/** The dtype as a device tensor may hold it, or an error naming the op that asked for it. */
export function deviceDType(op: string, dtype: DType): DeviceDType {
  if (dtype === 'float64') throw new TypeError(`${op}: a float64 tensor cannot live on 'webgpu': WGSL has no float64 (use float32, or keep the tensor on the CPU)`);
  return dtype;
}

/**
 * A buffer's lifetime, shared by the storage that owns it and every view of it: released once, by whichever comes
 * first of release()/dispose(), a tidy() scope, the backward walk (autograd/release.ts) or the garbage collector.
 */
interface Lease {
  readonly context: WebGPUContext;
  readonly buffer: GPUBufferLike;
  released: boolean;
  /** Set for a leaf's `.grad`: no tidy() scope releases it (the tensor outlives the scope it was made in). */
  kept: boolean;
}

// The owning storage is registered; views hold it (`owner`), so the buffer goes back once no view is reachable either.
const collector = new FinalizationRegistry<Lease>((lease) => {
  if (lease.released) return;
  lease.released = true;
  lease.context.releaseCollected(lease.buffer);
});

/**
 * Storage on a WebGPU device: a pooled GPUBuffer with a shape and a dtype, what the WebGPU kernels take and return
 * (Tensor holds it as `_deviceStorage`). Values come back asynchronously with read(); release() returns the buffer to
 * the pool, and so does the garbage collector once neither this storage nor any view of it is reachable.
 */
export class DeviceTensor {
  /** Elements (the product of the shape). */
  readonly numel: number;
  /** @internal The order in which storages were made on this context (a view has its owner's): see WebGPUContext.storagesMade. */
  readonly serial: number;
  private readonly lease: Lease;

  /** @internal Made by upload() and the kernels; a view passes the tensor that owns the buffer. */
  constructor(
    readonly context: WebGPUContext, readonly buffer: GPUBufferLike, readonly shape: readonly number[], readonly dtype: DeviceDType,
    private readonly owner: DeviceTensor | null = null,
  ) {
    this.numel = numelOf(shape);
    if (owner === null) {
      this.serial = context.storagesMade++;
      this.lease = { context, buffer, released: false, kept: false };
      collector.register(this, this.lease, this.lease);
    } else {
      this.serial = owner.serial;
      this.lease = owner.lease;
    }
  }

  /** A new device tensor of `shape` whose values the next kernel writes (the open tidy() scope, if any, releases it). */
  static empty(context: WebGPUContext, shape: readonly number[], dtype: DeviceDType): DeviceTensor {
    const made = new DeviceTensor(context, context.acquire(numelOf(shape) * 4), shape, dtype);
    noteMade(made);
    return made;
  }

  /** The values, after every kernel recorded before this call has run. */
  async read(): Promise<DeviceArray> {
    this.checkLive('read');
    const bytes = await this.context.readBytes(this.buffer, this.numel * 4);
    if (this.dtype === 'bool') return Uint8Array.from(new Uint32Array(bytes), (word) => (word === 0 ? 0 : 1));
    return this.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  /** The same buffer under another shape of as many elements (a view: releasing either releases the buffer, once). */
  view(shape: readonly number[]): DeviceTensor {
    this.checkLive('view');
    if (numelOf(shape) !== this.numel) throw new RangeError(`view: shape [${shape.join(', ')}] has ${numelOf(shape)} elements, the tensor [${this.shape.join(', ')}] ${this.numel}`);
    return new DeviceTensor(this.context, this.buffer, shape, this.dtype, this.owner ?? this);
  }

  /** Returns the buffer to the pool; the tensor may not be used afterwards. */
  release(): void {
    this.checkLive('release');
    this.lease.released = true;
    collector.unregister(this.lease);
    this.context.release(this.buffer);
  }

  /** Whether the buffer went back to the pool (by this tensor or another view of it). */
  get isReleased(): boolean {
    return this.lease.released;
  }

  /** @internal Whether keep() was called (on this storage or a view of it). */
  get isKept(): boolean {
    return this.lease.kept;
  }

  /** @internal Exempts the buffer from every tidy() scope (backward does it for a leaf's `.grad`). */
  keep(): void {
    this.lease.kept = true;
  }

  /** @internal The storage that owns the buffer (itself, or a view's owner): one identity for the buffer. */
  get root(): DeviceTensor {
    return this.owner ?? this;
  }

  /** Throws when the buffer was released. */
  checkLive(op: string): void {
    if (this.lease.released) throw new Error(`${op}: this device tensor was released (its buffer is back in the pool)`);
  }
}

/**
 * A device tensor with the values of a typed array: a Uint8Array is bool (each nonzero byte stored as the word 1);
 * float64 is refused (WGSL has no float64).
 */
export function upload(context: WebGPUContext, data: Float32Array | Float64Array | Int32Array | Uint8Array, shape: readonly number[]): DeviceTensor {
  if (data instanceof Float64Array) deviceDType('upload', 'float64');
  if (numelOf(shape) !== data.length) throw new RangeError(`upload: shape [${shape.join(', ')}] has ${numelOf(shape)} elements, the data ${data.length}`);
  if (data instanceof Uint8Array) {
    const words = Uint32Array.from(data, (byte) => (byte === 0 ? 0 : 1));
    return new DeviceTensor(context, context.upload(words), shape, 'bool');
  }
  const dtype: DeviceDType = data instanceof Int32Array ? 'int32' : 'float32';
  return new DeviceTensor(context, context.upload(data as Float32Array | Int32Array), shape, dtype);
}

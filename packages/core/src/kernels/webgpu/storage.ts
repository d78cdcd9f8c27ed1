import type { DType } from '../../dtype.js';
import { numelOf } from '../../shape.js';
import type { WebGPUContext } from './device.js';
import type { GPUBufferLike } from './gpu-api.js';

/** The dtypes a device tensor can hold: WGSL has 32-bit floats and integers, no float64. */
export type DeviceDType = 'float32' | 'int32';

/** The typed array of a device dtype. */
export type DeviceArray<D extends DeviceDType = DeviceDType> = D extends 'int32' ? Int32Array : Float32Array;

/** The dtype as a device tensor may hold it, or an error naming the op that asked for it. */
export function deviceDType(op: string, dtype: DType): DeviceDType {
  if (dtype === 'float64') throw new TypeError(`${op}: a float64 tensor cannot live on 'webgpu': WGSL has no float64 (use float32, or keep the tensor on the CPU)`);
  if (dtype === 'bool') throw new TypeError(`${op}: a bool tensor cannot live on 'webgpu' yet: the WebGPU kernels hold float32 and int32 (convert with .int() or .float() first)`);
  return dtype;
}

/**
 * Storage on a WebGPU device: a pooled GPUBuffer with a shape and a dtype, what the WebGPU kernels take and return
 * (phase 2 puts it inside Tensor). Values come back asynchronously with read(); release() returns the buffer to the pool.
 */
export class DeviceTensor {
  /** Elements (the product of the shape). */
  readonly numel: number;
  private released = false;

  /** @internal Made by upload() and the kernels; a view passes the tensor that owns the buffer. */
  constructor(
    readonly context: WebGPUContext, readonly buffer: GPUBufferLike, readonly shape: readonly number[], readonly dtype: DeviceDType,
    private readonly owner: DeviceTensor | null = null,
  ) {
    this.numel = numelOf(shape);
  }

  /** A new device tensor of `shape` whose values the next kernel writes. */
  static empty(context: WebGPUContext, shape: readonly number[], dtype: DeviceDType): DeviceTensor {
    return new DeviceTensor(context, context.acquire(numelOf(shape) * 4), shape, dtype);
  }

  /** The values, after every kernel recorded before this call has run. */
  async read(): Promise<DeviceArray> {
    this.checkLive('read');
    const bytes = await this.context.readBytes(this.buffer, this.numel * 4);
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
    (this.owner ?? this).released = true;
    this.context.release(this.buffer);
  }

  /** Whether the buffer went back to the pool (by this tensor or another view of it). */
  get isReleased(): boolean {
    return (this.owner ?? this).released;
  }

  /** Throws when the buffer was released. */
  checkLive(op: string): void {
    if ((this.owner ?? this).released) throw new Error(`${op}: this device tensor was released (its buffer is back in the pool)`);
  }
}

/** A device tensor with the values of a typed array (float64 refused: WGSL has no float64). */
export function upload(context: WebGPUContext, data: Float32Array | Float64Array | Int32Array, shape: readonly number[]): DeviceTensor {
  if (data instanceof Float64Array) deviceDType('upload', 'float64');
  if (numelOf(shape) !== data.length) throw new RangeError(`upload: shape [${shape.join(', ')}] has ${numelOf(shape)} elements, the data ${data.length}`);
  const dtype: DeviceDType = data instanceof Int32Array ? 'int32' : 'float32';
  return new DeviceTensor(context, context.upload(data as Float32Array | Int32Array), shape, dtype);
}

import { type DType, type TypedArray, dtypeOfArray, isFloating } from './dtype.js';
import { formatShape, numelOf } from './shape.js';
import { formatTensor } from './format.js';
import type { Node } from './tape.js';
import type { DeviceTensor } from './kernels/webgpu/storage.js';

/** Where a tensor's storage lives: host memory, or a WebGPU device's buffer (`await initWebGPU()` first). */
export type Device = 'cpu' | 'webgpu';

/**
 * @internal What a device backend registers (src/webgpu.ts does, in initWebGPU): how a host array goes to the device.
 * Kept here so that the main entry carries no WebGPU code; the table's routing lives in kernels/backend.ts.
 */
export interface DeviceUploader {
  /** The device's name. */
  readonly device: Exclude<Device, 'cpu'>;
  /** A device copy of `data` (recorded synchronously with queue.writeBuffer; float64 refused by the device). */
  upload(op: string, data: TypedArray, shape: readonly number[], dtype: DType): DeviceTensor;
}

let uploader: DeviceUploader | null = null;

/** @internal Called by initWebGPU: tensors can move to the device from now on. */
export function _registerDevice(next: DeviceUploader | null): void {
  uploader = next;
}

/** @internal The registered device, or an error naming the op that needed it. */
export function _deviceUploader(op: string, device: Device): DeviceUploader {
  if (uploader === null || uploader.device !== device) {
    throw new Error(`${op}: the '${device}' device is not initialized: call \`await initWebGPU()\` from '@torchlet/core/webgpu' first`);
  }
  return uploader;
}

/** A number (a boolean for a bool tensor) or nested arrays of them: what `tolist()` returns and `tensor()` takes. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array in contiguous row-major storage, with the autograd state PyTorch users expect.
 * Ops are attached as methods by the op files (`x.add(y)`), as TensorFlow.js does with its chained ops.
 */
export class Tensor {
  /** The size of each dimension (frozen). */
  readonly shape: readonly number[];
  /** The element type: 'float32', 'float64' or 'int32'. */
  readonly dtype: DType;
  /** Host storage (null on a device). */
  private _host: TypedArray | null;
  /** @internal Device storage (null on the CPU). */
  _deviceStorage: DeviceTensor | null;
  private readonly _numel: number;
  /** The gradient accumulated by backward (null until one arrives); under createGraph it has a graph itself. */
  grad: Tensor | null = null;
  /** @internal the tape node that produced this tensor; null for leaves. */
  _node: Node | null = null;
  /** @internal which output of `_node` this tensor is (0 except for multi-output ops). */
  _outputIndex = 0;
  /** @internal shared with views of the same storage; bumped by in-place ops. */
  _version: { value: number };
  private _requiresGrad = false;

  /**
   * Wraps `data` (a typed array, or a device tensor's storage) without copying. `viewOf` makes this tensor share
   * that tensor's storage version (a view).
   */
  constructor(data: TypedArray | DeviceTensor, shape: readonly number[], viewOf?: Tensor) {
    const n = numelOf(shape);
    const host = ArrayBuffer.isView(data) ? data : null;
    const length = host ? host.length : (data as DeviceTensor).numel;
    if (length !== n) {
      throw new Error(`Tensor: data has ${length} elements but shape ${formatShape(shape)} needs ${n}`);
    }
    this._host = host;
    this._deviceStorage = host ? null : (data as DeviceTensor);
    this._numel = n;
    this.shape = Object.freeze([...shape]);
    this.dtype = host ? dtypeOfArray(host) : (data as DeviceTensor).dtype;
    this._version = viewOf ? viewOf._version : { value: 0 };
  }

  /**
   * The storage: a typed array of exactly numel() elements. Writing to it directly bypasses the version counter.
   * A device tensor has no host storage: reading it throws (use `await t.read()` or `t.to('cpu')`).
   */
  get data(): TypedArray {
    if (this._host === null) {
      throw new Error(`Tensor.data: this tensor lives on '${this.device}', which the host cannot read synchronously: use \`await t.read()\` (or t.to('cpu'))`);
    }
    return this._host;
  }

  set data(value: TypedArray) {
    if (this._host === null) throw new Error(`Tensor.data: cannot assign host storage to a tensor on '${this.device}'`);
    this._host = value;
  }

  /** @internal The storage as it is, on either device (for a view or a detached copy sharing it). */
  get _storage(): TypedArray | DeviceTensor {
    return this._host ?? (this._deviceStorage as DeviceTensor);
  }

  /** Where the storage lives: 'cpu' or 'webgpu'. */
  get device(): Device {
    return this._host === null ? 'webgpu' : 'cpu';
  }

  /** This tensor's values on the CPU as a new tensor (the tensor itself when it is there already). */
  async cpu(): Promise<Tensor> {
    if (this._host !== null) return this;
    return new Tensor(await this.read(), this.shape);
  }

  /** A copy of the values as a typed array, on either device (a device tensor's after every recorded kernel ran). */
  async read(): Promise<TypedArray> {
    if (this._host !== null) return this._host.slice();
    return (this._deviceStorage as DeviceTensor).read();
  }

  /**
   * Returns a device tensor's buffer to the pool now, rather than when the tensor is collected; the tensor and every
   * view of its storage may not be used afterwards (a read says it was released). Nothing happens on the CPU, or
   * when the buffer was released already.
   */
  dispose(): void {
    const storage = this._deviceStorage;
    if (storage !== null && !storage.isReleased) storage.release();
  }

  /** The value of a one-element tensor, on either device. */
  async itemAsync(): Promise<number> {
    checkOneElement('itemAsync', this);
    return (await this.read())[0];
  }

  /** The number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements. */
  numel(): number {
    return this._numel;
  }

  /** The shape, or the size of dimension `dim` (negative counts from the end), as torch.Tensor.size. */
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new Error(`size: dim ${dim} is out of range for shape ${formatShape(this.shape)}`);
    return this.shape[d];
  }

  /** Whether gradients flow to this tensor: set it on a floating-point leaf; op outputs inherit it. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(value: boolean) {
    if (value && !isFloating(this.dtype)) {
      throw new Error(`requiresGrad: only floating-point tensors can require gradients, got dtype ${this.dtype}`);
    }
    if (!value && this._node) {
      throw new Error('requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach()');
    }
    this._requiresGrad = value;
  }

  /** @internal Takes `other`'s storage and dtype in place (Module.to keeps each Parameter object this way). */
  _replaceStorage(other: Tensor): void {
    if (other._numel !== this._numel) throw new Error(`_replaceStorage: ${other._numel} elements for a tensor of ${this._numel}`);
    this._host = other._host;
    this._deviceStorage = other._deviceStorage;
    (this as { dtype: DType }).dtype = other.dtype;
    this._bumpVersion();
  }

  /** @internal marks an op output as output `index` of a recorded node. */
  _setNode(node: Node, index = 0): void {
    this._node = node;
    this._outputIndex = index;
    this._requiresGrad = true;
  }

  /** True for a tensor no recorded op produced (where backward accumulates `.grad`). */
  get isLeaf(): boolean {
    return this._node === null;
  }

  /** Name of the backward rule that produced this tensor, like PyTorch's grad_fn (`mulBackward`), or null for leaves. */
  get gradFn(): string | null {
    return this._node ? `${this._node.name}Backward` : null;
  }

  /** Current value of the version counter: bumped by every in-place op on this storage. */
  get version(): number {
    return this._version.value;
  }

  /** @internal */
  _bumpVersion(): void {
    this._version.value++;
  }

  /** The value of a one-element tensor as a number. */
  item(): number {
    checkOneElement('item', this);
    if (this._host === null) throw new Error(`item: this tensor lives on '${this.device}', which the host cannot read synchronously: use \`await t.itemAsync()\``);
    return this._host[0];
  }


  /** The elements as nested arrays, like torch.Tensor.tolist. */
  tolist(): NestedArray {
    if (this._host === null) throw new Error(`tolist: this tensor lives on '${this.device}': use \`(await t.cpu()).tolist()\``);
    const bool = this.dtype === 'bool';
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return bool ? this.data[offset] === 1 : this.data[offset];
      const stride = numelOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** A PyTorch-like printout: values, shape and dtype. */
  toString(): string {
    if (this._host === null) return `tensor(<on ${this.device}>, size=${formatShape(this.shape)}, dtype=${this.dtype}, device='${this.device}')`;
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** A tensor sharing this storage, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this._storage, this.shape, this);
  }

  /** Keeps `.grad` for this non-leaf tensor during backward (leaves always keep theirs). */
  retainGrad(): this {
    if (!this._requiresGrad) throw new Error('retainGrad: tensor does not require grad');
    const node = this._node;
    if (node) {
      node.retained ??= new Array<Tensor | null>(node.outputs).fill(null);
      node.retained[this._outputIndex] = this;
    }
    return this;
  }
}

export interface Tensor {
  /**
   * This tensor on `device`: itself when it is there already, otherwise a copy cut from the graph (recording a
   * copy across devices is not supported yet). To the device the upload is recorded synchronously; a device tensor
   * comes back with `await t.cpu()` (WebGPU has no synchronous readback), so `to('cpu')` of one throws pointing there.
   * `to(dtype)` converts the dtype (ops/cast.ts).
   */
  to(device: Device): Tensor;
}

function checkOneElement(op: string, x: Tensor): void {
  if (x.numel() !== 1) {
    throw new Error(`${op}: only a tensor with one element can be converted to a number, got shape ${formatShape(x.shape)}`);
  }
}

/** Moves between devices; anything else goes to the dtype cast that ops/cast.ts installs as Tensor.prototype.to. */
function toDevice(x: Tensor, device: Device, extra: number): Tensor {
  if (extra > 0) throw new Error(`to: expected 1 argument (the device), got ${extra + 1}`);
  if (device === x.device) return x;
  if (x.requiresGrad) {
    // PyTorch records the move and sends the gradient back to the CPU tensor: here that would be a synchronous readback
    throw new Error(
      `to: this tensor requires grad, and the move to '${device}' cannot carry its graph (its gradient would have to come back ` +
        `synchronously): make the tensor on the device (e.g. tensor(values, { device: '${device}', requiresGrad: true })), or move x.detach()`,
    );
  }
  if (device === 'cpu') {
    throw new Error(`to: a tensor on '${x.device}' comes back to the CPU asynchronously: use \`await t.cpu()\` (or \`await t.read()\` for the values)`);
  }
  return new Tensor(_deviceUploader('to', device).upload('to', x.data, x.shape, x.dtype), x.shape);
}

// `to` is one method for devices and dtypes: the dtype cast is an op (ops/cast.ts assigns it to the prototype), so
// the prototype keeps what is assigned and routes device names here first.
let castTo: ((this: Tensor, ...args: unknown[]) => Tensor) | null = null;
function to(this: Tensor, target: unknown, ...rest: unknown[]): Tensor {
  if (target === 'cpu' || target === 'webgpu') return toDevice(this, target, rest.length);
  if (castTo === null) throw new Error('to: the dtype cast is not installed (import @torchlet/core, not tensor.js alone)');
  return castTo.call(this, target, ...rest);
}
Object.defineProperty(Tensor.prototype, 'to', {
  configurable: true,
  get: () => to,
  set(cast: (this: Tensor, ...args: unknown[]) => Tensor) {
    castTo = cast;
  },
});

/** Whether value is a torchlet Tensor. */
export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

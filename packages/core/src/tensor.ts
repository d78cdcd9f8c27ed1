import { type DType, type TypedArray, dtypeOfArray, isFloating } from './dtype.js';
import { formatShape, numelOf } from './shape.js';
import { formatTensor } from './format.js';
import type { Node } from './tape.js';

export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array in contiguous row-major storage, with the autograd state PyTorch users expect.
 * Ops are attached as methods by the op files (`x.add(y)`), as TensorFlow.js does with its chained ops.
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The storage: a typed array of exactly numel() elements. Writing to it directly bypasses the version counter. */
  data: TypedArray;
  grad: Tensor | null = null;
  /** @internal the tape node that produced this tensor; null for leaves. */
  _node: Node | null = null;
  /** @internal which output of `_node` this tensor is (0 except for multi-output ops). */
  _outputIndex = 0;
  /** @internal shared with views of the same storage; bumped by in-place ops. */
  _version: { value: number };
  private _requiresGrad = false;

  /** Wraps `data` without copying. `viewOf` makes this tensor share that tensor's storage version (a view). */
  constructor(data: TypedArray, shape: readonly number[], viewOf?: Tensor) {
    const n = numelOf(shape);
    if (data.length !== n) {
      throw new Error(`Tensor: data has ${data.length} elements but shape ${formatShape(shape)} needs ${n}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOfArray(data);
    this._version = viewOf ? viewOf._version : { value: 0 };
  }

  get ndim(): number {
    return this.shape.length;
  }

  numel(): number {
    return this.data.length;
  }

  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new Error(`size: dim ${dim} is out of range for shape ${formatShape(this.shape)}`);
    return this.shape[d];
  }

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

  /** @internal marks an op output as output `index` of a recorded node. */
  _setNode(node: Node, index = 0): void {
    this._node = node;
    this._outputIndex = index;
    this._requiresGrad = true;
  }

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

  item(): number {
    if (this.data.length !== 1) {
      throw new Error(`item: only a tensor with one element can be converted to a number, got shape ${formatShape(this.shape)}`);
    }
    return this.data[0];
  }

  tolist(): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = numelOf(this.shape.slice(dim + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[dim]; i++) out.push(build(dim + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** A tensor sharing this storage, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, this);
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

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}

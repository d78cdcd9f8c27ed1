import { type DType, type TypedArray, allocate, checkValueFits, dtypeOfArray, isDType } from './dtype.js';
import { Tensor, type NestedArray } from './tensor.js';
import { checkShape, formatShape, numelOf } from './shape.js';
import { defaultGenerator, type Generator } from './random.js';
import { sizeAndOptions } from './size-args.js';

/** Options of the creation functions: the dtype and whether the tensor requires grad. */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/** Options of `tensor(data)`. */
export interface TensorDataOptions extends TensorOptions {
  /** Needed when data is flat and meant to be more than 1-D. */
  shape?: readonly number[];
}

/** Options of the random creation functions, with the generator to draw from. */
export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

function checkOptions(op: string, options: TensorOptions | undefined): DType {
  if (options === undefined || options === null) return 'float32';
  if (typeof options !== 'object') throw new TypeError(`${op}: expected an options object, got ${typeof options}`);
  const dtype = options.dtype ?? 'float32';
  if (!isDType(dtype)) throw new TypeError(`${op}: unknown dtype ${JSON.stringify(dtype)} (expected float32, float64 or int32)`);
  return dtype;
}

/**
 * The most elements a tensor may hold: kernels index elements with int32 (wasm byte addresses and the thread pool's
 * job fields are int32), and past it V8 and the browsers refuse the typed array anyway, with a RangeError that does
 * not say which call asked for it.
 */
export const MAX_NUMEL = 2 ** 31 - 1;

/** Checks `shape` for `op` (the function the user called) and that its element count fits MAX_NUMEL; returns a copy. */
function checkSize(op: string, shape: readonly number[]): number[] {
  const checked = checkShape(op, shape);
  const numel = numelOf(checked);
  if (numel > MAX_NUMEL) {
    throw new RangeError(`${op}: shape ${formatShape(checked)} has ${numel} elements, more than the limit of ${MAX_NUMEL}`);
  }
  return checked;
}

/** A zero-filled typed array for `shape`; an engine that cannot allocate that much memory gets named, not a bare RangeError. */
function allocateFor(op: string, dtype: DType, shape: readonly number[]): TypedArray {
  const numel = numelOf(shape);
  try {
    return allocate(dtype, numel);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new RangeError(`${op}: cannot allocate shape ${formatShape(shape)} (${numel} ${dtype} elements; the limit is ${MAX_NUMEL}): ${err.message}`);
  }
}

function finish(t: Tensor, options: TensorOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * An empty (zero-filled) tensor: `empty(2, 3)`, `empty([2, 3], { dtype })`. The kernels' own form
 * `empty(shape, dtype)` (a dtype string) allocates their outputs.
 */
export function empty(...sizes: number[]): Tensor;
export function empty(shape: readonly number[], options?: TensorOptions | DType): Tensor;
export function empty(...args: [...number[], TensorOptions]): Tensor;
export function empty(...args: unknown[]): Tensor {
  if (args.length === 2 && typeof args[1] === 'string' && Array.isArray(args[0])) return emptyFor('empty', args[0] as number[], args[1] as DType);
  const [shape, options] = sizeAndOptions<TensorOptions>('empty', args, ['dtype', 'requiresGrad']);
  return finish(emptyFor('empty', shape, checkOptions('empty', options)), options);
}

function emptyFor(op: string, shape: readonly number[], dtype: DType): Tensor {
  const checked = checkSize(op, shape);
  return new Tensor(allocateFor(op, dtype, checked), checked);
}

/**
 * A tensor from a number, a nested array, or a flat array / typed array (with `shape`). Always copies.
 * The dtype defaults to float32 (or the typed array's own type), as in TensorFlow.js.
 */
export function tensor(data: NestedArray | readonly number[] | TypedArray, options: TensorDataOptions = {}): Tensor {
  const isTyped = data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array;
  if (!isTyped && typeof data !== 'number' && !Array.isArray(data)) {
    throw new TypeError(`tensor: expected a number, a nested array or a typed array, got ${data === null ? 'null' : typeof data}`);
  }
  const dtype = options.dtype ?? (isTyped ? dtypeOfArray(data as TypedArray) : 'float32');
  checkOptions('tensor', { ...options, dtype });
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (typeof data === 'number') {
    flat = [data];
    inferred = [];
  } else if (isTyped) {
    flat = data as TypedArray;
    inferred = [flat.length];
  } else {
    inferred = [];
    const values: number[] = [];
    walkNested(data as NestedArray, 0, inferred, values);
    flat = values;
  }
  let shape = inferred;
  if (options.shape !== undefined) {
    shape = checkSize('tensor', options.shape);
    if (numelOf(shape) !== flat.length) {
      throw new Error(`tensor: shape ${formatShape(shape)} needs ${numelOf(shape)} elements but data has ${flat.length}`);
    }
  }
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== 'number') throw new TypeError(`tensor: expected numbers, got ${typeof v} at flat index ${i}`);
    if (dtype === 'int32' && !Number.isInteger(v)) throw new TypeError(`tensor: int32 data must be integers, got ${v} at flat index ${i}`);
    // as PyTorch: an int32 out of range is refused (float32 stores 1e39 as Infinity, PyTorch's torch.tensor too)
    if (dtype === 'int32') checkValueFits('tensor', v, dtype);
    out[i] = v;
  }
  return finish(new Tensor(out, shape), options);
}

function walkNested(data: NestedArray, depth: number, shape: number[], out: number[]): void {
  if (Array.isArray(data)) {
    if (depth === shape.length) {
      if (out.length > 0) throw new Error(`tensor: ragged nested array: an array at depth ${depth} where numbers were found before`);
      shape.push(data.length);
    } else if (shape[depth] !== data.length) {
      throw new Error(`tensor: ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${data.length}`);
    }
    for (const item of data) walkNested(item, depth + 1, shape, out);
  } else {
    if (depth !== shape.length) throw new Error(`tensor: ragged nested array: a number at depth ${depth} where an array was expected`);
    out.push(data);
  }
}

/** A tensor of `shape` filled with `value`, as torch.full. */
export function full(shape: readonly number[], value: number, options?: TensorOptions): Tensor {
  return filled('full', shape, value, options);
}

/** full() under the name of the function the user called, so its errors name that one. */
function filled(op: string, shape: readonly number[], value: number, options?: TensorOptions): Tensor {
  const dtype = checkOptions(op, options);
  if (typeof value !== 'number') throw new TypeError(`${op}: expected a number fill value, got ${typeof value}`);
  checkValueFits(op, value, dtype);
  const t = emptyFor(op, shape, dtype);
  t.data.fill(value);
  return finish(t, options);
}

/** A tensor filled with zeros, as torch.zeros: `zeros(2, 3)`, `zeros([2, 3])`, `zeros(5, { dtype: 'int32' })`. */
export function zeros(...sizes: number[]): Tensor;
export function zeros(shape: readonly number[], options?: TensorOptions): Tensor;
export function zeros(...args: [...number[], TensorOptions]): Tensor;
export function zeros(...args: unknown[]): Tensor {
  const [shape, options] = sizeAndOptions<TensorOptions>('zeros', args, ['dtype', 'requiresGrad']);
  return filled('zeros', shape, 0, options);
}

/** A tensor filled with ones, as torch.ones: `ones(2, 3)`, `ones([2, 3])`, `ones(2, 3, { dtype: 'float64' })`. */
export function ones(...sizes: number[]): Tensor;
export function ones(shape: readonly number[], options?: TensorOptions): Tensor;
export function ones(...args: [...number[], TensorOptions]): Tensor;
export function ones(...args: unknown[]): Tensor {
  const [shape, options] = sizeAndOptions<TensorOptions>('ones', args, ['dtype', 'requiresGrad']);
  return filled('ones', shape, 1, options);
}

function likeOptions(op: string, like: Tensor, options?: TensorOptions): TensorOptions {
  if (!(like instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof like}`);
  return { dtype: like.dtype, ...options };
}

/** Zeros with `like`'s shape (and dtype unless given), as torch.zeros_like. */
export function zerosLike(like: Tensor, options?: TensorOptions): Tensor {
  const o = likeOptions('zerosLike', like, options);
  return filled('zerosLike', like.shape, 0, o);
}

/** Ones with `like`'s shape (and dtype unless given), as torch.ones_like. */
export function onesLike(like: Tensor, options?: TensorOptions): Tensor {
  const o = likeOptions('onesLike', like, options);
  return filled('onesLike', like.shape, 1, o);
}

/** `value` with `like`'s shape (and dtype unless given), as torch.full_like. */
export function fullLike(like: Tensor, value: number, options?: TensorOptions): Tensor {
  const o = likeOptions('fullLike', like, options);
  return filled('fullLike', like.shape, value, o);
}

/** Values from start (inclusive) to end (exclusive) by step, like torch.arange; arange(n) counts 0..n-1. */
export function arange(start: number, end?: number, step = 1, options?: TensorOptions): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (![start, end, step].every(Number.isFinite)) throw new Error(`arange: expected finite numbers, got (${start}, ${end}, ${step})`);
  if (step === 0) throw new Error('arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const t = emptyFor('arange', [n], checkOptions('arange', options));
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return finish(t, options);
}

/** `steps` evenly spaced values from `start` to `end` inclusive, as torch.linspace. */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  const t = emptyFor('linspace', [steps], checkOptions('linspace', options));
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) t.data[i] = start + i * h;
  return finish(t, options);
}

/** The n x m identity matrix, as torch.eye. */
export function eye(n: number, m: number = n, options?: TensorOptions): Tensor {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(m) || m < 0) throw new Error(`eye: expected non-negative integer sizes, got (${n}, ${m})`);
  const t = emptyFor('eye', [n, m], checkOptions('eye', options));
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return finish(t, options);
}

function randomFill(op: string, shape: readonly number[], options: RandomOptions | undefined, draw: (g: Generator) => number): Tensor {
  const dtype = checkOptions(op, options);
  if (dtype === 'int32') throw new Error(`${op}: expected a floating dtype, got int32 (use randint)`);
  const g = options?.generator ?? defaultGenerator;
  const t = emptyFor(op, shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = draw(g);
  return finish(t, options);
}

/** Uniform in [0, 1): `rand(2, 3)`, `rand([2, 3], { generator })`. */
export function rand(...sizes: number[]): Tensor;
export function rand(shape: readonly number[], options?: RandomOptions): Tensor;
export function rand(...args: [...number[], RandomOptions]): Tensor;
export function rand(...args: unknown[]): Tensor {
  const [shape, options] = sizeAndOptions<RandomOptions>('rand', args, ['dtype', 'requiresGrad', 'generator']);
  return randomFill('rand', shape, options, (g) => g.random());
}

/** Standard normal: `randn(64, 20)`, `randn([64, 20], { dtype: 'float64' })`. */
export function randn(...sizes: number[]): Tensor;
export function randn(shape: readonly number[], options?: RandomOptions): Tensor;
export function randn(...args: [...number[], RandomOptions]): Tensor;
export function randn(...args: unknown[]): Tensor {
  const [shape, options] = sizeAndOptions<RandomOptions>('randn', args, ['dtype', 'requiresGrad', 'generator']);
  return randomFill('randn', shape, options, (g) => g.normal());
}

/** Integers uniform in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: expected integers low < high, got (${low}, ${high})`);
  }
  const dtype = options.dtype ?? 'int32';
  checkOptions('randint', { dtype });
  const g = options.generator ?? defaultGenerator;
  const t = emptyFor('randint', shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = g.integer(low, high);
  return finish(t, options);
}

/** Uniform [0, 1) values with `like`'s shape, as torch.rand_like. */
export function randLike(like: Tensor, options?: RandomOptions): Tensor {
  const o = likeOptions('randLike', like, options);
  return randomFill('randLike', like.shape, o, (g) => g.random());
}

/** Standard normal values with `like`'s shape, as torch.randn_like. */
export function randnLike(like: Tensor, options?: RandomOptions): Tensor {
  const o = likeOptions('randnLike', like, options);
  return randomFill('randnLike', like.shape, o, (g) => g.normal());
}

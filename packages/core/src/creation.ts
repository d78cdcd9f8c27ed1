import { type DType, type TypedArray, allocate, checkValueFits, dtypeOfArray, isDType, isFloating, isTypedArray, storedValue, unknownDTypeMessage } from './dtype.js';
import { type Device, Tensor, _deviceUploader } from './tensor.js';
import { checkShape, formatShape, numelOf } from './shape.js';
import { defaultGenerator, type Generator } from './random.js';
import { sizeAndOptions } from './size-args.js';
import { positionalOptions, rejectExtraArguments } from './options.js';

/** The keys of TensorOptions, RandomOptions and TensorDataOptions, for the unknown-key check. */
const TENSOR_KEYS = ['dtype', 'requiresGrad', 'device'];
const RANDOM_KEYS = [...TENSOR_KEYS, 'generator'];
const DATA_KEYS = [...TENSOR_KEYS, 'shape'];

/** Data for `tensor`: numbers or booleans, nested to any depth (`tensor([true, false])` is a bool tensor). */
export type NestedData = number | boolean | readonly NestedData[];

/** Options of the creation functions: the dtype, whether the tensor requires grad, and where it lives. */
export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** 'cpu' (the default; for the `*Like` functions, `like`'s device) or 'webgpu' (after `await initWebGPU()`). */
  device?: Device;
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

function checkOptions(op: string, options: TensorOptions | undefined, fallback: DType = 'float32'): DType {
  if (options === undefined || options === null) return fallback;
  if (typeof options !== 'object') throw new TypeError(`${op}: expected an options object, got ${typeof options}`);
  const dtype = options.dtype ?? fallback;
  if (!isDType(dtype)) throw new TypeError(unknownDTypeMessage(op, dtype));
  deviceOf(op, options); // a bad device fails before any work
  return dtype;
}

/** The trailing options object of a function whose PyTorch arguments after the required ones are keyword-only. */
function keywordOptions<O extends object>(op: string, rest: readonly unknown[], known: readonly string[]): O {
  return positionalOptions<O>(op, rest, [], known);
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

const DEVICES: readonly Device[] = ['cpu', 'webgpu'];

/** The device an options object asks for ('cpu' when none), or an error naming the op and the devices there are. */
function deviceOf(op: string, options: TensorOptions | undefined, fallback: Device = 'cpu'): Device {
  const device = options?.device ?? fallback;
  if (!(DEVICES as readonly unknown[]).includes(device)) {
    const what = typeof device === 'string' ? `'${device}'` : String(device);
    throw new TypeError(`${op}: unknown device ${what}: torchlet has 'cpu' and 'webgpu'${typeof device === 'string' && device.startsWith('cuda') ? ' (no CUDA: use \'webgpu\' for the GPU)' : ''}`);
  }
  return device;
}

/**
 * The creation function's result on the device asked for: made on the CPU (so the same seeded values on every
 * device) and uploaded, as a leaf; then requiresGrad, if asked.
 */
function finish(op: string, t: Tensor, options: TensorOptions | undefined, fallbackDevice: Device = 'cpu'): Tensor {
  const device = deviceOf(op, options, fallbackDevice);
  const placed = device === 'cpu' ? t : new Tensor(_deviceUploader(op, device).upload(op, t.data, t.shape, t.dtype), t.shape);
  if (options?.requiresGrad) placed.requiresGrad = true;
  return placed;
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
  const [shape, options] = sizeAndOptions<TensorOptions>('empty', args, TENSOR_KEYS);
  return finish('empty', emptyFor('empty', shape, checkOptions('empty', options)), options);
}

function emptyFor(op: string, shape: readonly number[], dtype: DType): Tensor {
  const checked = checkSize(op, shape);
  return new Tensor(allocateFor(op, dtype, checked), checked);
}

/**
 * A tensor from a number or boolean, a nested array, or a flat array / typed array (with `shape`). Always copies.
 * The dtype defaults to float32 (or the typed array's own type, Uint8Array being bool), as in TensorFlow.js, and to
 * bool when every element is a boolean (`tensor([true, false])`); booleans among numbers count as 1 and 0.
 */
export function tensor(data: NestedData | TypedArray, options?: TensorDataOptions): Tensor {
  rejectExtraArguments('tensor', 2, arguments.length);
  const opts = keywordOptions<TensorDataOptions>('tensor', [options], DATA_KEYS);
  const isTyped = isTypedArray(data);
  if (!isTyped && typeof data !== 'number' && typeof data !== 'boolean' && !Array.isArray(data)) {
    throw new TypeError(`tensor: expected a number, a boolean, a nested array or a typed array, got ${data === null ? 'null' : typeof data}`);
  }
  let flat: ArrayLike<number | boolean>;
  let inferred: number[];
  if (typeof data === 'number' || typeof data === 'boolean') {
    flat = [data];
    inferred = [];
  } else if (isTyped) {
    flat = data as TypedArray;
    inferred = [flat.length];
  } else {
    inferred = [];
    const values: (number | boolean)[] = [];
    walkNested(data as NestedData, 0, inferred, values);
    flat = values;
  }
  const allBoolean = !isTyped && flat.length > 0 && Array.prototype.every.call(flat, (v) => typeof v === 'boolean');
  const dtype = checkOptions('tensor', opts, isTyped ? dtypeOfArray(data as TypedArray) : allBoolean ? 'bool' : 'float32');
  let shape = inferred;
  if (opts.shape !== undefined) {
    shape = checkSize('tensor', opts.shape);
    if (numelOf(shape) !== flat.length) {
      throw new Error(`tensor: shape ${formatShape(shape)} needs ${numelOf(shape)} elements but data has ${flat.length}`);
    }
  }
  const out = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const given = flat[i];
    if (typeof given !== 'number' && typeof given !== 'boolean') throw new TypeError(`tensor: expected numbers or booleans, got ${typeof given} at flat index ${i}`);
    const v = given === true ? 1 : given === false ? 0 : given;
    if (dtype === 'int32' && !Number.isInteger(v)) throw new TypeError(`tensor: int32 data must be integers, got ${v} at flat index ${i}`);
    // as PyTorch: an int32 out of range is refused (float32 stores 1e39 as Infinity, PyTorch's torch.tensor too)
    if (dtype === 'int32') checkValueFits('tensor', v, dtype);
    out[i] = storedValue(v, dtype);
  }
  return finish('tensor', new Tensor(out, shape), opts);
}

function walkNested(data: NestedData, depth: number, shape: number[], out: (number | boolean)[]): void {
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
    out.push(data as number | boolean);
  }
}

/** A tensor of `shape` filled with `value`, as torch.full; a boolean value makes a bool tensor (`full([2], true)`). */
export function full(shape: readonly number[], value: number | boolean, options?: TensorOptions): Tensor {
  rejectExtraArguments('full', 3, arguments.length);
  return filled('full', shape, value, keywordOptions('full', [options], TENSOR_KEYS));
}

/** full() under the name of the function the user called, so its errors name that one. */
function filled(op: string, shape: readonly number[], value: number | boolean, options?: TensorOptions, fallbackDevice: Device = 'cpu'): Tensor {
  const dtype = checkOptions(op, options, typeof value === 'boolean' ? 'bool' : 'float32');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`${op}: expected a number fill value, got ${typeof value}`);
  const v = Number(value);
  checkValueFits(op, v, dtype);
  const t = emptyFor(op, shape, dtype);
  t.data.fill(storedValue(v, dtype));
  return finish(op, t, options, fallbackDevice);
}

/** A tensor filled with zeros, as torch.zeros: `zeros(2, 3)`, `zeros([2, 3])`, `zeros(5, { dtype: 'int32' })`. */
export function zeros(...sizes: number[]): Tensor;
export function zeros(shape: readonly number[], options?: TensorOptions): Tensor;
export function zeros(...args: [...number[], TensorOptions]): Tensor;
export function zeros(...args: unknown[]): Tensor {
  const [shape, options] = sizeAndOptions<TensorOptions>('zeros', args, TENSOR_KEYS);
  return filled('zeros', shape, 0, options);
}

/** A tensor filled with ones, as torch.ones: `ones(2, 3)`, `ones([2, 3])`, `ones(2, 3, { dtype: 'float64' })`. */
export function ones(...sizes: number[]): Tensor;
export function ones(shape: readonly number[], options?: TensorOptions): Tensor;
export function ones(...args: [...number[], TensorOptions]): Tensor;
export function ones(...args: unknown[]): Tensor {
  const [shape, options] = sizeAndOptions<TensorOptions>('ones', args, TENSOR_KEYS);
  return filled('ones', shape, 1, options);
}

/** The options of a `*Like` function (keyword-only, as PyTorch's), with `like`'s dtype unless one is given. */
function likeOptions(op: string, like: Tensor, rest: readonly unknown[], known: readonly string[] = TENSOR_KEYS): TensorOptions {
  if (!(like instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof like}`);
  return { dtype: like.dtype, ...keywordOptions<TensorOptions>(op, rest, known) };
}

/** `filled` with `like`'s shape, on `like`'s device unless the options name one. */
function filledLike(op: string, like: Tensor, value: number | boolean, o: TensorOptions): Tensor {
  return filled(op, like.shape, value, o, like.device);
}

/** Zeros with `like`'s shape (and dtype unless given), as torch.zeros_like. */
export function zerosLike(like: Tensor, options?: TensorOptions): Tensor {
  rejectExtraArguments('zerosLike', 2, arguments.length);
  const o = likeOptions('zerosLike', like, [options]);
  return filledLike('zerosLike', like, 0, o);
}

/** Ones with `like`'s shape (and dtype unless given), as torch.ones_like. */
export function onesLike(like: Tensor, options?: TensorOptions): Tensor {
  rejectExtraArguments('onesLike', 2, arguments.length);
  const o = likeOptions('onesLike', like, [options]);
  return filledLike('onesLike', like, 1, o);
}

/** `value` with `like`'s shape (and dtype unless given), as torch.full_like. */
export function fullLike(like: Tensor, value: number | boolean, options?: TensorOptions): Tensor {
  rejectExtraArguments('fullLike', 3, arguments.length);
  const o = likeOptions('fullLike', like, [options]);
  return filledLike('fullLike', like, value, o);
}

/** A dtype for arange, linspace and randint, which PyTorch has no bool form of. */
function numericDType(op: string, options: TensorOptions, fallback: DType): DType {
  const dtype = checkOptions(op, options, fallback);
  if (dtype === 'bool') throw new TypeError(`${op}: dtype bool is not supported (as in PyTorch); use int32, float32 or float64`);
  return dtype;
}

/**
 * Values from start (inclusive) to end (exclusive) by step, like torch.arange; arange(n) counts 0..n-1. The options
 * object may follow any of the numbers: `arange(5, { dtype: 'int32' })`, `arange(0, 10, 2, { dtype })`.
 */
export function arange(end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, options?: TensorOptions): Tensor;
export function arange(start: number, end: number, step: number, options?: TensorOptions): Tensor;
export function arange(first: number, ...rest: unknown[]): Tensor {
  const opts = positionalOptions<TensorOptions & { end?: number; step?: number }>('arange', rest, ['end', 'step'], TENSOR_KEYS);
  let start = first;
  let end = opts.end;
  const step = opts.step ?? 1;
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (![start, end, step].every((n) => typeof n === 'number' && Number.isFinite(n))) throw new Error(`arange: expected finite numbers, got (${start}, ${end}, ${step})`);
  if (step === 0) throw new Error('arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const t = emptyFor('arange', [n], numericDType('arange', opts, 'float32'));
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return finish('arange', t, opts);
}

/** `steps` evenly spaced values from `start` to `end` inclusive, as torch.linspace. */
export function linspace(start: number, end: number, steps: number, options?: TensorOptions): Tensor {
  rejectExtraArguments('linspace', 4, arguments.length);
  const opts = keywordOptions<TensorOptions>('linspace', [options], TENSOR_KEYS);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  const t = emptyFor('linspace', [steps], numericDType('linspace', opts, 'float32'));
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) t.data[i] = start + i * h;
  return finish('linspace', t, opts);
}

/** The n x m identity matrix, as torch.eye: `eye(3)`, `eye(2, 3)`, `eye(3, { dtype: 'bool' })`. */
export function eye(n: number, options?: TensorOptions): Tensor;
export function eye(n: number, m: number, options?: TensorOptions): Tensor;
export function eye(n: number, ...rest: unknown[]): Tensor {
  const opts = positionalOptions<TensorOptions & { m?: number }>('eye', rest, ['m'], TENSOR_KEYS);
  const m = opts.m ?? n;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(m) || m < 0) throw new Error(`eye: expected non-negative integer sizes, got (${n}, ${m})`);
  const t = emptyFor('eye', [n, m], checkOptions('eye', opts));
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return finish('eye', t, opts);
}

function randomFill(op: string, shape: readonly number[], options: RandomOptions | undefined, draw: (g: Generator) => number, fallbackDevice: Device = 'cpu'): Tensor {
  const dtype = checkOptions(op, options);
  if (!isFloating(dtype)) throw new Error(`${op}: expected a floating dtype, got ${dtype}${dtype === 'int32' ? ' (use randint)' : ''}`);
  const g = options?.generator ?? defaultGenerator;
  const t = emptyFor(op, shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = draw(g);
  return finish(op, t, options, fallbackDevice);
}

/** Uniform in [0, 1): `rand(2, 3)`, `rand([2, 3], { generator })`. */
export function rand(...sizes: number[]): Tensor;
export function rand(shape: readonly number[], options?: RandomOptions): Tensor;
export function rand(...args: [...number[], RandomOptions]): Tensor;
export function rand(...args: unknown[]): Tensor {
  const [shape, options] = sizeAndOptions<RandomOptions>('rand', args, RANDOM_KEYS);
  return randomFill('rand', shape, options, (g) => g.random());
}

/** Standard normal: `randn(64, 20)`, `randn([64, 20], { dtype: 'float64' })`. */
export function randn(...sizes: number[]): Tensor;
export function randn(shape: readonly number[], options?: RandomOptions): Tensor;
export function randn(...args: [...number[], RandomOptions]): Tensor;
export function randn(...args: unknown[]): Tensor {
  const [shape, options] = sizeAndOptions<RandomOptions>('randn', args, RANDOM_KEYS);
  return randomFill('randn', shape, options, (g) => g.normal());
}

/** Integers uniform in [low, high), int32 by default: `randint(0, 10, [3])`, or `randint(10, [3])` with low 0, as torch.randint. */
export function randint(high: number, shape: readonly number[], options?: RandomOptions): Tensor;
export function randint(low: number, high: number, shape: readonly number[], options?: RandomOptions): Tensor;
export function randint(...args: unknown[]): Tensor {
  const lowGiven = !Array.isArray(args[1]);
  const [low, high, shape] = (lowGiven ? args.slice(0, 3) : [0, ...args.slice(0, 2)]) as [number, number, readonly number[]];
  const options = keywordOptions<RandomOptions>('randint', args.slice(lowGiven ? 3 : 2), RANDOM_KEYS);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new Error(`randint: expected integers low < high, got (${low}, ${high})`);
  }
  if (!Array.isArray(shape)) throw new TypeError(`randint: expected a shape (an array of sizes) after ${lowGiven ? 'low and high' : 'high'}, got ${typeof shape}`);
  const dtype = numericDType('randint', options, 'int32');
  const g = options.generator ?? defaultGenerator;
  const t = emptyFor('randint', shape, dtype);
  for (let i = 0; i < t.data.length; i++) t.data[i] = g.integer(low, high);
  return finish('randint', t, options);
}

/** Uniform [0, 1) values with `like`'s shape, as torch.rand_like. */
export function randLike(like: Tensor, options?: RandomOptions): Tensor {
  rejectExtraArguments('randLike', 2, arguments.length);
  const o = likeOptions('randLike', like, [options], RANDOM_KEYS);
  return randomFill('randLike', like.shape, o, (g) => g.random(), like.device);
}

/** Standard normal values with `like`'s shape, as torch.randn_like. */
export function randnLike(like: Tensor, options?: RandomOptions): Tensor {
  rejectExtraArguments('randnLike', 2, arguments.length);
  const o = likeOptions('randnLike', like, [options], RANDOM_KEYS);
  return randomFill('randnLike', like.shape, o, (g) => g.normal(), like.device);
}

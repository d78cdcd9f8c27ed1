/**
 * The backend table: the one module ops (ops/*.ts), the tape (tape.ts) and the optimizers (@torchlet/optim, through
 * `kernels` in the core's index) call to compute anything. An op keeps its shape checks, dtype rules and tape
 * bookkeeping; every loop over a tensor's storage lives behind an entry here.
 *
 *   op -> this table -> the CPU backend (kernels/cpu/*: unwraps the typed arrays, picks js | wasm SIMD | wasm on the
 *         thread pool by dtype, shape and the committed thresholds there) -> plain kernels (kernels/*.ts, kernels/wasm/*,
 *         which never see a Tensor) -> platform (kernels/wasm/pool.ts: threads).
 *
 * Every entry takes Tensors (and plain numbers, shapes, geometries) and returns new Tensors, or writes into a tensor
 * the caller owns (the entries ending in `_` or `InPlace`, the optimizer and running-statistics updates; the caller
 * bumps the version). No entry hands out a typed array, so a backend whose storage lives on a device (WebGPU, read
 * asynchronously) can provide the same entries without changing an op. Values an op must inspect on the host come
 * back as plain numbers from a few entries (findOutOfRange for class-index and gather bounds, findNonFinite for
 * detectAnomaly, the losses' weightSum, totalNorm): those are where such a backend reads back.
 *
 * Routing by device: every entry below goes to the CPU backend unless one of its tensor arguments lives on a device
 * ('webgpu'): then it goes to the kernels that device registered (src/webgpu.ts does, in initWebGPU), which take
 * and return device storage; an entry the device does not have throws "<entry> is not implemented on webgpu yet"
 * (never a silent readback). A one-element CPU tensor (the scalars ops make with `full([])`) goes along to the device,
 * as PyTorch lets CPU scalars meet CUDA tensors; any other mix of devices is an error naming both. The factory entries
 * (no tensor argument) take the device last, as PyTorch's `torch.full(shape, v, device=x.device)`: see factoryOnDevice.
 *
 * A backend is one folder (kernels/cpu/) plus its registration: the export lines below. Adding a kernel:
 *   1. write its loops over typed arrays in a kernel file of its own (kernels/foo.ts: no Tensor, no backend state);
 *   2. write the Tensor-level entry that unwraps, allocates the output and calls them (kernels/cpu/foo.ts);
 *   3. append `export const { foo, fooBackward } = routed(cpuFoo);` (with `import * as cpuFoo from './cpu/foo.js'`)
 *      in a block of its own at the end of this file, and call it from the op as `kernels.foo(...)`
 *      (`import * as kernels from '../kernels/backend.js'`).
 */

import * as cpuElementwise from './cpu/elementwise.js';
import * as cpuUnary from './cpu/unary.js';
import * as cpuReduce from './cpu/reduce.js';
import * as cpuIndexing from './cpu/indexing.js';
import * as cpuLinalg from './cpu/linalg.js';
import * as cpuConv from './cpu/conv.js';
import * as cpuPool from './cpu/pool.js';
import * as cpuBatchnorm from './cpu/batchnorm.js';
import * as cpuLoss from './cpu/loss.js';
import * as cpuOptim from './cpu/optim.js';
import * as cpuSequence from './cpu/sequence.js';
import * as cpuRanges from './cpu/ranges.js';
import * as cpuMath from './cpu/math.js';
import type { DType, TypedArray } from '../dtype.js';
import { Tensor, _registerDevice } from '../tensor.js';
import type { DeviceTensor } from './webgpu/storage.js';

// ---- routing by device (issue 17, phase 2) ----

/** A device's kernels by backend-table entry name: device storage in place of Tensors, in arguments and results. */
export type DeviceKernels = Readonly<Record<string, unknown>>;

/** @internal What a device backend registers (src/kernels/webgpu/tensor-device.ts does, in initWebGPU). */
export interface RegisteredDevice {
  /** The device's name. */
  readonly device: 'webgpu';
  /** Its kernels, by entry name. */
  readonly kernels: DeviceKernels;
  /** A device copy of host values (float64 refused, naming `op`). */
  readonly upload: (op: string, data: TypedArray, shape: readonly number[], dtype: DType) => DeviceTensor;
  /** Whether a kernel's result is the device's storage. */
  readonly isStorage: (value: unknown) => value is DeviceTensor;
  /**
   * What the device's factory kernels (entries without a tensor argument, such as `full`) take first, having no tensor
   * to find the device by; without it, factory entries run on the CPU and their result is uploaded.
   */
  readonly context?: unknown;
}

let registered: RegisteredDevice | null = null;

/**
 * @internal Makes a device usable: `t.to(device)` uploads with it and entries with its tensors go to its kernels.
 * The WebGPU entry calls it through the main entry (`kernels.registerDevice`), so the two bundles share one table.
 */
export function registerDevice(next: RegisteredDevice): void {
  registered = next;
  _registerDevice({ device: next.device, upload: next.upload });
}

function onDevice(value: unknown): boolean {
  if (value instanceof Tensor) return value._deviceStorage !== null;
  return Array.isArray(value) && value.some((v) => v instanceof Tensor && v._deviceStorage !== null);
}

/** The device storage of each tensor argument (one level into arrays); a mix of devices is an error naming both. */
function toDeviceArgument(entry: string, device: RegisteredDevice, value: unknown, uploaded: DeviceTensor[]): unknown {
  if (Array.isArray(value)) return value.map((v) => toDeviceArgument(entry, device, v, uploaded));
  if (!(value instanceof Tensor)) return value;
  if (value._deviceStorage !== null) return value._deviceStorage;
  if (value.ndim === 0) {
    const scalar = device.upload(entry, value.data, value.shape, value.dtype);
    uploaded.push(scalar);
    return scalar;
  }
  throw new Error(`${entry}: expected all tensors on one device, got '${device.device}' and 'cpu' (a ${value.shape.length}-d cpu tensor); move it with .to('${device.device}')`);
}

/** Device storage in a device kernel's result back into Tensors (one level into arrays and plain objects). */
function fromDeviceResult(device: RegisteredDevice, value: unknown, depth = 0): unknown {
  if (device.isStorage(value)) return new Tensor(value, value.shape);
  if (depth > 0 || value === null || typeof value !== 'object' || value instanceof Tensor) return value;
  if (Array.isArray(value)) return value.map((v) => fromDeviceResult(device, v, 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromDeviceResult(device, v, 1)]));
}

/** A view shares the buffer and the version counter, so it cannot go through the result mapping (a new storage). */
function viewOnDevice(x: Tensor, shape: readonly number[]): Tensor {
  return new Tensor((x._deviceStorage as DeviceTensor).view(shape), shape, x);
}

type Entry = (...args: unknown[]) => unknown;

/**
 * A factory entry (full, range, cyclicRange, triangleMask, lowerTriangleMask, randperm, dropoutMask: no tensor
 * argument) on the device named by its trailing `device` argument: the device's kernel of that name when it has one,
 * otherwise the CPU entry's result uploaded (so seeded draws are the same on every device; float64 refused by upload).
 */
function factoryOnDevice(entry: string, device: RegisteredDevice, cpu: Entry, args: readonly unknown[]): Tensor {
  const kernel = device.kernels[entry] as Entry | undefined;
  if (kernel !== undefined && device.context !== undefined) return fromDeviceResult(device, kernel(device.context, ...args)) as Tensor;
  const host = cpu(...args) as Tensor;
  return new Tensor(device.upload(entry, host.data, host.shape, host.dtype), host.shape);
}

function routeEntry(entry: string, cpu: Entry): Entry {
  const route = (...args: unknown[]): unknown => {
    const device = registered;
    if (device === null) return cpu(...args);
    if (!args.some(onDevice)) {
      // no tensor on a device: a factory entry whose last argument names the device goes there, anything else runs here
      return args.length > 0 && args[args.length - 1] === device.device ? factoryOnDevice(entry, device, cpu, args.slice(0, -1)) : cpu(...args);
    }
    if (entry === 'view') return viewOnDevice(args[0] as Tensor, args[1] as readonly number[]);
    const kernel = device.kernels[entry] as Entry | undefined;
    if (kernel === undefined) throw new Error(`${entry} is not implemented on ${device.device} yet`);
    const uploaded: DeviceTensor[] = [];
    const result = kernel(...args.map((a) => toDeviceArgument(entry, device, a, uploaded)));
    for (const scalar of uploaded) scalar.release(); // pooled once the kernels recorded with it have run
    return fromDeviceResult(device, result);
  };
  return route;
}

/** The entries of a CPU backend module, each dispatching on its arguments' device. */
function routed<T extends object>(cpu: T): T {
  const table: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(cpu)) table[name] = typeof value === 'function' ? routeEntry(name, value as Entry) : value;
  return table as T;
}

// ---- the table ----

export { type Backend, getBackend, setBackend } from './cpu/variant.js';
export type { BinaryOp } from './elementwise.js';
export type { ConvGeometry } from './im2col.js';
export type { AvgPoolDivisor, PoolGeometry } from './pool.js';

// storage, broadcasting, in-place updates and host-side checks
export const { add, addInPlace, addScalar_, binary, broadcastTo, cast, copy_, divScalar_, extremumShare, fill_, findNonFinite, findOutOfRange, full, maskSelect, mulInPlace, mulScalar_, view, where } = routed(cpuElementwise);

// elementwise math and activations
export const { abs, absBackward, applyMask, clamp, clampBackward, dropoutMask, exp, expBackward, gelu, geluBackward, leakyRelu, leakyReluBackward, log, logBackward, neg, powBaseGrad, powExponentGrad, relu, reluBackward, sigmoid, sigmoidBackward, softplus, softplusBackward, sqrt, sqrtBackward, tanh, tanhBackward } = routed(cpuUnary);

// reductions and normalizations along dims
export const { argExtremum, logSoftmax, logSoftmaxBackward, logSumExpDims, logsumexpBackward, putAlong, softmax, softmaxBackward, sumDims, takeAlong } = routed(cpuReduce);

// copies and indexing
export const { concat, copyWindow, gather, indexAdd, indexSelect, permute, readWindow, scatterAdd } = routed(cpuIndexing);

// matrix products
export const { batchedMatmul, matmul2d, sumRows } = routed(cpuLinalg);

// convolution and pooling
export const { conv2dBackward, conv2dBiasBackward, conv2dForward } = routed(cpuConv);
export const { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } = routed(cpuPool);
export const { batchNorm, batchNormBackward, batchNormStats, invStd, updateRunningStat } = routed(cpuBatchnorm);

// losses
export { type ClassLossGeometry, type LossReduction } from './cpu/loss.js';
export const { crossEntropy, crossEntropyBackward, mseLossBackward, nllLoss, nllLossBackward, reduceLoss } = routed(cpuLoss);

// optimizer updates and gradient clipping (@torchlet/optim)
export { type AdamSettings, type SgdSettings } from './cpu/optim.js';
export const { adamUpdate, clampMagnitude_, sgdUpdate, totalNorm } = routed(cpuOptim);

// ---- sequence ops (issue 15; branch seq2): index ranges and causal masks, so the ops make no storage of their own ----
export const { lowerTriangleMask, range } = routed(cpuSequence);

// index ranges, triangular masks, one-hot encodings and permutations (flip, roll, triu/tril, oneHot, randperm)
export const { cyclicRange, maxElement, nonzeroFlat, oneHot, randperm, triangleMask } = routed(cpuRanges);

// ---- bool dtype (issue 10; branch bool): logical ops on bool storage ----
export const { logical } = routed(cpuElementwise);
export type { LogicalOp } from './elementwise.js';

// ---- issue 13's math (branch math): elementwise functions, amax/amin, cumulative sums and products, sorting ----
export { type MathBinaryOp, type MathUnaryOp } from './cpu/math.js';
export const { argsort, cumulative, extremumDims, mathBinary, mathUnary, round } = routed(cpuMath);

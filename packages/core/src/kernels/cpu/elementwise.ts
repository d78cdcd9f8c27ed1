import { type Device, Tensor } from '../../tensor.js';
import { empty } from './output.js';
import { type DType, type TypedArray, allocate, storedValue } from '../../dtype.js';
import { numelOf, sameShape } from '../../shape.js';
import {
  type BinaryOp, type LogicalOp, addArrays, addInto, binaryBroadcast, broadcastTo as broadcastLoop, extremumShareLoop, logicalLoop, maskedCopy,
  nonzeroLoop, whereLoop,
} from '../elementwise.js';
import { addIntoF32, binarySameShapeF32 } from '../elementwise-f32.js';
import { addScalarInPlace, divScalarInPlace, firstNonFinite, firstOutOfRange, mulScalarInPlace, scaledCopy, truncLoop } from '../unary.js';

/**
 * The CPU backend's storage, broadcasting and in-place entries: each unwraps the typed arrays of its tensors,
 * runs a plain loop from kernels/elementwise.ts or kernels/unary.ts, and returns a new Tensor (or writes into one
 * the op owns). Shapes are checked by the ops; these trust them.
 */

/** A tensor's values read at a broadcast shape (a copy only when it is smaller). */
export function expandedData(t: Tensor, shape: readonly number[]): TypedArray {
  if (sameShape(t.shape, shape)) return t.data;
  const out = allocate(t.dtype, numelOf(shape));
  broadcastLoop(t.data, t.shape, out, shape);
  return out;
}

/**
 * a op b broadcast to `shape` (the broadcast of both shapes), as a new tensor of `dtype`. On bool operands add is a
 * logical or (True + True is True, as PyTorch's); mul, maximum and minimum of 0/1 values are already 0/1.
 */
export function binary(op: BinaryOp, a: Tensor, b: Tensor, shape: readonly number[], dtype: DType): Tensor {
  const out = empty(shape, dtype);
  const [A, B, O] = [a.data, b.data, out.data];
  const f32 = A instanceof Float32Array && B instanceof Float32Array && O instanceof Float32Array;
  if (f32 && A.length === O.length && B.length === O.length && binarySameShapeF32(op, A, B, O)) return out;
  binaryBroadcast(op === 'add' && dtype === 'bool' ? 'maximum' : op, A, a.shape, B, b.shape, O, shape);
  return out;
}

/** logicalAnd/Or/Xor of two bool tensors broadcast to `shape`, as a new bool tensor. */
export function logical(op: LogicalOp, a: Tensor, b: Tensor, shape: readonly number[]): Tensor {
  const out = empty(shape, 'bool');
  logicalLoop(op, expandedData(a, shape), expandedData(b, shape), out.data);
  return out;
}

/** a + b of one shape and dtype, as a new tensor (the tape's gradient sum). */
export function add(a: Tensor, b: Tensor): Tensor {
  const out = empty(a.shape, a.dtype);
  const [A, B, O] = [a.data, b.data, out.data];
  if (!(A instanceof Float32Array && B instanceof Float32Array && O instanceof Float32Array && binarySameShapeF32('add', A, B, O))) {
    addArrays(A, B, O);
  }
  return out;
}

/** x copied to a larger shape it broadcasts to. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const out = empty(shape, x.dtype);
  broadcastLoop(x.data, x.shape, out.data, shape);
  return out;
}

/** The same storage under another shape of as many elements; shares x's version counter (a view). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  return new Tensor(x.data, shape, x);
}

/** A new tensor of `dtype` with x's values; float to int32 truncates toward zero; to bool, nonzero (NaN too) is true. */
export function cast(x: Tensor, dtype: DType): Tensor {
  const out = empty(x.shape, dtype);
  if (dtype === 'bool' && x.dtype !== 'bool') nonzeroLoop(x.data, out.data);
  else if (dtype === 'int32' && x.dtype !== 'int32') truncLoop(x.data, out.data);
  else out.data.set(x.data);
  return out;
}

/** A new tensor of `shape` filled with value (stored as `dtype` stores it: a bool holds 1 for any nonzero value). The device is the router's (kernels/backend.ts): this entry always makes a CPU tensor. */
export function full(shape: readonly number[], value: number, dtype: DType, _device: Device = 'cpu'): Tensor {
  const out = empty(shape, dtype);
  if (!Object.is(value, 0)) out.data.fill(storedValue(value, dtype)); // -0 too, so a number -0 keeps its sign
  return out;
}

/** where(cond, a, b) at `shape`, and the int32 mask (1 where a was taken) its gradient needs. */
export function where(cond: Tensor, a: Tensor, b: Tensor, shape: readonly number[], dtype: DType): { out: Tensor; mask: Tensor } {
  const out = empty(shape, dtype);
  const mask = empty(shape, 'int32');
  whereLoop(expandedData(cond, shape), expandedData(a, shape), expandedData(b, shape), out.data, mask.data as Int32Array);
  return { out, mask };
}

/** g where the mask equals keep, else 0, at the mask's shape. */
export function maskSelect(mask: Tensor, keep: 0 | 1, g: Tensor): Tensor {
  const out = empty(mask.shape, g.dtype);
  maskedCopy(mask.data as Int32Array, keep, g.data, out.data);
  return out;
}

/** maximum's (sign 1) or minimum's (sign -1) gradient for `self` at g's shape, before summing back to self's shape. */
export function extremumShare(self: Tensor, other: Tensor, g: Tensor, sign: 1 | -1): Tensor {
  const out = empty(g.shape, self.dtype);
  extremumShareLoop(expandedData(self, g.shape), expandedData(other, g.shape), g.data, sign, out.data);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// In place: the op checks writability and bumps the version

/** self += scale·other, other broadcast to self's shape. */
export function addInPlace(self: Tensor, other: Tensor, scale: number): void {
  const d = self.data;
  if (scale === 1) {
    const o = other.data;
    if (sameShape(self.shape, other.shape)) {
      if (d instanceof Float32Array && o instanceof Float32Array) addIntoF32(d, o);
      else addInto(d, o);
    }
    else binaryBroadcast('add', d, self.shape, other.data, other.shape, d, self.shape);
    return;
  }
  // scaled in float64, then added, so alpha·other is rounded once, into self's dtype
  const scaled = new Float64Array(other.data.length);
  scaledCopy(other.data, scale, scaled);
  binaryBroadcast('add', d, self.shape, scaled, other.shape, d, self.shape);
}

/** self *= other, other broadcast to self's shape. */
export function mulInPlace(self: Tensor, other: Tensor): void {
  binaryBroadcast('mul', self.data, self.shape, other.data, other.shape, self.data, self.shape);
}

export function addScalar_(self: Tensor, value: number): void {
  addScalarInPlace(self.data, value);
}

export function mulScalar_(self: Tensor, value: number): void {
  mulScalarInPlace(self.data, value);
}

/** self[i] /= value: a division, so the bits are those of x / value (not x · (1 / value)). */
export function divScalar_(self: Tensor, value: number): void {
  divScalarInPlace(self.data, value);
}

/** Every element set to value (an int32 store truncates toward zero, a bool one stores nonzero as 1). */
export function fill_(self: Tensor, value: number): void {
  self.data.fill(storedValue(value, self.dtype));
}

/** self's values replaced by src broadcast to self's shape, converted to self's dtype (an int32 store truncates). */
export function copy_(self: Tensor, src: Tensor): void {
  const values = self.dtype === 'bool' && src.dtype !== 'bool' ? cast(src, 'bool') : src;
  broadcastLoop(values.data, values.shape, self.data, self.shape);
}

// ---------------------------------------------------------------------------------------------------------------
// Values an op inspects on the host

/**
 * The first element that is NaN or ±Infinity, or null. (`producedBy`, e.g. 'mul forward', is for a device backend, which
 * reports at the next read; here the caller throws at once.)
 */
export function findNonFinite(x: Tensor, _producedBy?: string): { index: number; value: number } | null {
  const i = firstNonFinite(x.data);
  return i < 0 ? null : { index: i, value: x.data[i] };
}

/** The first element outside [low, high) that is not `except` (a class or gather index check), or null. */
export function findOutOfRange(x: Tensor, low: number, high: number, except: number | null = null): { index: number; value: number } | null {
  const i = firstOutOfRange(x.data, low, high, except);
  return i < 0 ? null : { index: i, value: x.data[i] };
}

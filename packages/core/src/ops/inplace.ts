import { typed } from '../op.js';
import { isGradEnabled } from '../tape.js';
import { Tensor } from '../tensor.js';
import { checkValueFits, isFloating } from '../dtype.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { checkOptionKeys } from '../options.js';

/**
 * In-place updates: they write into self's storage (through the backend's in-place kernels), bump its version counter (so a backward rule that saved self
 * refuses to run) and return self. They are not recorded on the tape: `other` and `src` are read as plain values,
 * as if detached. As in PyTorch they refuse a tensor that requires grad while grad mode is on; optimizer steps
 * and similar updates run inside noGrad.
 */

export interface AlphaOptions {
  /** Multiplier of `other`: `self += alpha·other`. */
  alpha?: number;
}

function checkWritable(op: string, self: Tensor): void {
  if (!isGradEnabled() || !self.requiresGrad) return;
  if (self.isLeaf) {
    throw new Error(
      `${op}: a leaf tensor that requires grad (shape ${formatShape(self.shape)}) cannot be modified in place while grad mode is on; ` +
        'wrap the update in noGrad(() => ...)',
    );
  }
  throw new Error(
    `${op}: the output of ${self.gradFn} (shape ${formatShape(self.shape)}) is part of the graph and cannot be modified in place ` +
      'while grad mode is on; use the out-of-place op, or noGrad(() => ...) if the graph is not needed',
  );
}

function checkBroadcastsToSelf(op: string, self: Tensor, other: Tensor): void {
  const shape = broadcastShapes(self.shape, other.shape);
  if (!shape || !sameShape(shape, self.shape)) {
    throw new Error(`${op}: other of shape ${formatShape(other.shape)} cannot be broadcast to self's shape ${formatShape(self.shape)}`);
  }
}

/** An int32 tensor cannot hold a fractional result: refuse, as PyTorch does, rather than truncate silently. */
function checkIntegral(op: string, self: Tensor, other: Tensor | number, alpha: number): void {
  if (self.dtype !== 'int32') return;
  const fractional = other instanceof Tensor ? isFloating(other.dtype) : !Number.isInteger(other);
  if (fractional || !Number.isInteger(alpha)) {
    const what = other instanceof Tensor ? `other of dtype ${other.dtype}` : `other ${other}`;
    throw new Error(`${op}: result of ${what}${alpha !== 1 ? ` and alpha ${alpha}` : ''} is fractional and can't be written into self of dtype int32`);
  }
}

function alphaOf(op: string, options: AlphaOptions | undefined): number {
  if (options === undefined) return 1;
  checkOptionKeys(op, options, ['alpha']);
  const alpha = options.alpha ?? 1;
  if (typeof alpha !== 'number' || Number.isNaN(alpha)) throw new TypeError(`${op}: alpha must be a number, got ${String(alpha)}`);
  return alpha;
}

/**
 * add_ (a logical or, or nothing for alpha 0) and mul_ (and) into a bool self, as PyTorch: other must be bool too,
 * since any other result type cannot be written into bool; sub_ on bool is refused, as PyTorch's `-` on bool is.
 */
function boolInPlace(op: 'add_' | 'sub_' | 'mul_', self: Tensor, other: Tensor | number, alpha: number): Tensor {
  if (op === 'sub_') throw new TypeError('sub_: subtracting from a bool tensor is not supported, as in PyTorch; use logicalXor instead');
  if (!(other instanceof Tensor) || other.dtype !== 'bool') {
    const what = other instanceof Tensor ? `other of dtype ${other.dtype}` : `other ${other}`;
    throw new TypeError(`${op}: the result of self of dtype bool and ${what} can't be written into self of dtype bool (as in PyTorch)`);
  }
  checkBroadcastsToSelf(op, self, other);
  if (op === 'mul_' || alpha !== 0) kernels.copy_(self, kernels.binary(op === 'mul_' ? 'minimum' : 'maximum', self, other, self.shape, 'bool'));
  self._bumpVersion();
  return self;
}

/** self += alpha·other (alpha negated for sub_), other broadcast to self's shape. */
function accumulate(op: 'add_' | 'sub_', self: Tensor, other: Tensor | number, options: AlphaOptions | undefined): Tensor {
  checkWritable(op, self);
  const alpha = alphaOf(op, options);
  if (self.dtype === 'bool') return boolInPlace(op, self, other, alpha);
  checkIntegral(op, self, other, alpha);
  const scale = op === 'sub_' ? -alpha : alpha;
  if (other instanceof Tensor) {
    checkBroadcastsToSelf(op, self, other);
    kernels.addInPlace(self, other, scale);
  } else {
    kernels.addScalar_(self, scale * other);
  }
  self._bumpVersion();
  return self;
}

const accumulateSignatures = (op: 'add_' | 'sub_') => ({
  'Tensor, Tensor | number': (self: Tensor, other: Tensor | number) => accumulate(op, self, other, undefined),
  'Tensor, Tensor | number, Object | undefined': (self: Tensor, other: Tensor | number, options: AlphaOptions | undefined) =>
    accumulate(op, self, other, options),
});

type Accumulate = (self: Tensor, other: Tensor | number, options?: AlphaOptions) => Tensor;

/** self += alpha·other in place; returns self. */
export const add_ = typed('add_', accumulateSignatures('add_')) as unknown as Accumulate;

/** self -= alpha·other in place; returns self. */
export const sub_ = typed('sub_', accumulateSignatures('sub_')) as unknown as Accumulate;

/** self *= other in place (other broadcast to self's shape); returns self. */
export const mul_ = typed('mul_', {
  'Tensor, Tensor | number': (self: Tensor, other: Tensor | number) => {
    checkWritable('mul_', self);
    if (self.dtype === 'bool') return boolInPlace('mul_', self, other, 1);
    checkIntegral('mul_', self, other, 1);
    if (other instanceof Tensor) {
      checkBroadcastsToSelf('mul_', self, other);
      kernels.mulInPlace(self, other);
    } else {
      kernels.mulScalar_(self, other);
    }
    self._bumpVersion();
    return self;
  },
}) as unknown as (self: Tensor, other: Tensor | number) => Tensor;

/** Sets every element to value (truncated toward zero for int32, like PyTorch's cast); returns self. */
export const fill_ = typed('fill_', {
  'Tensor, number': (self: Tensor, value: number) => {
    checkWritable('fill_', self);
    checkValueFits('fill_', value, self.dtype);
    kernels.fill_(self, value);
    self._bumpVersion();
    return self;
  },
}) as unknown as (self: Tensor, value: number) => Tensor;

/** Sets every element to 0; returns self. */
export const zero_ = typed('zero_', {
  Tensor: (self: Tensor) => {
    checkWritable('zero_', self);
    kernels.fill_(self, 0);
    self._bumpVersion();
    return self;
  },
}) as unknown as (self: Tensor) => Tensor;

/** Copies src's values into self, broadcasting src to self's shape and converting dtype (float to int32 truncates). */
export const copy_ = typed('copy_', {
  'Tensor, Tensor': (self: Tensor, src: Tensor) => {
    checkWritable('copy_', self);
    const shape = broadcastShapes(self.shape, src.shape);
    if (!shape || !sameShape(shape, self.shape)) {
      throw new Error(`copy_: src of shape ${formatShape(src.shape)} cannot be broadcast to self's shape ${formatShape(self.shape)}`);
    }
    // an Int32Array store truncates toward zero, which is the float-to-int conversion PyTorch's copy_ does
    kernels.copy_(self, src);
    self._bumpVersion();
    return self;
  },
}) as unknown as (self: Tensor, src: Tensor) => Tensor;

declare module '../tensor.js' {
  interface Tensor {
    add_(other: Tensor | number, options?: AlphaOptions): this;
    sub_(other: Tensor | number, options?: AlphaOptions): this;
    mul_(other: Tensor | number): this;
    fill_(value: number): this;
    zero_(): this;
    copy_(src: Tensor): this;
  }
}

Tensor.prototype.add_ = function (other, options) { add_(this, other, options); return this; };
Tensor.prototype.sub_ = function (other, options) { sub_(this, other, options); return this; };
Tensor.prototype.mul_ = function (other) { mul_(this, other); return this; };
Tensor.prototype.fill_ = function (value) { fill_(this, value); return this; };
Tensor.prototype.zero_ = function () { zero_(this); return this; };
Tensor.prototype.copy_ = function (src) { copy_(this, src); return this; };

import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { empty } from '../creation.js';
import { type DType, type TypedArray, allocate } from '../dtype.js';
import { broadcastShapes, numelOf, sameShape } from '../shape.js';
import { broadcastTo } from '../kernels/elementwise.js';
import { getBackend } from '../kernels/backend.js';
import { reluGradWasm, reluWasm } from '../kernels/wasm/convpool.js';
import { binarySignatures, broadcastBinary, type TensorOrNumber } from './arithmetic.js';
import { sumToShape } from './reduction.js';
import { checkOptionKeys } from '../options.js';

/**
 * Elementwise math and activations. Each op has its own forward and backward loop (no per-element callbacks):
 * these sit in every training step. Ops whose result is fractional (exp, log, sigmoid, ...) turn int32 into
 * float32 as PyTorch does; abs, relu and clamp with integer bounds keep int32.
 */

/** The result dtype of an op with no integer result: int32 becomes float32. */
function floatDType(x: Tensor): DType {
  return x.dtype === 'int32' ? 'float32' : x.dtype;
}

function checkNumberOption(op: string, key: string, value: unknown): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${op}: ${key} must be a number, got ${String(value)}`);
}

type SavedContext = OpContext<undefined>;

/**
 * A one-input elementwise op from its two loops. The loops live in the callers' closures and run once per
 * tensor, so each stays monomorphic; `saves` says whether backward reads the input x or the output y.
 */
function elementwiseOp(
  name: string,
  saves: 'input' | 'output',
  resultDType: (x: Tensor) => DType,
  forwardLoop: (x: TypedArray, out: TypedArray) => void,
  backwardLoop: (saved: TypedArray, g: TypedArray, gx: TypedArray) => void,
): (x: Tensor) => Tensor {
  return defineOp({
    name,
    signatures: ['Tensor'],
    forward(ctx: SavedContext, x: Tensor) {
      const out = empty(x.shape, resultDType(x));
      forwardLoop(x.data, out.data);
      ctx.save(saves === 'input' ? x : out);
      return out;
    },
    backward(ctx, g) {
      const [t] = ctx.saved;
      const gx = empty(t.shape, t.dtype);
      backwardLoop(t.data, g.data, gx.data);
      return [gx];
    },
  });
}

const sameDType = (x: Tensor): DType => x.dtype;

export const exp = elementwiseOp(
  'exp', 'output', floatDType,
  (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.exp(x[i]); },
  (y, g, gx) => { for (let i = 0; i < gx.length; i++) gx[i] = g[i] * y[i]; },
);

export const log = elementwiseOp(
  'log', 'input', floatDType,
  (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.log(x[i]); },
  (x, g, gx) => { for (let i = 0; i < gx.length; i++) gx[i] = g[i] / x[i]; },
);

export const sqrt = elementwiseOp(
  'sqrt', 'output', floatDType,
  (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.sqrt(x[i]); },
  (y, g, gx) => { for (let i = 0; i < gx.length; i++) gx[i] = g[i] / (2 * y[i]); },
);

/** |x|; the gradient is sign(x), 0 at 0 as in PyTorch. int32 stays int32. */
export const abs = elementwiseOp(
  'abs', 'input', sameDType,
  (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.abs(x[i]); },
  (x, g, gx) => {
    for (let i = 0; i < gx.length; i++) {
      const v = x[i];
      gx[i] = v > 0 ? g[i] : v < 0 ? -g[i] : 0;
    }
  },
);

/** Each operand read at the broadcast output shape (a copy only when it is smaller). */
function expandedData(t: Tensor, shape: readonly number[]): TypedArray {
  if (sameShape(t.shape, shape)) return t.data;
  const out = allocate(t.dtype, numelOf(shape));
  broadcastTo(t.data, t.shape, out, shape);
  return out;
}

/**
 * x ** exponent with broadcasting; a number exponent is a 0-d tensor that needs no gradient. int32 ** int32 stays
 * int32 (negative integer exponents are refused, as in PyTorch); otherwise the usual promotion.
 */
export const pow = defineOp({
  name: 'pow',
  signatures: binarySignatures,
  forward(ctx, x: Tensor, exponent: Tensor) {
    if (x.dtype === 'int32' && exponent.dtype === 'int32') {
      const e = exponent.data;
      for (let i = 0; i < e.length; i++) {
        if (e[i] < 0) throw new Error(`pow: integers to negative integer powers are not allowed (exponent ${e[i]}); convert to float first`);
      }
    }
    ctx.save(x, exponent);
    return broadcastBinary('pow', 'pow', x, exponent);
  },
  backward(ctx, g) {
    const [x, e] = ctx.saved;
    const shape = broadcastShapes(x.shape, e.shape)!;
    const xd = expandedData(x, shape);
    const ed = expandedData(e, shape);
    const gd = g.data;
    let gx: Tensor | null = null;
    let ge: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      // d/dx x^e = e·x^(e-1), taken as 0 where e = 0 (PyTorch's rule, so 0^0 has gradient 0 rather than NaN)
      const full = empty(shape, x.dtype);
      const o = full.data;
      for (let i = 0; i < o.length; i++) {
        const p = ed[i];
        o[i] = p === 0 ? 0 : gd[i] * p * Math.pow(xd[i], p - 1);
      }
      gx = sumToShape(full, x.shape);
    }
    if (ctx.needsInputGrad[1]) {
      // d/de x^e = x^e·ln x, taken as 0 where x = 0 and e >= 0 (the limit), as PyTorch does
      const full = empty(shape, e.dtype);
      const o = full.data;
      for (let i = 0; i < o.length; i++) {
        const b = xd[i];
        const p = ed[i];
        o[i] = b === 0 && p >= 0 ? 0 : gd[i] * Math.pow(b, p) * Math.log(b);
      }
      ge = sumToShape(full, e.shape);
    }
    return [gx, ge];
  },
}) as unknown as (x: TensorOrNumber, exponent: TensorOrNumber) => Tensor;

export interface ClampOptions {
  min?: number | null;
  max?: number | null;
}

type Bound = number | null | undefined;
type ClampArgs = [Tensor, number | null, number | null];

function clampArgs(x: Tensor, min: Bound, max: Bound): ClampArgs {
  if (min !== null && min !== undefined) checkNumberOption('clamp', 'min', min);
  if (max !== null && max !== undefined) checkNumberOption('clamp', 'max', max);
  if ((min === null || min === undefined) && (max === null || max === undefined)) {
    throw new Error("clamp: at least one of 'min' or 'max' must be given");
  }
  return [x, min ?? null, max ?? null];
}

/**
 * Limits x to [min, max] (either bound may be omitted). As in PyTorch, min is applied first, so min > max gives max
 * everywhere; the gradient passes where min <= x <= max (bounds included) and is 0 elsewhere.
 */
export const clamp = defineOp({
  name: 'clamp',
  signatures: {
    'Tensor, Object': (x: Tensor, options: ClampOptions): ClampArgs => {
      checkOptionKeys('clamp', options, ['min', 'max']);
      return clampArgs(x, options.min, options.max);
    },
    'Tensor, number | null | undefined': (x: Tensor, min: Bound): ClampArgs => clampArgs(x, min, null),
    'Tensor, number | null | undefined, number | null | undefined': (x: Tensor, min: Bound, max: Bound): ClampArgs => clampArgs(x, min, max),
  },
  forward(ctx: OpContext<[number, number]>, x: Tensor, min: number | null, max: number | null) {
    const lo = min ?? -Infinity;
    const hi = max ?? Infinity;
    const integral = Number.isInteger(min ?? 0) && Number.isInteger(max ?? 0);
    const out = empty(x.shape, x.dtype === 'int32' && !integral ? 'float32' : x.dtype);
    const s = x.data;
    const o = out.data;
    for (let i = 0; i < o.length; i++) {
      const v = s[i];
      // written so that NaN passes through unchanged
      const above = v < lo ? lo : v;
      o[i] = above > hi ? hi : above;
    }
    ctx.save(x);
    ctx.state = [lo, hi];
    return out;
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    const [lo, hi] = ctx.state;
    const gx = empty(x.shape, x.dtype);
    const gd = g.data;
    const xd = x.data;
    const o = gx.data;
    for (let i = 0; i < o.length; i++) {
      const v = xd[i];
      o[i] = v >= lo && v <= hi ? gd[i] : 0;
    }
    return [gx];
  },
}) as unknown as {
  (x: Tensor, options: ClampOptions): Tensor;
  (x: Tensor, min: number | null | undefined, max?: number | null): Tensor;
};

/** Below this many elements the plain loop wins: making the integer views costs about as much as a few dozen elements. */
const BIT_LOOP_MIN_LENGTH = 256;
/** From this many elements relu runs in WebAssembly SIMD (kernels/wasm/convpool.ts), copies in and out included. */
const WASM_MIN_LENGTH = 4096;

/**
 * The same memory read as 32-bit integers. ReLU's sign test on random-signed activations mispredicts about half
 * the time when written as a branch (7 ns per element); on the float32 bit pattern it is a few integer operations.
 */
function bitsOf(a: Float32Array): Int32Array {
  return new Int32Array(a.buffer, a.byteOffset, a.length);
}

/** relu on float32 bit patterns: zeroes every negative number (-0 and -Infinity included) but not a NaN. */
function reluFloat32Bits(x: Int32Array, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    const b = x[i];
    // -1 unless the magnitude bits are above Infinity's (a NaN), then 0
    const notNaN = ((b & 0x7fffffff) - 0x7f800001) >> 31;
    out[i] = b & ~((b >> 31) & notNaN);
  }
}

/** relu's gradient on float32 bit patterns: g where y > 0 (a positive number, +Infinity included), else +0. */
function reluGradFloat32Bits(y: Int32Array, g: Int32Array, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    // y > 0 exactly when its bits b satisfy 1 <= b <= 0x7f800000, i.e. 0 <= b - 1 <= 0x7f7fffff
    const t = (y[i] - 1) | 0;
    out[i] = g[i] & ~((t | (0x7f7fffff - t)) >> 31);
  }
}

/** max(x, 0); the gradient at 0 is 0, as in PyTorch. int32 stays int32. */
export const relu = defineOp({
  name: 'relu',
  signatures: ['Tensor'],
  forward(ctx: SavedContext, x: Tensor) {
    const out = empty(x.shape, x.dtype);
    const s = x.data;
    const o = out.data;
    if (s instanceof Float32Array && s.length >= WASM_MIN_LENGTH && getBackend() === 'wasm' && reluWasm(s, o as Float32Array)) {
      // done: the same bits as the loop below, with f32x4 lanes
    } else if (s instanceof Float32Array && s.length >= BIT_LOOP_MIN_LENGTH) {
      reluFloat32Bits(bitsOf(s), bitsOf(o as Float32Array));
    } else {
      for (let i = 0; i < o.length; i++) {
        const v = s[i];
        o[i] = v > 0 || v !== v ? v : 0; // NaN passes through, as in PyTorch; -0 becomes +0, as in the bit loop
      }
    }
    ctx.save(out);
    return out;
  },
  backward(ctx, g) {
    // y > 0 exactly where x > 0, so the output serves as the mask and x need not be kept
    const [y] = ctx.saved;
    const gx = empty(y.shape, y.dtype);
    const gd = g.data;
    const yd = y.data;
    const o = gx.data;
    const f32 = yd instanceof Float32Array && gd instanceof Float32Array;
    if (f32 && yd.length >= WASM_MIN_LENGTH && getBackend() === 'wasm' && reluGradWasm(yd, gd, o as Float32Array)) {
      // done: the same bits as the loop below, with i32x4 lanes
    } else if (f32 && yd.length >= BIT_LOOP_MIN_LENGTH) {
      reluGradFloat32Bits(bitsOf(yd), bitsOf(gd), bitsOf(o as Float32Array));
    } else {
      for (let i = 0; i < o.length; i++) o[i] = yd[i] > 0 ? gd[i] : 0;
    }
    return [gx];
  },
});

/** x where x > 0, negativeSlope·x elsewhere (the gradient at 0 is negativeSlope, as in PyTorch). */
export const leakyRelu = defineOp({
  name: 'leakyRelu',
  signatures: {
    Tensor: (x: Tensor): [Tensor, number] => [x, 0.01],
    'Tensor, number | undefined': (x: Tensor, negativeSlope: number | undefined): [Tensor, number] => [x, negativeSlope ?? 0.01],
  },
  forward(ctx: OpContext<number>, x: Tensor, slope: number) {
    checkNumberOption('leakyRelu', 'negativeSlope', slope);
    const out = empty(x.shape, floatDType(x));
    const s = x.data;
    const o = out.data;
    for (let i = 0; i < o.length; i++) {
      const v = s[i];
      o[i] = v > 0 ? v : v * slope;
    }
    ctx.save(x);
    ctx.state = slope;
    return out;
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    const slope = ctx.state;
    const gx = empty(x.shape, x.dtype);
    const gd = g.data;
    const xd = x.data;
    const o = gx.data;
    for (let i = 0; i < o.length; i++) o[i] = xd[i] > 0 ? gd[i] : gd[i] * slope;
    return [gx];
  },
}) as unknown as (x: Tensor, negativeSlope?: number) => Tensor;

export const sigmoid = elementwiseOp(
  'sigmoid', 'output', floatDType,
  (x, y) => {
    for (let i = 0; i < y.length; i++) {
      const v = x[i];
      // exp of a non-positive number only, so large |x| neither overflows nor loses the small tail
      if (v >= 0) {
        y[i] = 1 / (1 + Math.exp(-v));
      } else {
        const e = Math.exp(v);
        y[i] = e / (1 + e);
      }
    }
  },
  (y, g, gx) => {
    for (let i = 0; i < gx.length; i++) {
      const v = y[i];
      gx[i] = g[i] * v * (1 - v);
    }
  },
);

export const tanh = elementwiseOp(
  'tanh', 'output', floatDType,
  (x, y) => { for (let i = 0; i < y.length; i++) y[i] = Math.tanh(x[i]); },
  (y, g, gx) => {
    for (let i = 0; i < gx.length; i++) {
      const v = y[i];
      gx[i] = g[i] * (1 - v * v);
    }
  },
);

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_COEF = 0.044715;
/** Below it the series of erf is used, above it the continued fraction of erfc: both converge quickly there. */
const ERF_SERIES_LIMIT = 2;

/**
 * erfc(z) for z >= 0, to about 1e-15 relative accuracy (float64 gradcheck needs far better than the common
 * Abramowitz-Stegun fit). Below ERF_SERIES_LIMIT: 1 − erf(z) with erf(z) = 2/√π·e^(−z²)·Σ z·(2z²)^n / (1·3·…·(2n+1)),
 * a series of positive terms, so nothing cancels. Above: the continued fraction
 * erfc(z) = e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), evaluated by the modified Lentz method.
 */
function erfcNonNegative(z: number): number {
  if (z < ERF_SERIES_LIMIT) {
    const twoZ2 = 2 * z * z;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= twoZ2 / (2 * n + 1);
      sum += term;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-z * z) * sum;
  }
  if (z > 27) return 0; // e^(−z²) underflows
  const tiny = 1e-300;
  let f = z;
  let c = z;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = z + a * d;
    d = 1 / (d === 0 ? tiny : d);
    c = z + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-z * z)) / f;
}

/** Φ(x), the standard normal CDF, as 0.5·erfc(−x/√2), taking the erfc of a non-negative number on either side. */
function normalCdf(x: number): number {
  const z = x * Math.SQRT1_2;
  return z >= 0 ? 1 - 0.5 * erfcNonNegative(z) : 0.5 * erfcNonNegative(-z);
}

export type GeluApproximate = 'none' | 'tanh';

export interface GeluOptions {
  /** 'none' (default): x·Φ(x) with the exact erf; 'tanh': PyTorch's tanh approximation. */
  approximate?: GeluApproximate;
}

/** x·Φ(x), or its tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export const gelu = defineOp({
  name: 'gelu',
  signatures: {
    Tensor: (x: Tensor): [Tensor, GeluApproximate] => [x, 'none'],
    'Tensor, Object | undefined': (x: Tensor, options: GeluOptions | undefined): [Tensor, GeluApproximate] => {
      checkOptionKeys('gelu', options ?? {}, ['approximate']);
      const approximate = options?.approximate ?? 'none';
      if (approximate !== 'none' && approximate !== 'tanh') {
        throw new TypeError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
      }
      return [x, approximate];
    },
  },
  forward(ctx: OpContext<GeluApproximate>, x: Tensor, approximate: GeluApproximate) {
    const out = empty(x.shape, floatDType(x));
    const s = x.data;
    const o = out.data;
    if (approximate === 'tanh') {
      for (let i = 0; i < o.length; i++) {
        const v = s[i];
        o[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + GELU_TANH_COEF * v * v * v)));
      }
    } else {
      for (let i = 0; i < o.length; i++) {
        const v = s[i];
        o[i] = v * normalCdf(v);
      }
    }
    ctx.save(x);
    ctx.state = approximate;
    return out;
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    const gx = empty(x.shape, x.dtype);
    const gd = g.data;
    const xd = x.data;
    const o = gx.data;
    if (ctx.state === 'tanh') {
      for (let i = 0; i < o.length; i++) {
        const v = xd[i];
        const t = Math.tanh(SQRT_2_OVER_PI * (v + GELU_TANH_COEF * v * v * v));
        const dInner = SQRT_2_OVER_PI * (1 + 3 * GELU_TANH_COEF * v * v);
        o[i] = gd[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * dInner);
      }
    } else {
      // d/dx x·Φ(x) = Φ(x) + x·φ(x)
      for (let i = 0; i < o.length; i++) {
        const v = xd[i];
        o[i] = gd[i] * (normalCdf(v) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
      }
    }
    return [gx];
  },
}) as unknown as (x: Tensor, options?: GeluOptions) => Tensor;

export interface SoftplusOptions {
  beta?: number;
  /** Above beta·x > threshold the result is x itself (PyTorch's switch to the linear function, for stability). */
  threshold?: number;
}

/** log(1 + exp(beta·x)) / beta, linear where beta·x > threshold, as torch.nn.functional.softplus. */
export const softplus = defineOp({
  name: 'softplus',
  signatures: {
    Tensor: (x: Tensor): [Tensor, number, number] => [x, 1, 20],
    'Tensor, Object | undefined': (x: Tensor, options: SoftplusOptions | undefined): [Tensor, number, number] => {
      checkOptionKeys('softplus', options ?? {}, ['beta', 'threshold']);
      const { beta = 1, threshold = 20 } = options ?? {};
      checkNumberOption('softplus', 'beta', beta);
      checkNumberOption('softplus', 'threshold', threshold);
      return [x, beta, threshold];
    },
  },
  forward(ctx: OpContext<[number, number]>, x: Tensor, beta: number, threshold: number) {
    const out = empty(x.shape, floatDType(x));
    const s = x.data;
    const o = out.data;
    for (let i = 0; i < o.length; i++) {
      const v = s[i];
      const bx = beta * v;
      o[i] = bx > threshold ? v : Math.log1p(Math.exp(bx)) / beta;
    }
    ctx.save(x);
    ctx.state = [beta, threshold];
    return out;
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    const [beta, threshold] = ctx.state;
    const gx = empty(x.shape, x.dtype);
    const gd = g.data;
    const xd = x.data;
    const o = gx.data;
    for (let i = 0; i < o.length; i++) {
      const bx = beta * xd[i];
      if (bx > threshold) {
        o[i] = gd[i];
      } else {
        // sigmoid(beta·x), computed without overflow
        const e = Math.exp(-Math.abs(bx));
        o[i] = gd[i] * (bx >= 0 ? 1 / (1 + e) : e / (1 + e));
      }
    }
    return [gx];
  },
}) as unknown as (x: Tensor, options?: SoftplusOptions) => Tensor;

declare module '../tensor.js' {
  interface Tensor {
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    abs(): Tensor;
    pow(exponent: TensorOrNumber): Tensor;
    clamp(options: ClampOptions): Tensor;
    clamp(min: number | null | undefined, max?: number | null): Tensor;
    relu(): Tensor;
    leakyRelu(negativeSlope?: number): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    gelu(options?: GeluOptions): Tensor;
    softplus(options?: SoftplusOptions): Tensor;
  }
}

Tensor.prototype.exp = function () { return exp(this); };
Tensor.prototype.log = function () { return log(this); };
Tensor.prototype.sqrt = function () { return sqrt(this); };
Tensor.prototype.abs = function () { return abs(this); };
Tensor.prototype.pow = function (exponent) { return pow(this, exponent); };
// forwards exactly the arguments given: typed-function picks the signature by their number
Tensor.prototype.clamp = function (...args: [ClampOptions] | [Bound, Bound?]) { return (clamp as (...a: unknown[]) => Tensor)(this, ...args); };
Tensor.prototype.relu = function () { return relu(this); };
Tensor.prototype.leakyRelu = function (negativeSlope) { return leakyRelu(this, negativeSlope); };
Tensor.prototype.sigmoid = function () { return sigmoid(this); };
Tensor.prototype.tanh = function () { return tanh(this); };
Tensor.prototype.gelu = function (options) { return gelu(this, options); };
Tensor.prototype.softplus = function (options) { return softplus(this, options); };

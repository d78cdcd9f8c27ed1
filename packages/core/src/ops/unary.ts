import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { type DType, isFloating } from '../dtype.js';
import * as kernels from '../kernels/backend.js';
import { add, binarySignatures, broadcastBinary, div, mul, neg, sub, type TensorOrNumber } from './arithmetic.js';
import { defineGradientOp } from './gradient-ops.js';
import { sumToShape } from './reduction.js';
import { checkOptionKeys } from '../options.js';

/**
 * Elementwise math and activations: each op's dtype rule, forward and backward, the loops behind the backend
 * table. Ops whose result is fractional (exp, log, sigmoid, ...) turn int32 into float32 as PyTorch does; abs, relu
 * and clamp with integer bounds keep int32.
 */

/** The result dtype of an op with no integer result: int32 and bool become float32. */
function floatDType(x: Tensor): DType {
  return isFloating(x.dtype) ? x.dtype : 'float32';
}

function checkNumberOption(op: string, key: string, value: unknown): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${op}: ${key} must be a number, got ${String(value)}`);
}

type SavedContext = OpContext<undefined>;

/**
 * A one-input elementwise op from its forward kernel and its gradient op (gradient-ops.ts); `saves` says whether
 * the gradient reads the input x or the output y.
 */
function elementwiseOp(
  name: string,
  saves: 'input' | 'output',
  resultDType: (x: Tensor) => DType,
  forwardKernel: (x: Tensor, dtype: DType) => Tensor,
  gradientOp: (saved: Tensor, g: Tensor, params: null) => Tensor,
): (x: Tensor) => Tensor {
  return defineOp({
    name,
    signatures: ['Tensor'],
    forward(ctx: SavedContext, x: Tensor) {
      const out = forwardKernel(x, resultDType(x));
      ctx.save(saves === 'input' ? x : out);
      return out;
    },
    backward(ctx, g) {
      const [t] = ctx.saved;
      return [gradientOp(t, g, null)];
    },
  });
}

const sameDType = (x: Tensor): DType => x.dtype;

// Each gradient op's second derivative, with respect to what it saved: d/dt of kernel(t, g), times gg.
const expGrad = defineGradientOp('expBackward', (y, g) => kernels.expBackward(y, g), (_y, g, gg) => mul(gg, g));
const logGrad = defineGradientOp('logBackward', (x, g) => kernels.logBackward(x, g), (x, g, gg) => neg(div(div(mul(gg, g), x), x)));
const sqrtGrad = defineGradientOp('sqrtBackward', (y, g) => kernels.sqrtBackward(y, g), (y, g, gg) => neg(div(div(mul(gg, g), mul(y, 2)), y)));
const absGrad = defineGradientOp('absBackward', (x, g) => kernels.absBackward(x, g), () => null);
const sigmoidGrad = defineGradientOp('sigmoidBackward', (y, g) => kernels.sigmoidBackward(y, g), (y, g, gg) => mul(mul(gg, g), sub(1, mul(y, 2))));
const tanhGrad = defineGradientOp('tanhBackward', (y, g) => kernels.tanhBackward(y, g), (y, g, gg) => mul(mul(mul(gg, g), y), -2));

/** e^x. */
export const exp = elementwiseOp('exp', 'output', floatDType, kernels.exp, expGrad);
/** The natural logarithm. */
export const log = elementwiseOp('log', 'input', floatDType, kernels.log, logGrad);
/** The square root. */
export const sqrt = elementwiseOp('sqrt', 'output', floatDType, kernels.sqrt, sqrtGrad);
/** |x|; the gradient is sign(x), 0 at 0 as in PyTorch. int32 stays int32. */
export const abs = elementwiseOp('abs', 'input', sameDType, kernels.abs, absGrad);

/**
 * x ** exponent with broadcasting; a number exponent is a 0-d tensor that needs no gradient. int32 ** int32 stays
 * int32 (negative integer exponents are refused, as in PyTorch); otherwise the usual promotion.
 */
export const pow = defineOp({
  name: 'pow',
  signatures: binarySignatures,
  forward(ctx, x: Tensor, exponent: Tensor) {
    if (!isFloating(x.dtype) && !isFloating(exponent.dtype)) {
      const negative = kernels.findOutOfRange(exponent, 0, Infinity);
      if (negative) {
        throw new Error(`pow: integers to negative integer powers are not allowed (exponent ${negative.value}); convert to float first`);
      }
    }
    ctx.save(x, exponent);
    return broadcastBinary('pow', 'pow', x, exponent);
  },
  backward(ctx, g) {
    const [x, e] = ctx.saved;
    const gx = ctx.needsInputGrad[0] ? sumToShape(powBaseGrad(x, e, g), x.shape) : null;
    const ge = ctx.needsInputGrad[1] ? sumToShape(powExponentGrad(x, e, g), e.shape) : null;
    return [gx, ge];
  },
}) as unknown as (x: TensorOrNumber, exponent: TensorOrNumber) => Tensor;

/**
 * The gradient of x ** e for the base (g·e·x^(e-1)), at the broadcast shape, by its kernel with PyTorch's limits: 0
 * where e = 0 (so 0^0 has gradient 0). Its own backward (the second derivatives) is written in ops.
 */
const powBaseGrad = defineOp({
  name: 'powBaseGrad',
  signatures: ['Tensor, Tensor, Tensor'],
  forward(ctx, x: Tensor, e: Tensor, g: Tensor) {
    if (ctx.recording) ctx.save(x, e, g);
    return kernels.powBaseGrad(x, e, g, x);
  },
  backward(ctx, gg) {
    const [x, e, g] = ctx.saved;
    const [nx, ne, ng] = ctx.needsInputGrad;
    return [
      nx ? sumToShape(mul(mul(gg, g), mul(mul(e, sub(e, 1)), pow(x, sub(e, 2)))), x.shape) : null,
      ne ? sumToShape(mul(mul(gg, g), mul(pow(x, sub(e, 1)), add(1, mul(e, log(x))))), e.shape) : null,
      ng ? sumToShape(powBaseGrad(x, e, gg), g.shape) : null,
    ];
  },
}) as (x: Tensor, e: Tensor, g: Tensor) => Tensor;

/** The gradient of x ** e for the exponent (g·x^e·log x), 0 where x = 0 and e >= 0 (PyTorch's limit). */
const powExponentGrad = defineOp({
  name: 'powExponentGrad',
  signatures: ['Tensor, Tensor, Tensor'],
  forward(ctx, x: Tensor, e: Tensor, g: Tensor) {
    if (ctx.recording) ctx.save(x, e, g);
    return kernels.powExponentGrad(x, e, g, e);
  },
  backward(ctx, gg) {
    const [x, e, g] = ctx.saved;
    const [nx, ne, ng] = ctx.needsInputGrad;
    const logx = nx || ne ? log(x) : null;
    return [
      nx ? sumToShape(mul(mul(gg, g), mul(pow(x, sub(e, 1)), add(1, mul(e, logx!)))), x.shape) : null,
      ne ? sumToShape(mul(mul(gg, g), mul(pow(x, e), mul(logx!, logx!))), e.shape) : null,
      ng ? sumToShape(powExponentGrad(x, e, gg), g.shape) : null,
    ];
  },
}) as (x: Tensor, e: Tensor, g: Tensor) => Tensor;

/** Options of clamp: either bound may be omitted (null). */
export interface ClampOptions {
  /** The lower bound (none when null or omitted). */
  min?: number | null;
  /** The upper bound (none when null or omitted). */
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
 * everywhere; the gradient passes where min <= x <= max (bounds included) and is 0 elsewhere. NaN passes through.
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
    if (x.dtype === 'bool') throw new TypeError('clamp: not supported on bool tensors (as in PyTorch); convert with .int() or .float() first');
    const integral = Number.isInteger(min ?? 0) && Number.isInteger(max ?? 0);
    ctx.save(x);
    ctx.state = [lo, hi];
    return kernels.clamp(x, lo, hi, x.dtype === 'int32' && !integral ? 'float32' : x.dtype);
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    return [clampGrad(x, g, ctx.state)];
  },
}) as unknown as {
  (x: Tensor, options: ClampOptions): Tensor;
  (x: Tensor, min: number | null | undefined, max?: number | null): Tensor;
};

// the masks of clamp, relu and leakyRelu are piecewise constant: zero second derivative
const clampGrad = defineGradientOp('clampBackward', (x, g, [lo, hi]: [number, number]) => kernels.clampBackward(x, g, lo, hi), () => null);
const reluGrad = defineGradientOp('reluBackward', (y, g) => kernels.reluBackward(y, g), () => null);
const leakyReluGrad = defineGradientOp('leakyReluBackward', (x, g, slope: number) => kernels.leakyReluBackward(x, g, slope), () => null);

/** max(x, 0); the gradient at 0 is 0, as in PyTorch. int32 stays int32. */
export const relu = defineOp({
  name: 'relu',
  signatures: ['Tensor'],
  forward(ctx: SavedContext, x: Tensor) {
    const out = kernels.relu(x);
    ctx.save(out);
    return out;
  },
  backward(ctx, g) {
    // y > 0 exactly where x > 0, so the output serves as the mask and x need not be kept
    const [y] = ctx.saved;
    return [reluGrad(y, g, null)];
  },
});

/** x where x > 0, negativeSlope·x elsewhere (the gradient at 0 is negativeSlope, as in PyTorch). */
export const leakyRelu = defineOp({
  name: 'leakyRelu',
  signatures: {
    Tensor: (x: Tensor): [Tensor, number] => [x, 0.01],
    'Tensor, number | undefined': (x: Tensor, negativeSlope: number | undefined): [Tensor, number] => [x, negativeSlope ?? 0.01],
    'Tensor, Object': (x: Tensor, options: { negativeSlope?: number }): [Tensor, number] => {
      checkOptionKeys('leakyRelu', options, ['negativeSlope']);
      return [x, options.negativeSlope ?? 0.01];
    },
  },
  forward(ctx: OpContext<number>, x: Tensor, slope: number) {
    checkNumberOption('leakyRelu', 'negativeSlope', slope);
    ctx.save(x);
    ctx.state = slope;
    return kernels.leakyRelu(x, slope, floatDType(x));
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    return [leakyReluGrad(x, g, ctx.state)];
  },
}) as unknown as (x: Tensor, negativeSlope?: number | { negativeSlope?: number }) => Tensor;

/** 1 / (1 + e^-x). */
export const sigmoid = elementwiseOp('sigmoid', 'output', floatDType, kernels.sigmoid, sigmoidGrad);
/** The hyperbolic tangent. */
export const tanh = elementwiseOp('tanh', 'output', floatDType, kernels.tanh, tanhGrad);

/** gelu''(x): φ(x)(2 - x²) exactly; for the tanh form with u = c(x + a·x³), t = tanh(u), by the chain rule. */
function geluSecondDerivative(x: Tensor, tanhApproximation: boolean): Tensor {
  const x2 = mul(x, x);
  if (!tanhApproximation) return mul(mul(exp(mul(x2, -0.5)), 1 / Math.sqrt(2 * Math.PI)), sub(2, x2));
  const c = Math.sqrt(2 / Math.PI);
  const a = 0.044715;
  const t = tanh(mul(add(x, mul(mul(x2, x), a)), c));
  const sech2 = sub(1, mul(t, t));
  const du = mul(add(1, mul(x2, 3 * a)), c);
  const d2u = mul(x, 6 * a * c);
  // gelu' = ½(1 + t) + ½x·sech²(u)·u', so gelu'' = sech²·u' + ½x·(sech²·u'' - 2t·sech²·u'²)
  return add(mul(sech2, du), mul(mul(x, 0.5), mul(sech2, sub(d2u, mul(mul(t, 2), mul(du, du))))));
}

const geluGrad = defineGradientOp(
  'geluBackward',
  (x, g, tanhApproximation: boolean) => kernels.geluBackward(x, g, tanhApproximation),
  (x, g, gg, tanhApproximation) => mul(mul(gg, g), geluSecondDerivative(x, tanhApproximation)),
);

/** What gelu's approximate option takes. */
export type GeluApproximate = 'none' | 'tanh';

/** Options of gelu. */
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
    ctx.save(x);
    ctx.state = approximate;
    return kernels.gelu(x, approximate === 'tanh', floatDType(x));
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    return [geluGrad(x, g, ctx.state === 'tanh')];
  },
}) as unknown as (x: Tensor, options?: GeluOptions) => Tensor;

// softplus' = sigmoid(beta·x) below the threshold (1 above it), so softplus'' = beta·s·(1 - s) there and 0 above
const softplusGrad = defineGradientOp(
  'softplusBackward',
  (x, g, [beta, threshold]: [number, number]) => kernels.softplusBackward(x, g, beta, threshold),
  (x, g, gg, [beta, threshold]) => {
    const bx = mul(x, beta);
    const s = sigmoid(bx);
    const below = kernels.binary('le', bx, kernels.full([], threshold, bx.dtype), bx.shape, bx.dtype);
    return mul(mul(mul(gg, g), mul(mul(s, sub(1, s)), beta)), below);
  },
);

/** Options of softplus, as torch.nn.functional.softplus. */
export interface SoftplusOptions {
  /** The sharpness: log(1 + exp(beta·x)) / beta (default 1). */
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
    ctx.save(x);
    ctx.state = [beta, threshold];
    return kernels.softplus(x, beta, threshold, floatDType(x));
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    return [softplusGrad(x, g, ctx.state)];
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
    leakyRelu(negativeSlope?: number | { negativeSlope?: number }): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    gelu(options?: GeluOptions): Tensor;
    softplus(options?: SoftplusOptions): Tensor;
  }
}

// forwards exactly the arguments given: typed-function picks the signature by their number

import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import type { DType } from '../dtype.js';
import * as kernels from '../kernels/backend.js';
import { binarySignatures, broadcastBinary, type TensorOrNumber } from './arithmetic.js';
import { sumToShape } from './reduction.js';
import { checkOptionKeys } from '../options.js';

/**
 * Elementwise math and activations: each op's dtype rule, forward and backward, the loops behind the backend
 * table. Ops whose result is fractional (exp, log, sigmoid, ...) turn int32 into float32 as PyTorch does; abs, relu
 * and clamp with integer bounds keep int32.
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
 * A one-input elementwise op from its two kernels; `saves` says whether the gradient kernel reads the input x or
 * the output y.
 */
function elementwiseOp(
  name: string,
  saves: 'input' | 'output',
  resultDType: (x: Tensor) => DType,
  forwardKernel: (x: Tensor, dtype: DType) => Tensor,
  backwardKernel: (saved: Tensor, g: Tensor) => Tensor,
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
      return [backwardKernel(t, g)];
    },
  });
}

const sameDType = (x: Tensor): DType => x.dtype;

export const exp = elementwiseOp('exp', 'output', floatDType, kernels.exp, kernels.expBackward);
export const log = elementwiseOp('log', 'input', floatDType, kernels.log, kernels.logBackward);
export const sqrt = elementwiseOp('sqrt', 'output', floatDType, kernels.sqrt, kernels.sqrtBackward);
/** |x|; the gradient is sign(x), 0 at 0 as in PyTorch. int32 stays int32. */
export const abs = elementwiseOp('abs', 'input', sameDType, kernels.abs, kernels.absBackward);

/**
 * x ** exponent with broadcasting; a number exponent is a 0-d tensor that needs no gradient. int32 ** int32 stays
 * int32 (negative integer exponents are refused, as in PyTorch); otherwise the usual promotion.
 */
export const pow = defineOp({
  name: 'pow',
  signatures: binarySignatures,
  forward(ctx, x: Tensor, exponent: Tensor) {
    if (x.dtype === 'int32' && exponent.dtype === 'int32') {
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
    // both rules take PyTorch's limits: 0 where e = 0 (so 0^0 has gradient 0), and 0 where x = 0 and e >= 0
    const gx = ctx.needsInputGrad[0] ? sumToShape(kernels.powBaseGrad(x, e, g, x), x.shape) : null;
    const ge = ctx.needsInputGrad[1] ? sumToShape(kernels.powExponentGrad(x, e, g, e), e.shape) : null;
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
    const integral = Number.isInteger(min ?? 0) && Number.isInteger(max ?? 0);
    ctx.save(x);
    ctx.state = [lo, hi];
    return kernels.clamp(x, lo, hi, x.dtype === 'int32' && !integral ? 'float32' : x.dtype);
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    const [lo, hi] = ctx.state;
    return [kernels.clampBackward(x, g, lo, hi)];
  },
}) as unknown as {
  (x: Tensor, options: ClampOptions): Tensor;
  (x: Tensor, min: number | null | undefined, max?: number | null): Tensor;
};

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
    return [kernels.reluBackward(y, g)];
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
    return [kernels.leakyReluBackward(x, g, ctx.state)];
  },
}) as unknown as (x: Tensor, negativeSlope?: number | { negativeSlope?: number }) => Tensor;

export const sigmoid = elementwiseOp('sigmoid', 'output', floatDType, kernels.sigmoid, kernels.sigmoidBackward);
export const tanh = elementwiseOp('tanh', 'output', floatDType, kernels.tanh, kernels.tanhBackward);

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
    ctx.save(x);
    ctx.state = approximate;
    return kernels.gelu(x, approximate === 'tanh', floatDType(x));
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    return [kernels.geluBackward(x, g, ctx.state === 'tanh')];
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
    ctx.save(x);
    ctx.state = [beta, threshold];
    return kernels.softplus(x, beta, threshold, floatDType(x));
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    const [beta, threshold] = ctx.state;
    return [kernels.softplusBackward(x, g, beta, threshold)];
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

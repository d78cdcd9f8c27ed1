import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { positionalOptions } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { mul } from './arithmetic.js';
import { gt, le, lt, where } from './compare.js';
import { sigmoid, softplus, tanh } from './unary.js';
import { expm1 } from './elementwise-math.js';
import { checkTensor, compositeOp, floatDType } from './math-op.js';

/**
 * The activations of torch.nn.functional that torchlet lacked: silu, mish, elu, selu, hardtanh. All but hardtanh are
 * compositions of differentiable ops; hardtanh clamps, with PyTorch's gradient (zero at the bounds too).
 */

function checkNumber(op: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${op}: ${key} must be a number, got ${String(value)}`);
  return value;
}

/** x·sigmoid(x) (the swish), as torch.nn.functional.silu. */
export const silu = compositeOp('silu', { Tensor: (x: Tensor) => mul(requireFloating('silu', x), sigmoid(x)) });

/** x·tanh(softplus(x)), as torch.nn.functional.mish. */
export const mish = compositeOp('mish', { Tensor: (x: Tensor) => mul(requireFloating('mish', x), tanh(softplus(x))) });

/**
 * alpha·(e^x − 1) where x <= 0, x elsewhere (NaN included, so its gradient is PyTorch's g there); the exponential only
 * sees x <= 0, so a large x cannot overflow into the gradient.
 */
function eluOf(x: Tensor, alpha: number): Tensor {
  const negative = le(x, 0);
  return where(negative, mul(expm1(where(negative, x, 0)), alpha), x);
}

/** PyTorch has no integer kernels for these activations; int32 is refused rather than silently made float. */
function requireFloating(op: string, x: unknown): Tensor {
  checkTensor(op, x);
  if (x.dtype === 'int32') throw new TypeError(`${op}: expected a floating-point tensor, got int32 (convert with .float())`);
  return x;
}

/** elu's options (PyTorch's alpha, by name). */
export interface EluOptions {
  /** The negative saturation value is -alpha. Default 1. */
  alpha?: number;
}

/** torch.nn.functional.elu: x where x > 0, alpha·(e^x − 1) elsewhere (the gradient at 0 is alpha, as PyTorch's). */
export function elu(x: Tensor, ...rest: [alpha?: number | EluOptions] | [alpha: number | undefined, options: EluOptions]): Tensor {
  const { alpha = 1 } = positionalOptions<EluOptions>('elu', rest, ['alpha']);
  return eluOf(requireFloating('elu', x), checkNumber('elu', 'alpha', alpha));
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** torch.nn.functional.selu: scale·elu(x, alpha) with the self-normalizing constants of Klambauer et al. */
export const selu = compositeOp('selu', { Tensor: (x: Tensor) => mul(eluOf(requireFloating('selu', x), SELU_ALPHA), SELU_SCALE) });

/** hardtanh's bounds by name (PyTorch's min_val, max_val). */
export interface HardtanhOptions {
  /** Default -1. */
  minVal?: number;
  /** Default 1. */
  maxVal?: number;
}

const hardtanhOp = defineOp({
  name: 'hardtanh',
  signatures: ['Tensor, number, number'],
  forward(ctx: OpContext<[number, number]>, x: Tensor, minVal: number, maxVal: number) {
    ctx.save(x);
    ctx.state = [minVal, maxVal];
    return kernels.clamp(x, minVal, maxVal, floatDType(x));
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    const [lo, hi] = ctx.state;
    // PyTorch's hardtanh_backward: the gradient passes strictly inside (min, max) only
    return [mul(g, mul(gt(x, lo), lt(x, hi))), null, null];
  },
});

/** torch.nn.functional.hardtanh: x limited to [minVal, maxVal]; the gradient is 1 strictly inside, 0 elsewhere. */
export function hardtanh(
  x: Tensor,
  ...rest: [minVal?: number | HardtanhOptions] | [minVal: number | undefined, maxVal?: number | HardtanhOptions] | [number | undefined, number | undefined, HardtanhOptions]
): Tensor {
  const { minVal = -1, maxVal = 1 } = positionalOptions<HardtanhOptions>('hardtanh', rest, ['minVal', 'maxVal']);
  checkNumber('hardtanh', 'minVal', minVal);
  checkNumber('hardtanh', 'maxVal', maxVal);
  if (maxVal < minVal) throw new RangeError(`hardtanh: maxVal (${maxVal}) must not be less than minVal (${minVal})`);
  checkTensor('hardtanh', x);
  return hardtanhOp(x, minVal, maxVal);
}

declare module '../tensor.js' {
  interface Tensor {
    silu(): Tensor;
    mish(): Tensor;
    elu(alpha?: number | EluOptions): Tensor;
    selu(): Tensor;
    hardtanh(minVal?: number | HardtanhOptions, maxVal?: number | HardtanhOptions): Tensor;
  }
}

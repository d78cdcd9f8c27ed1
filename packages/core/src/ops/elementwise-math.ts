import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import { broadcastShapes, formatShape } from '../shape.js';
import { checkOptionKeys } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { add, div, mul, sub, type TensorOrNumber } from './arithmetic.js';
import { abs, exp, log, pow } from './unary.js';
import { lt, where } from './compare.js';
import { zeroGradient } from './gradient-ops.js';
import { binaryMathOp, compositeOp, unaryMathOp, zeroGradientOp } from './math-op.js';

/**
 * Logarithms, exponentials, powers, rounding, erf and the two-input functions (xlogy, hypot, logaddexp, lerp), as
 * PyTorch's functions of those names: NaN outside a domain (log2(-1)), ±Infinity at its edge (log1p(-1), rsqrt(0)).
 * Rounding and sign have zero gradient, as in PyTorch; every other gradient is PyTorch's formula in ops.
 */

const LN2 = Math.LN2;
const LN10 = Math.LN10;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** x·x, keeping the dtype (int32 stays int32), as torch.square. */
export const square = compositeOp('square', { Tensor: (x: Tensor) => mul(x, x) });
/** 1/x (int32 gives float32); ±Infinity at ±0. */
export const reciprocal = compositeOp('reciprocal', { Tensor: (x: Tensor) => div(1, x) });

/** 1/√x; Infinity at 0, NaN below. */
export const rsqrt: (x: Tensor) => Tensor = unaryMathOp('rsqrt', (_x, y, g) => mul(g, mul(pow(y, 3), -0.5)));
/** log(1 + x), accurate for small x. */
export const log1p = unaryMathOp('log1p', (x, _y, g) => div(g, add(x, 1)));
/** e^x - 1, accurate for small x. */
export const expm1 = unaryMathOp('expm1', (_x, y, g) => mul(g, add(y, 1)));
/** Base-2 logarithm. */
export const log2 = unaryMathOp('log2', (x, _y, g) => div(g, mul(x, LN2)));
/** Base-10 logarithm. */
export const log10 = unaryMathOp('log10', (x, _y, g) => div(g, mul(x, LN10)));
/** 2^x. */
export const exp2 = unaryMathOp('exp2', (_x, y, g) => mul(g, mul(y, LN2)));
/** The error function 2/√π ∫₀ˣ e^(−t²) dt, to about 1e-15 relative accuracy. */
export const erf = unaryMathOp('erf', (x, _y, g) => mul(g, mul(exp(mul(mul(x, x), -1)), TWO_OVER_SQRT_PI)));

/** -1, 0 or 1 by the sign of x (sign(±0) = 0, sign(NaN) = 0 as PyTorch's), int32 staying int32; zero gradient. */
export const sign = zeroGradientOp('sign');
/** The largest integer <= x; int32 stays int32; zero gradient. */
export const floor = zeroGradientOp('floor');
/** The smallest integer >= x; int32 stays int32; zero gradient. */
export const ceil = zeroGradientOp('ceil');
/** x rounded toward zero; int32 stays int32; zero gradient. */
export const trunc = zeroGradientOp('trunc');

/** round's options, as torch.round's keyword. */
export interface RoundOptions {
  /** Decimal places to round to (negative: to tens, hundreds, ...). Default 0. */
  decimals?: number;
}

/** x rounded to the nearest integer (or `decimals` places), halves to even as torch.round; zero gradient. */
export const round = defineOp({
  name: 'round',
  signatures: {
    Tensor: (x: Tensor): [Tensor, number] => [x, 0],
    'Tensor, Object': (x: Tensor, options: RoundOptions): [Tensor, number] => {
      checkOptionKeys('round', options, ['decimals']);
      const { decimals = 0 } = options;
      if (!Number.isInteger(decimals)) throw new TypeError(`round: decimals must be an integer, got ${String(decimals)}`);
      return [x, decimals];
    },
  },
  forward(_ctx, x: Tensor, decimals: number) {
    return kernels.round(x, decimals);
  },
  backward(_ctx, g) {
    return [zeroGradient(g), null];
  },
}) as unknown as (x: Tensor, options?: RoundOptions) => Tensor;

/**
 * x·log(y), 0 where x = 0 (even for y = 0 or Infinity) unless y is NaN, broadcasting, as torch.xlogy; either may be
 * a number.
 */
// the gradient in x is log(y) at x = 0 too, as PyTorch 1.13's (the value there is pinned to 0, its slope is not)
export const xlogy = binaryMathOp('xlogy', (a, b, _y, g) => [mul(g, log(b)), div(mul(g, a), b)]);
/** √(a² + b²) elementwise, without overflow in the squares; broadcasting. */
export const hypot = binaryMathOp('hypot', (a, b, y, g) => {
  const scale = div(g, y);
  return [mul(scale, a), mul(scale, b)];
});
/** log(e^a + e^b) without overflow; broadcasting. */
export const logaddexp = binaryMathOp('logaddexp', (a, b, _y, g) => [
  div(g, add(exp(sub(b, a)), 1)),
  div(g, add(exp(sub(a, b)), 1)),
]);

/**
 * start + weight·(end − start), broadcasting, as torch.lerp, with PyTorch's second form end − (end − start)·(1 − weight)
 * where |weight| >= 0.5 (so weight 1 gives end exactly). Differentiable in all three.
 */
export const lerp = compositeOp('lerp', {
  'Tensor, Tensor, Tensor | number': (start: Tensor, end: Tensor, weight: TensorOrNumber): Tensor => {
    if (start.dtype === 'int32' || end.dtype === 'int32') throw new TypeError(`lerp: expected floating-point start and end, got ${start.dtype} and ${end.dtype}`);
    if (start.dtype !== end.dtype) throw new TypeError(`lerp: expected start and end of one dtype, got ${start.dtype} and ${end.dtype}`);
    const shape = broadcastShapes(start.shape, end.shape);
    if (!shape || (weight instanceof Tensor && !broadcastShapes(shape, weight.shape))) {
      const w = weight instanceof Tensor ? ` and weight ${formatShape(weight.shape)}` : '';
      throw new Error(`lerp: start ${formatShape(start.shape)}, end ${formatShape(end.shape)}${w} cannot be broadcast together`);
    }
    const diff = sub(end, start);
    const low = (): Tensor => add(start, mul(weight, diff));
    const high = (): Tensor => sub(end, mul(diff, typeof weight === 'number' ? 1 - weight : sub(1, weight)));
    if (typeof weight === 'number') return Math.abs(weight) < 0.5 ? low() : high();
    return where(lt(abs(weight), 0.5), low(), high());
  },
});

declare module '../tensor.js' {
  interface Tensor {
    square(): Tensor;
    reciprocal(): Tensor;
    rsqrt(): Tensor;
    log1p(): Tensor;
    expm1(): Tensor;
    log2(): Tensor;
    log10(): Tensor;
    exp2(): Tensor;
    erf(): Tensor;
    sign(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    trunc(): Tensor;
    round(options?: RoundOptions): Tensor;
    xlogy(other: TensorOrNumber): Tensor;
    hypot(other: TensorOrNumber): Tensor;
    logaddexp(other: TensorOrNumber): Tensor;
    lerp(end: Tensor, weight: TensorOrNumber): Tensor;
  }
}

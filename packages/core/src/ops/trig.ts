import type { Tensor } from '../tensor.js';
import { add, div, mul, neg, sub, type TensorOrNumber } from './arithmetic.js';
import { binaryMathOp, unaryMathOp } from './math-op.js';
import { rsqrt, square } from './elementwise-math.js';

/**
 * Trigonometric and hyperbolic functions and their inverses, as torch.sin ... torch.atanh and torch.atan2. Outside
 * an inverse's domain the result is NaN (asin(2), acosh(0.5)), at its edge ±Infinity (atanh(1)), as in PyTorch.
 * Each gradient is PyTorch's formula (derivatives.yaml) in ops.
 */

/** sin(x), elementwise (int32 gives float32). */
export const sin = unaryMathOp('sin', (x, _y, g) => mul(g, cos(x)));
/** cos(x), elementwise. */
export const cos = unaryMathOp('cos', (x, _y, g) => mul(g, neg(sin(x))));
/** tan(x), elementwise; the gradient is g·(1 + tan²x). */
export const tan = unaryMathOp('tan', (_x, y, g) => mul(g, add(square(y), 1)));
/** arcsin(x) in [-π/2, π/2]; NaN outside [-1, 1]. */
export const asin = unaryMathOp('asin', (x, _y, g) => mul(g, rsqrt(sub(1, square(x)))));
/** arccos(x) in [0, π]; NaN outside [-1, 1]. */
export const acos = unaryMathOp('acos', (x, _y, g) => mul(g, neg(rsqrt(sub(1, square(x))))));
/** arctan(x) in (-π/2, π/2). */
export const atan = unaryMathOp('atan', (x, _y, g) => div(g, add(square(x), 1)));
/** sinh(x), elementwise. */
export const sinh = unaryMathOp('sinh', (x, _y, g) => mul(g, cosh(x)));
/** cosh(x), elementwise. */
export const cosh = unaryMathOp('cosh', (x, _y, g) => mul(g, sinh(x)));
/** arsinh(x), elementwise. */
export const asinh = unaryMathOp('asinh', (x, _y, g) => mul(g, rsqrt(add(square(x), 1))));
/** arcosh(x); NaN below 1. */
export const acosh = unaryMathOp('acosh', (x, _y, g) => mul(g, rsqrt(sub(square(x), 1))));
/** artanh(x); ±Infinity at ±1, NaN outside [-1, 1]. */
export const atanh = unaryMathOp('atanh', (x, _y, g) => div(g, sub(1, square(x))));

/**
 * atan2(input, other): the angle of the point (other, input) in [-π, π], broadcasting (torch.atan2, with the signs
 * of zeros as C's atan2: atan2(0, -0) = π).
 */
export const atan2 = binaryMathOp('atan2', (a, b, _y, g) => {
  const scale = div(g, add(square(a), square(b)));
  return [mul(scale, b), mul(scale, neg(a))];
});

declare module '../tensor.js' {
  interface Tensor {
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    asin(): Tensor;
    acos(): Tensor;
    atan(): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    asinh(): Tensor;
    acosh(): Tensor;
    atanh(): Tensor;
    atan2(other: TensorOrNumber): Tensor;
  }
}

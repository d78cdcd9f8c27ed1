import { Tensor } from '../tensor.js';
import { isFloating } from '../dtype.js';
import { formatShape } from '../shape.js';
import { positionalOptions } from '../options.js';
import { add, div, mul, sub } from './arithmetic.js';
import { mean, var as variance } from './reduction.js';
import { sqrt } from './unary.js';

/** Options of layerNorm: weight and bias (default none) and eps, added to the variance (default 1e-5). */
export interface LayerNormOptions {
  /** Elementwise scale (γ) of shape normalizedShape; differentiable. */
  weight?: Tensor | null;
  /** Elementwise shift (β) of shape normalizedShape; differentiable. */
  bias?: Tensor | null;
  eps?: number;
}

/**
 * torch.nn.functional.layer_norm: normalises over the last `normalizedShape.length` dims with the biased variance,
 * y = (x - mean) / sqrt(var + eps) · weight + bias. Built from mean, var and elementwise ops, so the tape holds a
 * handful of nodes per call, whatever the size.
 */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], options?: LayerNormOptions): Tensor;
/** PyTorch's positional form `layerNorm(input, normalizedShape, weight, bias, eps)`. */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight?: Tensor | null, bias?: Tensor | null, eps?: number): Tensor;
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], ...rest: unknown[]): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`layerNorm: expected a Tensor, got ${typeof x}`);
  const options = positionalOptions<LayerNormOptions>('layerNorm', rest, ['weight', 'bias', 'eps']);
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const { weight = null, bias = null, eps = 1e-5 } = options;
  if (!isFloating(x.dtype)) throw new Error(`layerNorm: expected a floating-point input, got ${x.dtype}`);
  if (shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(`layerNorm: normalizedShape must be a non-empty list of positive integers, got ${JSON.stringify(normalizedShape)}`);
  }
  const k = shape.length;
  if (x.ndim < k || formatShape(x.shape.slice(x.ndim - k)) !== formatShape(shape)) {
    throw new Error(`layerNorm: input of shape ${formatShape(x.shape)} does not end in normalizedShape ${formatShape(shape)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t === null) continue;
    if (!(t instanceof Tensor)) throw new TypeError(`layerNorm: ${name} must be a Tensor or null, got ${typeof t}`);
    if (formatShape(t.shape) !== formatShape(shape)) throw new Error(`layerNorm: ${name} must have shape ${formatShape(shape)}, got ${formatShape(t.shape)}`);
    if (t.dtype !== x.dtype) throw new Error(`layerNorm: ${name} has dtype ${t.dtype} but the input is ${x.dtype}`);
  }
  if (typeof eps !== 'number' || !(eps >= 0)) throw new TypeError(`layerNorm: eps must be a non-negative number, got ${eps}`);
  const dims = shape.map((_, i) => x.ndim - k + i);
  const mu = mean(x, dims, true);
  const sigma = sqrt(add(variance(x, dims, { unbiased: false, keepdim: true }), eps));
  let y = div(sub(x, mu), sigma);
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
}

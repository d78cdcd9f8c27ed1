import { Tensor, layerNorm, ones, zeros } from '@torchlet/core';
import { Module, formatValue } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkBoolean, checkFloatDType, checkPositiveInt, layerArgs } from './options.js';
import type { DType } from '@torchlet/core';

/**
 * Options of LayerNorm, as torch.nn.LayerNorm's: eps added to the variance (default 1e-5), elementwiseAffine, bias, and the dtype.
 */
export interface LayerNormOptions {
  eps?: number;
  /** Learnable weight (ones) and bias (zeros) of shape normalizedShape; default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether there is a bias (PyTorch 2.1's option); default true. */
  bias?: boolean;
  dtype?: DType;
}

/** Normalises over the trailing normalizedShape dims, as torch.nn.LayerNorm (keys `weight`, `bias`). */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], options?: LayerNormOptions);
  /** PyTorch's positional form `LayerNorm(normalizedShape, eps, elementwiseAffine, bias)`. */
  constructor(normalizedShape: number | readonly number[], eps?: number, elementwiseAffine?: boolean, bias?: boolean, options?: { dtype?: DType });
  constructor(normalizedShape: number | readonly number[], ...rest: unknown[]) {
    super();
    const options = layerArgs<LayerNormOptions>('LayerNorm', rest, ['eps', 'elementwiseAffine', 'bias'], ['dtype']);
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (shape.length === 0) throw new Error('LayerNorm: normalizedShape must have at least one dimension');
    shape.forEach((d) => checkPositiveInt('LayerNorm', 'each size in normalizedShape', d));
    this.normalizedShape = shape;
    this.eps = options.eps ?? 1e-5;
    if (typeof this.eps !== 'number' || !(this.eps >= 0)) throw new Error(`LayerNorm: eps must be a non-negative number, got ${this.eps}`);
    this.elementwiseAffine = checkBoolean('LayerNorm', 'elementwiseAffine', options.elementwiseAffine, true);
    const bias = checkBoolean('LayerNorm', 'bias', options.bias, true);
    const dtype = checkFloatDType('LayerNorm', options.dtype);
    this.weight = this.elementwiseAffine ? new Parameter(ones(shape, { dtype })) : null;
    this.bias = this.elementwiseAffine && bias ? new Parameter(zeros(shape, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override extraRepr(): string {
    return `${formatValue(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

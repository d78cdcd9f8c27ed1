import { Tensor, empty, linear } from '@torchlet/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultLayerInit_ } from '../init.js';
import { type LayerOptions, checkBoolean, checkFloatDType, checkPositiveInt, layerArgs } from './options.js';

/** Options of Linear beyond dtype and generator: `bias`, whether the layer learns an additive bias (default true). */
export interface LinearOptions extends LayerOptions {
  bias?: boolean;
}

/** y = x·Wᵀ + b with weight [outFeatures, inFeatures], initialised as PyTorch does. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, options?: LinearOptions);
  /** PyTorch's positional form `Linear(in, out, bias)`. */
  constructor(inFeatures: number, outFeatures: number, bias?: boolean, options?: LayerOptions);
  constructor(inFeatures: number, outFeatures: number, ...rest: unknown[]) {
    super();
    const options = layerArgs<LinearOptions>('Linear', rest, ['bias'], ['dtype', 'generator']);
    this.inFeatures = checkPositiveInt('Linear', 'inFeatures', inFeatures);
    this.outFeatures = checkPositiveInt('Linear', 'outFeatures', outFeatures);
    const dtype = checkFloatDType('Linear', options.dtype);
    this.weight = new Parameter(empty([outFeatures, inFeatures], dtype));
    this.bias = checkBoolean('Linear', 'bias', options.bias, true) ? new Parameter(empty([outFeatures], dtype)) : null;
    defaultLayerInit_(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** Returns its input unchanged (a placeholder layer). Like PyTorch's, it accepts any constructor arguments and ignores them. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x;
  }
}

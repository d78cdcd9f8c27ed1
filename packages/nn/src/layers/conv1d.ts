import { Tensor, conv1d, empty } from '@torchlet/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultLayerInit_ } from '../init.js';
import { type LayerOptions, checkBoolean, checkFloatDType, checkPositiveInt, layerArgs } from './options.js';
import { refuseUnsupported } from './unsupported.js';

/**
 * Options of Conv1d, as torch.nn.Conv1d's: stride (default 1), padding (a number, 'valid' or 'same'; default 0), dilation and
 * groups (default 1), bias (default true), paddingMode.
 */
export interface Conv1dOptions extends LayerOptions {
  stride?: number;
  padding?: number | 'valid' | 'same';
  dilation?: number;
  groups?: number;
  bias?: boolean;
  /** Only PyTorch's default 'zeros'. */
  paddingMode?: 'zeros';
}

/** 1-D convolution over [N, C, L] (or [C, L]) with weight [outChannels, inChannels / groups, kernelSize], initialised as PyTorch does. */
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'valid' | 'same';
  readonly dilation: number;
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: Conv1dOptions);
  /** PyTorch's positional form `Conv1d(in, out, kernel, stride, padding, dilation, groups, bias, paddingMode)`. */
  constructor(
    inChannels: number, outChannels: number, kernelSize: number,
    stride?: number, padding?: number | 'valid' | 'same', dilation?: number, groups?: number, bias?: boolean, paddingMode?: 'zeros', options?: LayerOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: number, ...rest: unknown[]) {
    super();
    const options = layerArgs<Conv1dOptions>('Conv1d', rest, ['stride', 'padding', 'dilation', 'groups', 'bias', 'paddingMode'], ['dtype', 'generator']);
    refuseUnsupported('Conv1d', options, { paddingMode: 'zeros' });
    this.inChannels = checkPositiveInt('Conv1d', 'inChannels', inChannels);
    this.outChannels = checkPositiveInt('Conv1d', 'outChannels', outChannels);
    this.kernelSize = checkPositiveInt('Conv1d', 'kernelSize', kernelSize);
    this.stride = checkPositiveInt('Conv1d', 'stride', options.stride ?? 1);
    const padding = options.padding ?? 0;
    if (padding !== 'valid' && padding !== 'same' && !(Number.isInteger(padding) && padding >= 0)) {
      throw new Error(`Conv1d: padding must be an integer >= 0, 'valid' or 'same', got ${JSON.stringify(padding)}`);
    }
    this.padding = padding;
    this.dilation = checkPositiveInt('Conv1d', 'dilation', options.dilation ?? 1);
    this.groups = checkPositiveInt('Conv1d', 'groups', options.groups ?? 1);
    if (inChannels % this.groups !== 0) throw new Error(`Conv1d: inChannels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) throw new Error(`Conv1d: outChannels (${outChannels}) must be divisible by groups (${this.groups})`);
    const dtype = checkFloatDType('Conv1d', options.dtype);
    this.weight = new Parameter(empty([outChannels, inChannels / this.groups, kernelSize], dtype));
    this.bias = checkBoolean('Conv1d', 'bias', options.bias, true) ? new Parameter(empty([outChannels], dtype)) : null;
    defaultLayerInit_(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}`;
    if (this.padding !== 0) s += `, padding=${typeof this.padding === 'string' ? `'${this.padding}'` : this.padding}`;
    if (this.dilation !== 1) s += `, dilation=${this.dilation}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    return s;
  }
}

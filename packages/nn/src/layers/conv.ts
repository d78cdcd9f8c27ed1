import { Tensor, conv2d, empty } from '@torchlet/core';
import { Module, formatValue } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultLayerInit_ } from '../init.js';
import { type LayerOptions, type Pair, checkBoolean, checkFloatDType, checkPositiveInt, layerArgs, toPair } from './options.js';

/**
 * Options of Conv2d, as torch.nn.Conv2d's: stride (default 1), padding (default 0), dilation (default 1), groups (default 1), bias
 * (default true).
 */
export interface Conv2dOptions extends LayerOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
}

/** 2-D convolution over [N, C, H, W] with weight [outChannels, inChannels / groups, kH, kW], initialised as PyTorch does. */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: Conv2dOptions);
  /** PyTorch's positional form `Conv2d(in, out, kernel, stride, padding, dilation, groups, bias)`. */
  constructor(
    inChannels: number, outChannels: number, kernelSize: Pair,
    stride?: Pair, padding?: Pair, dilation?: Pair, groups?: number, bias?: boolean, options?: LayerOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...rest: unknown[]) {
    super();
    const options = layerArgs<Conv2dOptions>('Conv2d', rest, ['stride', 'padding', 'dilation', 'groups', 'bias'], ['dtype', 'generator']);
    this.inChannels = checkPositiveInt('Conv2d', 'inChannels', inChannels);
    this.outChannels = checkPositiveInt('Conv2d', 'outChannels', outChannels);
    this.kernelSize = toPair('Conv2d', 'kernelSize', kernelSize, 1);
    this.stride = toPair('Conv2d', 'stride', options.stride ?? 1, 1);
    this.padding = toPair('Conv2d', 'padding', options.padding ?? 0, 0);
    this.dilation = toPair('Conv2d', 'dilation', options.dilation ?? 1, 1);
    this.groups = checkPositiveInt('Conv2d', 'groups', options.groups ?? 1);
    if (inChannels % this.groups !== 0) throw new Error(`Conv2d: inChannels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) throw new Error(`Conv2d: outChannels (${outChannels}) must be divisible by groups (${this.groups})`);
    const dtype = checkFloatDType('Conv2d', options.dtype);
    this.weight = new Parameter(empty([outChannels, inChannels / this.groups, ...this.kernelSize], dtype));
    this.bias = checkBoolean('Conv2d', 'bias', options.bias, true) ? new Parameter(empty([outChannels], dtype)) : null;
    defaultLayerInit_(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  /** PyTorch's layout: padding, dilation and groups shown only when not the default. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${formatValue(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${formatValue(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    return s;
  }
}

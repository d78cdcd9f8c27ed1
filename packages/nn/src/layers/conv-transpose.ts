import { Tensor, convTranspose2d, empty } from '@torchlet/core';
import { Module, formatValue } from '../module.js';
import { Parameter } from '../parameter.js';
import { defaultLayerInit_ } from '../init.js';
import { type LayerOptions, type Pair, checkBoolean, checkFloatDType, checkPositiveInt, layerArgs, toPair } from './options.js';
import { refuseUnsupported } from './unsupported.js';

/**
 * Options of ConvTranspose2d, as torch.nn.ConvTranspose2d's: stride (default 1), padding and outputPadding (default 0), groups and
 * dilation (default 1), bias (default true), paddingMode.
 */
export interface ConvTranspose2dOptions extends LayerOptions {
  stride?: Pair;
  padding?: Pair;
  outputPadding?: Pair;
  groups?: number;
  dilation?: Pair;
  bias?: boolean;
  /** Only PyTorch's default 'zeros' (PyTorch itself takes no other for ConvTranspose2d). */
  paddingMode?: 'zeros';
}

/**
 * Transposed 2-D convolution (the gradient of Conv2d with respect to its input) with PyTorch's weight layout
 * [inChannels, outChannels / groups, kH, kW], initialised as PyTorch does.
 */
export class ConvTranspose2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly groups: number;
  readonly dilation: [number, number];
  weight: Parameter;
  bias: Parameter | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, options?: ConvTranspose2dOptions);
  /** PyTorch's positional form `ConvTranspose2d(in, out, kernel, stride, padding, outputPadding, groups, bias, dilation, paddingMode)`. */
  constructor(
    inChannels: number, outChannels: number, kernelSize: Pair,
    stride?: Pair, padding?: Pair, outputPadding?: Pair, groups?: number, bias?: boolean, dilation?: Pair, paddingMode?: 'zeros', options?: LayerOptions,
  );
  constructor(inChannels: number, outChannels: number, kernelSize: Pair, ...rest: unknown[]) {
    super();
    const name = 'ConvTranspose2d';
    const options = layerArgs<ConvTranspose2dOptions>(
      name, rest, ['stride', 'padding', 'outputPadding', 'groups', 'bias', 'dilation', 'paddingMode'], ['dtype', 'generator'],
    );
    refuseUnsupported(name, options, { paddingMode: 'zeros' });
    this.inChannels = checkPositiveInt(name, 'inChannels', inChannels);
    this.outChannels = checkPositiveInt(name, 'outChannels', outChannels);
    this.kernelSize = toPair(name, 'kernelSize', kernelSize, 1);
    this.stride = toPair(name, 'stride', options.stride ?? 1, 1);
    this.padding = toPair(name, 'padding', options.padding ?? 0, 0);
    this.outputPadding = toPair(name, 'outputPadding', options.outputPadding ?? 0, 0);
    this.dilation = toPair(name, 'dilation', options.dilation ?? 1, 1);
    this.groups = checkPositiveInt(name, 'groups', options.groups ?? 1);
    if (inChannels % this.groups !== 0) throw new Error(`${name}: inChannels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) throw new Error(`${name}: outChannels (${outChannels}) must be divisible by groups (${this.groups})`);
    const dtype = checkFloatDType(name, options.dtype);
    this.weight = new Parameter(empty([inChannels, outChannels / this.groups, ...this.kernelSize], dtype));
    this.bias = checkBoolean(name, 'bias', options.bias, true) ? new Parameter(empty([outChannels], dtype)) : null;
    // PyTorch's fan-in here is weight.size(1)·kH·kW, which is what the default init computes from this layout.
    defaultLayerInit_(this.weight, this.bias, options.generator);
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernelSize=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${formatValue(this.padding)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, outputPadding=${formatValue(this.outputPadding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${formatValue(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=false';
    return s;
  }
}

import { Tensor, adaptiveAvgPool2d, avgPool2d, maxPool2d } from '@torchlet/core';
import { Module, formatValue } from '../module.js';
import { type Pair, toPair } from './options.js';

export interface MaxPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

/** Sizes are kept as given (a number or a pair) so toString shows them as PyTorch does. */
export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, options: MaxPool2dOptions = {}) {
    super();
    toPair('MaxPool2d', 'kernelSize', kernelSize, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    toPair('MaxPool2d', 'stride', this.stride, 1);
    this.padding = options.padding ?? 0;
    toPair('MaxPool2d', 'padding', this.padding, 0);
    this.dilation = options.dilation ?? 1;
    toPair('MaxPool2d', 'dilation', this.dilation, 1);
    this.ceilMode = options.ceilMode ?? false;
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernelSize=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}, padding=${formatValue(this.padding)}, ` +
      `dilation=${formatValue(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

export interface AvgPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
  /** Count padded zeros in the average (PyTorch's default, true). */
  countIncludePad?: boolean;
}

export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: Pair, options: AvgPool2dOptions = {}) {
    super();
    toPair('AvgPool2d', 'kernelSize', kernelSize, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    toPair('AvgPool2d', 'stride', this.stride, 1);
    this.padding = options.padding ?? 0;
    toPair('AvgPool2d', 'padding', this.padding, 0);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad });
  }

  override extraRepr(): string {
    return `kernelSize=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}, padding=${formatValue(this.padding)}`;
  }
}

export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: Pair;

  constructor(outputSize: Pair) {
    super();
    toPair('AdaptiveAvgPool2d', 'outputSize', outputSize, 1);
    this.outputSize = outputSize;
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${formatValue(this.outputSize)}`;
  }
}

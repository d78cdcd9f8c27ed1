import { Tensor, adaptiveAvgPool2d, avgPool2d, maxPool2d } from '@torchlet/core';
import { Module, formatValue } from '../module.js';
import { type Pair, checkBoolean, layerArgs, toPair } from './options.js';

/**
 * Options of MaxPool2d, as torch.nn.MaxPool2d's: stride (default kernelSize), padding (default 0), dilation (default 1), ceilMode
 * (default false).
 */
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

  constructor(kernelSize: Pair, options?: MaxPool2dOptions);
  /** PyTorch's positional form `MaxPool2d(kernel, stride, padding, dilation, returnIndices, ceilMode)`; returnIndices must be false. */
  constructor(kernelSize: Pair, stride?: Pair | null, padding?: Pair, dilation?: Pair, returnIndices?: false, ceilMode?: boolean);
  constructor(kernelSize: Pair, ...rest: unknown[]) {
    super();
    const options = layerArgs<MaxPool2dOptions & { returnIndices?: unknown }>(
      'MaxPool2d', rest, ['stride', 'padding', 'dilation', 'returnIndices', 'ceilMode'],
    );
    if (options.returnIndices !== undefined && checkBoolean('MaxPool2d', 'returnIndices', options.returnIndices)) {
      throw new TypeError('MaxPool2d: returnIndices is not supported by the module; call maxPool2d(x, { kernelSize, returnIndices: true }) for { values, indices }');
    }
    toPair('MaxPool2d', 'kernelSize', kernelSize, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize; // null too: PyTorch's stride=None
    toPair('MaxPool2d', 'stride', this.stride, 1);
    this.padding = options.padding ?? 0;
    toPair('MaxPool2d', 'padding', this.padding, 0);
    this.dilation = options.dilation ?? 1;
    toPair('MaxPool2d', 'dilation', this.dilation, 1);
    this.ceilMode = checkBoolean('MaxPool2d', 'ceilMode', options.ceilMode, false);
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernelSize=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}, padding=${formatValue(this.padding)}, ` +
      `dilation=${formatValue(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

/**
 * Options of AvgPool2d, as torch.nn.AvgPool2d's: stride (default kernelSize), padding (default 0), ceilMode (default false),
 * countIncludePad, divisorOverride.
 */
export interface AvgPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair;
  padding?: Pair;
  ceilMode?: boolean;
  /** Count padded zeros in the average (PyTorch's default, true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead of its size. */
  divisorOverride?: number | null;
}

/** 2-D average pooling over [N, C, H, W], like torch.nn.AvgPool2d; no parameters. */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, options?: AvgPool2dOptions);
  /** PyTorch's positional form `AvgPool2d(kernel, stride, padding, ceilMode, countIncludePad, divisorOverride)`. */
  constructor(kernelSize: Pair, stride?: Pair | null, padding?: Pair, ceilMode?: boolean, countIncludePad?: boolean, divisorOverride?: number | null);
  constructor(kernelSize: Pair, ...rest: unknown[]) {
    super();
    const options = layerArgs<AvgPool2dOptions>('AvgPool2d', rest, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride']);
    toPair('AvgPool2d', 'kernelSize', kernelSize, 1);
    this.kernelSize = kernelSize;
    this.stride = options.stride ?? kernelSize;
    toPair('AvgPool2d', 'stride', this.stride, 1);
    this.padding = options.padding ?? 0;
    toPair('AvgPool2d', 'padding', this.padding, 0);
    this.ceilMode = checkBoolean('AvgPool2d', 'ceilMode', options.ceilMode, false);
    this.countIncludePad = checkBoolean('AvgPool2d', 'countIncludePad', options.countIncludePad, true);
    this.divisorOverride = options.divisorOverride ?? null;
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, {
      kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernelSize=${formatValue(this.kernelSize)}, stride=${formatValue(this.stride)}, padding=${formatValue(this.padding)}`;
  }
}

/** 2-D average pooling to a fixed output size (outputSize, a number or [h, w]), like torch.nn.AdaptiveAvgPool2d. */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: Pair;

  constructor(outputSize: Pair, ...rest: never[]) {
    super();
    layerArgs('AdaptiveAvgPool2d', rest, []);
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

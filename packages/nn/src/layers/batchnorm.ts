import { Tensor, batchNorm, ones, zeros } from '@torchlet/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { type LayerOptions, checkBoolean, checkFloatDType, checkPositiveInt, layerArgs } from './options.js';

/**
 * Options of BatchNorm1d/2d, as PyTorch's: eps added to the variance (default 1e-5), momentum, affine, trackRunningStats, and the
 * dtype.
 */
export interface BatchNormOptions extends Omit<LayerOptions, 'generator'> {
  eps?: number;
  /** Weight of the new batch statistic in the running average; null for a cumulative average. Default 0.1. */
  momentum?: number | null;
  /** Learnable weight and bias (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); otherwise batch statistics are used always. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalization over the channel dim (1). Buffers use PyTorch's state-dict keys `running_mean`,
 * `running_var` and `num_batches_tracked` (int32 here, int64 in PyTorch) so checkpoints line up.
 */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  protected abstract checkInput(x: Tensor): void;

  constructor(numFeatures: number, options?: BatchNormOptions);
  /** PyTorch's positional form `BatchNorm2d(numFeatures, eps, momentum, affine, trackRunningStats)`. */
  constructor(numFeatures: number, eps?: number, momentum?: number | null, affine?: boolean, trackRunningStats?: boolean, options?: Pick<LayerOptions, 'dtype'>);
  constructor(numFeatures: number, ...rest: unknown[]) {
    super();
    const name = this.constructor.name;
    const options = layerArgs<BatchNormOptions>(name, rest, ['eps', 'momentum', 'affine', 'trackRunningStats'], ['dtype']);
    this.numFeatures = checkPositiveInt(name, 'numFeatures', numFeatures);
    this.eps = options.eps ?? 1e-5;
    if (typeof this.eps !== 'number' || !(this.eps > 0)) throw new Error(`${name}: eps must be positive, got ${this.eps}`);
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (this.momentum !== null && !(typeof this.momentum === 'number' && this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${name}: momentum must be in [0, 1] or null, got ${this.momentum}`);
    this.affine = checkBoolean(name, 'affine', options.affine, true);
    this.trackRunningStats = checkBoolean(name, 'trackRunningStats', options.trackRunningStats, true);
    const dtype = checkFloatDType(name, options.dtype);
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }));
    }
  }

  get runningMean(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('running_mean') : null;
  }

  get runningVar(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('running_var') : null;
  }

  get numBatchesTracked(): Tensor | null {
    return this.trackRunningStats ? this.getBuffer('num_batches_tracked') : null;
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.ndim >= 2 && x.shape[1] !== this.numFeatures) {
      throw new Error(`${this.constructor.name}: input of shape [${x.shape.join(', ')}] has ${x.shape[1]} channels but the layer expects ${this.numFeatures}`);
    }
    const counter = this.numBatchesTracked;
    const updating = this.training && counter !== null;
    // momentum null: a cumulative average, each batch weighted 1 / (batches seen, this one included)
    const momentum = this.momentum ?? (updating ? 1 / (counter.data[0] + 1) : 0);
    // Batch statistics in training mode, or always when no running statistics are kept (as PyTorch does).
    const out = batchNorm(x, {
      runningMean: this.runningMean,
      runningVar: this.runningVar,
      weight: this.weight,
      bias: this.bias,
      training: this.training || !this.trackRunningStats,
      momentum,
      eps: this.eps,
    });
    if (updating) {
      counter.add_(1); // on the counter's device: a 'webgpu' module counts there
    }
    return out;
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Over [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`BatchNorm1d: expected 2D or 3D input, got ${x.ndim}D input of shape [${x.shape.join(', ')}]`);
  }
}

/** Over [N, C, H, W]. */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new Error(`BatchNorm2d: expected 4D input, got ${x.ndim}D input of shape [${x.shape.join(', ')}]`);
  }
}

import { Generator, Tensor, type DType, arange, full, gelu, relu, where } from '@torchlet/core';
import { Module } from '../module.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { MultiheadAttention } from './attention.js';
import { type LayerOptions, checkPositiveInt } from './options.js';

export interface TransformerEncoderLayerOptions extends LayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: 'relu' | 'gelu';
  layerNormEps?: number;
  batchFirst?: boolean;
  /** Pre-norm (x + f(norm(x))) instead of PyTorch's default post-norm (norm(x + f(x))). */
  normFirst?: boolean;
}

export interface TransformerEncoderLayerForwardOptions {
  /** Passed to self-attention as attnMask ([L, S] or [batch·heads, L, S]; int32 nonzero = masked, float added). */
  srcMask?: Tensor | null;
  /** Passed to self-attention as keyPaddingMask. */
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * torch.nn.TransformerEncoderLayer: self-attention and a feed-forward block (linear1, activation, dropout, linear2),
 * each with a residual connection and a LayerNorm, after (default) or before (normFirst). PyTorch's keys:
 * self_attn.*, linear1.*, linear2.*, norm1.*, norm2.*.
 */
export class TransformerEncoderLayer extends Module {
  // snake_case because PyTorch's state-dict key is self_attn.
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  readonly normFirst: boolean;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly activation: 'relu' | 'gelu';
  private readonly args: [number, number, TransformerEncoderLayerOptions];

  constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    this.args = [dModel, nhead, options];
    checkPositiveInt('TransformerEncoderLayer', 'dModel', dModel);
    const dimFeedforward = checkPositiveInt('TransformerEncoderLayer', 'dimFeedforward', options.dimFeedforward ?? 2048);
    const p = options.dropout ?? 0.1;
    const { dtype, generator } = options;
    this.activation = options.activation ?? 'relu';
    if (this.activation !== 'relu' && this.activation !== 'gelu') {
      throw new Error(`TransformerEncoderLayer: activation must be 'relu' or 'gelu', got ${JSON.stringify(this.activation)}`);
    }
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: options.batchFirst, dtype, generator });
    this.linear1 = new Linear(dModel, dimFeedforward, { dtype, generator });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(dimFeedforward, dModel, { dtype, generator });
    this.normFirst = options.normFirst ?? false;
    const eps = options.layerNormEps ?? 1e-5;
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
  }

  forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const { srcMask = null, srcKeyPaddingMask = null } = options;
    const selfAttention = (x: Tensor): Tensor =>
      this.dropout1.forward(this.self_attn.forward(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, needWeights: false })[0]);
    const feedForward = (x: Tensor): Tensor => {
      const hidden = this.linear1.forward(x);
      const activated = this.activation === 'relu' ? relu(hidden) : gelu(hidden);
      return this.dropout2.forward(this.linear2.forward(this.dropout.forward(activated)));
    };
    let x = src;
    if (this.normFirst) {
      x = x.add(selfAttention(this.norm1.forward(x)));
      return x.add(feedForward(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(selfAttention(x)));
    return this.norm2.forward(x.add(feedForward(x)));
  }

  /** An independent copy with the same settings and the same weights (what PyTorch's deepcopy gives). */
  clone(): TransformerEncoderLayer {
    const [dModel, nhead, options] = this.args;
    // A throwaway generator: the copy's initial values are overwritten, so it should not consume the caller's draws.
    const copy = new TransformerEncoderLayer(dModel, nhead, { ...options, generator: new Generator(0) });
    copy.loadStateDict(this.stateDict());
    return copy.train(this.training);
  }

  override extraRepr(): string {
    return `activation='${this.activation}', normFirst=${this.normFirst}`;
  }
}

export interface TransformerEncoderOptions {
  /** Applied to the last layer's output (PyTorch's norm argument). */
  norm?: LayerNorm | null;
}

/**
 * torch.nn.TransformerEncoder: numLayers copies of encoderLayer (identical at the start, as PyTorch's deep copies)
 * run in turn, then the optional norm. Keys layers.0.self_attn.in_proj_weight, ..., norm.weight, as PyTorch.
 */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: LayerNorm | null;
  readonly numLayers: number;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options: TransformerEncoderOptions = {}) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new TypeError('TransformerEncoder: encoderLayer must be a TransformerEncoderLayer');
    this.numLayers = checkPositiveInt('TransformerEncoder', 'numLayers', numLayers);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    this.norm = options.norm ?? null;
  }

  forward(src: Tensor, options: { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null } = {}): Tensor {
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer).forward(x, { srcMask: options.mask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null });
    return this.norm ? this.norm.forward(x) : x;
  }
}

/**
 * nn.Transformer.generate_square_subsequent_mask: a float [size, size] mask, 0 on and below the diagonal and -inf
 * above it, so position i attends to positions 0..i.
 */
export function generateSquareSubsequentMask(size: number, options: { dtype?: DType } = {}): Tensor {
  checkPositiveInt('generateSquareSubsequentMask', 'size', size);
  const dtype = options.dtype ?? 'float32';
  const i = arange(0, size, 1, { dtype: 'int32' });
  const future = i.reshape([1, size]).gt(i.reshape([size, 1]));
  return where(future, full([], -Infinity, { dtype }), full([], 0, { dtype }));
}

import { Generator, Tensor, type DType, arange, full, gelu, relu, where } from '@torchlet/core';
import { Module } from '../module.js';
import { ModuleList } from './container.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { MultiheadAttention } from './attention.js';
import { type LayerOptions, checkBoolean, checkPositiveInt, layerArgs } from './options.js';

/**
 * Options of TransformerEncoderLayer, as PyTorch's: dimFeedforward (default 2048), dropout (default 0.1), activation ('relu'
 * default, or 'gelu'), layerNormEps (default 1e-5), batchFirst (default false), normFirst, bias.
 */
export interface TransformerEncoderLayerOptions extends LayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: 'relu' | 'gelu';
  layerNormEps?: number;
  batchFirst?: boolean;
  /** Pre-norm (x + f(norm(x))) instead of PyTorch's default post-norm (norm(x + f(x))). */
  normFirst?: boolean;
  /** Biases in the linear layers and the layer norms (PyTorch 2.1's option); default true. */
  bias?: boolean;
}

/** PyTorch's positional arguments after (dModel, nhead), in its order. */
const LAYER_ARGS = ['dimFeedforward', 'dropout', 'activation', 'layerNormEps', 'batchFirst', 'normFirst', 'bias'];

/** Options of TransformerEncoderLayer.forward(src, options), as PyTorch's keyword arguments. */
export interface TransformerEncoderLayerForwardOptions {
  /** Passed to self-attention as attnMask ([L, S] or [batch·heads, L, S]; bool or int32: true = masked, float added). */
  srcMask?: Tensor | null;
  /** Passed to self-attention as keyPaddingMask. */
  srcKeyPaddingMask?: Tensor | null;
  /** PyTorch's hint that srcMask is the causal mask; srcMask is what is applied, so it needs one, as in PyTorch. */
  isCausal?: boolean;
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

  constructor(dModel: number, nhead: number, options?: TransformerEncoderLayerOptions);
  /**
   * PyTorch's positional form `TransformerEncoderLayer(dModel, nhead, dimFeedforward, dropout, activation, layerNormEps,
   * batchFirst, normFirst, bias)`.
   */
  constructor(
    dModel: number, nhead: number, dimFeedforward?: number, dropout?: number, activation?: 'relu' | 'gelu', layerNormEps?: number,
    batchFirst?: boolean, normFirst?: boolean, bias?: boolean, options?: LayerOptions,
  );
  constructor(dModel: number, nhead: number, ...rest: unknown[]) {
    super();
    const options = layerArgs<TransformerEncoderLayerOptions>('TransformerEncoderLayer', rest, LAYER_ARGS, ['dtype', 'generator']);
    this.args = [dModel, nhead, options];
    checkPositiveInt('TransformerEncoderLayer', 'dModel', dModel);
    const dimFeedforward = checkPositiveInt('TransformerEncoderLayer', 'dimFeedforward', options.dimFeedforward ?? 2048);
    const p = options.dropout ?? 0.1;
    const { dtype, generator } = options;
    this.activation = options.activation ?? 'relu';
    if (this.activation !== 'relu' && this.activation !== 'gelu') {
      throw new Error(`TransformerEncoderLayer: activation must be 'relu' or 'gelu', got ${JSON.stringify(this.activation)}`);
    }
    const bias = checkBoolean('TransformerEncoderLayer', 'bias', options.bias, true);
    const batchFirst = checkBoolean('TransformerEncoderLayer', 'batchFirst', options.batchFirst, false);
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, bias, batchFirst, dtype, generator });
    this.linear1 = new Linear(dModel, dimFeedforward, { bias, dtype, generator });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(dimFeedforward, dModel, { bias, dtype, generator });
    this.normFirst = checkBoolean('TransformerEncoderLayer', 'normFirst', options.normFirst, false);
    const eps = options.layerNormEps ?? 1e-5;
    this.norm1 = new LayerNorm(dModel, { eps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, bias, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
  }

  // The options form comes last: calling the module (`m(x, { ... })`) is typed by the last overload.
  /** PyTorch's positional form `forward(src, srcMask, srcKeyPaddingMask, isCausal)`. */
  forward(src: Tensor, srcMask?: Tensor | null, srcKeyPaddingMask?: Tensor | null, isCausal?: boolean): Tensor;
  forward(src: Tensor, options?: TransformerEncoderLayerForwardOptions): Tensor;
  forward(src: Tensor, ...rest: unknown[]): Tensor {
    const options = layerArgs<TransformerEncoderLayerForwardOptions>('TransformerEncoderLayer.forward', rest, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    const { srcMask = null, srcKeyPaddingMask = null } = options;
    const isCausal = checkBoolean('TransformerEncoderLayer.forward', 'isCausal', options.isCausal, false);
    const selfAttention = (x: Tensor): Tensor =>
      this.dropout1(this.self_attn(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, needWeights: false, isCausal })[0]);
    const feedForward = (x: Tensor): Tensor => {
      const hidden = this.linear1(x);
      const activated = this.activation === 'relu' ? relu(hidden) : gelu(hidden);
      return this.dropout2(this.linear2(this.dropout(activated)));
    };
    let x = src;
    if (this.normFirst) {
      x = x.add(selfAttention(this.norm1(x)));
      return x.add(feedForward(this.norm2(x)));
    }
    x = this.norm1(x.add(selfAttention(x)));
    return this.norm2(x.add(feedForward(x)));
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

/** Options of TransformerEncoder(encoderLayer, numLayers, options), as torch.nn.TransformerEncoder's. */
export interface TransformerEncoderOptions {
  /** Applied to the last layer's output (PyTorch's norm argument). */
  norm?: LayerNorm | null;
  /** PyTorch's nested-tensor fast path: torchlet has none, and either value gives the same results. */
  enableNestedTensor?: boolean;
  /** PyTorch's check of the masks for the fast path; either value gives the same results here. */
  maskCheck?: boolean;
}

export interface TransformerEncoderForwardOptions {
  /** Every layer's srcMask. */
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  /** PyTorch's hint that mask is the causal mask; mask is what is applied, so it needs one. */
  isCausal?: boolean | null;
}

/**
 * torch.nn.TransformerEncoder: numLayers copies of encoderLayer (identical at the start, as PyTorch's deep copies)
 * run in turn, then the optional norm. Keys layers.0.self_attn.in_proj_weight, ..., norm.weight, as PyTorch.
 */
export class TransformerEncoder extends Module {
  layers: ModuleList;
  norm: LayerNorm | null;
  readonly numLayers: number;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options?: TransformerEncoderOptions);
  /** PyTorch's positional form `TransformerEncoder(encoderLayer, numLayers, norm, enableNestedTensor, maskCheck)`. */
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, norm?: LayerNorm | null, enableNestedTensor?: boolean, maskCheck?: boolean);
  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, ...rest: unknown[]) {
    super();
    const options = layerArgs<TransformerEncoderOptions>('TransformerEncoder', rest, ['norm', 'enableNestedTensor', 'maskCheck']);
    checkBoolean('TransformerEncoder', 'enableNestedTensor', options.enableNestedTensor, true);
    checkBoolean('TransformerEncoder', 'maskCheck', options.maskCheck, true);
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new TypeError('TransformerEncoder: encoderLayer must be a TransformerEncoderLayer');
    this.numLayers = checkPositiveInt('TransformerEncoder', 'numLayers', numLayers);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone()));
    const norm = options.norm ?? null;
    if (norm !== null && !(norm instanceof Module)) throw new TypeError('TransformerEncoder: norm must be a Module (a LayerNorm) or null');
    this.norm = norm;
  }

  // The options form comes last: calling the module (`m(x, { ... })`) is typed by the last overload.
  /** PyTorch's positional form `forward(src, mask, srcKeyPaddingMask, isCausal)`. */
  forward(src: Tensor, mask?: Tensor | null, srcKeyPaddingMask?: Tensor | null, isCausal?: boolean | null): Tensor;
  forward(src: Tensor, options?: TransformerEncoderForwardOptions): Tensor;
  forward(src: Tensor, ...rest: unknown[]): Tensor {
    const options = layerArgs<TransformerEncoderForwardOptions>('TransformerEncoder.forward', rest, ['mask', 'srcKeyPaddingMask', 'isCausal']);
    const perLayer = { srcMask: options.mask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null, isCausal: options.isCausal ?? false };
    let x = src;
    for (const layer of this.layers) x = (layer as TransformerEncoderLayer)(x, perLayer);
    return this.norm ? this.norm(x) : x;
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

import { Tensor, scaledDotProductAttentionWithWeights, empty, formatShape, full, linear, narrow, where, zeros } from '@torchlet/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { xavierUniform_ } from '../init.js';
import { Linear } from './linear.js';
import { type LayerOptions, checkBoolean, checkFloatDType, checkPositiveInt, layerArgs } from './options.js';
import { refuseUnsupported } from './unsupported.js';

/**
 * Options of MultiheadAttention, as torch.nn.MultiheadAttention's: dropout (default 0), bias (default true), batchFirst (default
 * false), kdim and vdim, and two unsupported flags.
 */
export interface MultiheadAttentionOptions extends LayerOptions {
  /** Dropout on the attention weights in training mode. */
  dropout?: number;
  bias?: boolean;
  /** Inputs and output [batch, seq, feature] instead of [seq, batch, feature]. */
  batchFirst?: boolean;
  /** Feature sizes of key and value when they differ from embedDim (then q/k/v_proj_weight replace in_proj_weight). */
  kdim?: number | null;
  vdim?: number | null;
  /** Not supported; only false. */
  addBiasKv?: false;
  /** Not supported; only false. */
  addZeroAttn?: false;
}

/** Options of MultiheadAttention.forward(query, key, value, options), as PyTorch's keyword arguments. */
export interface MultiheadAttentionForwardOptions {
  /** [batch, S] (or [S] unbatched): a bool (or int32 0/1) mask, true = ignore that key, as PyTorch; a float mask is added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); otherwise the second element is null. */
  needWeights?: boolean;
  /** [L, S] or [batch·numHeads, L, S]: bool (or int32) true = not allowed to attend, as PyTorch; a float mask is added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over heads, [batch, L, S] (default true); else [batch, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** PyTorch's hint that attnMask is the causal mask; the mask given is what is applied, so it needs one, as in PyTorch. */
  isCausal?: boolean;
}

/** PyTorch's forward arguments after (query, key, value), in its order. */
const FORWARD_ARGS = ['keyPaddingMask', 'needWeights', 'attnMask', 'averageAttnWeights', 'isCausal'];

/**
 * torch.nn.MultiheadAttention with PyTorch's state-dict keys: in_proj_weight [3E, E] and in_proj_bias [3E] (or
 * q_proj_weight, k_proj_weight, v_proj_weight when kdim or vdim differ from embedDim), out_proj.weight, out_proj.bias.
 * forward(query, key, value, options) returns [output, weights], as PyTorch returns a tuple.
 * Not supported (refused unless false): addBiasKv and addZeroAttn.
 */
export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  // PyTorch's parameter names, so that state dicts load unchanged.
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: Linear;

  constructor(embedDim: number, numHeads: number, options?: MultiheadAttentionOptions);
  /** PyTorch's positional form `MultiheadAttention(embedDim, numHeads, dropout, bias, addBiasKv, addZeroAttn, kdim, vdim, batchFirst)`. */
  constructor(
    embedDim: number, numHeads: number, dropout?: number, bias?: boolean, addBiasKv?: false, addZeroAttn?: false,
    kdim?: number | null, vdim?: number | null, batchFirst?: boolean, options?: LayerOptions,
  );
  constructor(embedDim: number, numHeads: number, ...rest: unknown[]) {
    super();
    const options = layerArgs<MultiheadAttentionOptions>(
      'MultiheadAttention', rest, ['dropout', 'bias', 'addBiasKv', 'addZeroAttn', 'kdim', 'vdim', 'batchFirst'], ['dtype', 'generator'],
    );
    refuseUnsupported('MultiheadAttention', options, { addBiasKv: false, addZeroAttn: false });
    this.embedDim = checkPositiveInt('MultiheadAttention', 'embedDim', embedDim);
    this.numHeads = checkPositiveInt('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) throw new Error(`MultiheadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.kdim = checkPositiveInt('MultiheadAttention', 'kdim', options.kdim ?? embedDim);
    this.vdim = checkPositiveInt('MultiheadAttention', 'vdim', options.vdim ?? embedDim);
    this.dropout = options.dropout ?? 0;
    if (typeof this.dropout !== 'number' || !(this.dropout >= 0 && this.dropout <= 1)) {
      throw new Error(`MultiheadAttention: dropout must be a probability between 0 and 1, got ${this.dropout}`);
    }
    this.batchFirst = checkBoolean('MultiheadAttention', 'batchFirst', options.batchFirst, false);
    const dtype = checkFloatDType('MultiheadAttention', options.dtype);
    const bias = checkBoolean('MultiheadAttention', 'bias', options.bias, true);
    const { generator } = options;
    if (this.sameEmbedDim) {
      this.in_proj_weight = new Parameter(empty([3 * embedDim, embedDim], dtype));
      xavierUniform_(this.in_proj_weight, { generator });
    } else {
      this.q_proj_weight = new Parameter(empty([embedDim, embedDim], dtype));
      this.k_proj_weight = new Parameter(empty([embedDim, this.kdim], dtype));
      this.v_proj_weight = new Parameter(empty([embedDim, this.vdim], dtype));
      for (const w of [this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) xavierUniform_(w, { generator });
    }
    if (bias) this.in_proj_bias = new Parameter(zeros([3 * embedDim], { dtype }));
    this.out_proj = new Linear(embedDim, embedDim, { bias, dtype, generator });
    if (this.out_proj.bias) this.out_proj.bias.data.fill(0);
  }

  get sameEmbedDim(): boolean {
    return this.kdim === this.embedDim && this.vdim === this.embedDim;
  }

  // The options form comes last: calling the module (`m(x, { ... })`) is typed by the last overload.
  /** PyTorch's positional form `forward(query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal)`. */
  forward(
    query: Tensor, key: Tensor, value: Tensor, keyPaddingMask?: Tensor | null, needWeights?: boolean, attnMask?: Tensor | null,
    averageAttnWeights?: boolean, isCausal?: boolean,
  ): [Tensor, Tensor | null];
  forward(query: Tensor, key: Tensor, value: Tensor, options?: MultiheadAttentionForwardOptions): [Tensor, Tensor | null];
  forward(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): [Tensor, Tensor | null] {
    const options = layerArgs<MultiheadAttentionForwardOptions>('MultiheadAttention.forward', rest, FORWARD_ARGS);
    const { keyPaddingMask = null, attnMask = null } = options;
    const needWeights = checkBoolean('MultiheadAttention.forward', 'needWeights', options.needWeights, true);
    const averageAttnWeights = checkBoolean('MultiheadAttention.forward', 'averageAttnWeights', options.averageAttnWeights, true);
    if (checkBoolean('MultiheadAttention.forward', 'isCausal', options.isCausal, false) && attnMask === null) {
      throw new Error('MultiheadAttention.forward: isCausal is a hint that attnMask is the causal mask, so it needs attnMask (as in PyTorch)');
    }
    const E = this.embedDim;
    const h = this.numHeads;
    const dtype = this.out_proj.weight.dtype;
    for (const [name, t, features] of [['query', query, E], ['key', key, this.kdim], ['value', value, this.vdim]] as const) {
      if (!(t instanceof Tensor)) throw new TypeError(`MultiheadAttention: ${name} must be a Tensor, got ${typeof t}`);
      if (t.ndim !== query.ndim || (t.ndim !== 2 && t.ndim !== 3)) {
        throw new Error(`MultiheadAttention: query, key and value must all be 3-D (batched) or 2-D (unbatched), got ${formatShape(query.shape)}, ${formatShape(key.shape)}, ${formatShape(value.shape)}`);
      }
      if (t.shape[t.ndim - 1] !== features) throw new Error(`MultiheadAttention: ${name} of shape ${formatShape(t.shape)} must have ${features} features`);
      if (t.dtype !== dtype) throw new Error(`MultiheadAttention: ${name} has dtype ${t.dtype} but the parameters are ${dtype}`);
    }
    const batched = query.ndim === 3;
    // Batch-major [N, L, features] inside.
    const toBatchMajor = (t: Tensor): Tensor => (!batched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const q = toBatchMajor(query);
    const k = toBatchMajor(key);
    const v = toBatchMajor(value);
    const [N, L] = q.shape;
    const S = k.shape[1];
    if (k.shape[0] !== N || v.shape[0] !== N || v.shape[1] !== S) {
      throw new Error(`MultiheadAttention: key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must share batch and length, and match the query's batch`);
    }
    const b = this.in_proj_bias;
    const bias = (i: number): Tensor | null => (b ? narrow(b, 0, i * E, E) : null);
    const weight = (i: number, separate: Parameter | null): Tensor => (this.in_proj_weight ? narrow(this.in_proj_weight, 0, i * E, E) : separate!);
    // [N, len, E] -> [N, heads, len, headDim]
    const heads = (t: Tensor, len: number): Tensor => t.reshape([N, len, h, this.headDim]).permute([0, 2, 1, 3]);
    const qh = heads(linear(q, weight(0, this.q_proj_weight), bias(0)), L);
    const kh = heads(linear(k, weight(1, this.k_proj_weight), bias(1)), S);
    const vh = heads(linear(v, weight(2, this.v_proj_weight), bias(2)), S);
    const mask = this.combinedMask(attnMask, keyPaddingMask, N, L, S, batched, dtype);
    const [context, weights] = scaledDotProductAttentionWithWeights(qh, kh, vh, {
      attnMask: mask, dropoutP: this.training ? this.dropout : 0,
    });
    const merged = context.permute([0, 2, 1, 3]).reshape([N, L, E]);
    const out = this.out_proj(merged);
    const output = !batched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
    if (!needWeights) return [output, null];
    const w = averageAttnWeights ? weights.mean(1) : weights;
    return [output, batched ? w : w.squeeze(0)];
  }

  /** attnMask and keyPaddingMask as one additive float mask broadcastable to [N, heads, L, S], or null. */
  private combinedMask(attnMask: Tensor | null, keyPaddingMask: Tensor | null, N: number, L: number, S: number, batched: boolean, dtype: Tensor['dtype']): Tensor | null {
    const additive = (m: Tensor): Tensor => (m.dtype === 'int32' || m.dtype === 'bool' ? where(m, full([], -Infinity, { dtype }), full([], 0, { dtype })) : m);
    let mask: Tensor | null = null;
    if (attnMask !== null) {
      if (!(attnMask instanceof Tensor)) throw new TypeError(`MultiheadAttention: attnMask must be a Tensor or null, got ${typeof attnMask}`);
      const perHead = batched ? [N * this.numHeads, L, S] : [this.numHeads, L, S];
      if (formatShape(attnMask.shape) === formatShape([L, S])) mask = additive(attnMask);
      else if (formatShape(attnMask.shape) === formatShape(perHead)) mask = additive(attnMask).reshape([N, this.numHeads, L, S]);
      else throw new Error(`MultiheadAttention: attnMask must have shape ${formatShape([L, S])} or ${formatShape(perHead)}, got ${formatShape(attnMask.shape)}`);
    }
    if (keyPaddingMask !== null) {
      if (!(keyPaddingMask instanceof Tensor)) throw new TypeError(`MultiheadAttention: keyPaddingMask must be a Tensor or null, got ${typeof keyPaddingMask}`);
      const want = batched ? [N, S] : [S];
      if (formatShape(keyPaddingMask.shape) !== formatShape(want)) {
        throw new Error(`MultiheadAttention: keyPaddingMask must have shape ${formatShape(want)}, got ${formatShape(keyPaddingMask.shape)}`);
      }
      const padding = additive(keyPaddingMask).reshape([N, 1, 1, S]);
      mask = mask ? mask.add(padding) : padding;
    }
    if (mask && mask.dtype !== dtype) throw new Error(`MultiheadAttention: a float mask must have dtype ${dtype}, got ${mask.dtype}`);
    return mask;
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${this.dropout ? `, dropout=${this.dropout}` : ''}${this.batchFirst ? ', batchFirst=true' : ''}`;
  }
}

import { Tensor } from '../tensor.js';
import * as kernels from '../kernels/backend.js';
import { formatShape } from '../shape.js';
import { positionalOptions, rejectExtraArguments } from '../options.js';
import { add, mul } from './arithmetic.js';
import { matmul } from './linalg.js';
import { transpose } from './shape.js';
import { softmax } from './softmax.js';
import { dropout } from './dropout.js';
import { where } from './compare.js';
import type { Generator } from '../random.js';
import { isFloating } from '../dtype.js';

/** Options of scaledDotProductAttention (torch.nn.functional.scaled_dot_product_attention). */
export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcastable to [..., L, S]. A bool mask as in PyTorch 2: true = the position takes part, false = it is masked
   * out; an int32 mask reads nonzero as true. A floating mask is added to the scores.
   */
  attnMask?: Tensor | null;
  /** Dropout probability on the attention weights (applied only when > 0). */
  dropoutP?: number;
  /** Mask out the future: query i attends to keys 0..i (top-left aligned, as PyTorch). Not with attnMask. */
  isCausal?: boolean;
  /** Scale of the scores; default 1 / sqrt(E). */
  scale?: number | null;
  /** Where dropout's random numbers come from. */
  generator?: Generator;
}

const SDPA_ARGS = ['attnMask', 'dropoutP', 'isCausal', 'scale'];

/**
 * PyTorch 2's torch.nn.functional.scaled_dot_product_attention: softmax(Q·Kᵀ·scale + mask)·V for query [..., L, E],
 * key [..., S, E] and value [..., S, Ev], giving [..., L, Ev]. A composition of matmul, softmax and elementwise ops.
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options?: ScaledDotProductAttentionOptions): Tensor;
/** PyTorch 2's positional form `scaledDotProductAttention(query, key, value, attnMask, dropoutP, isCausal, scale)`. */
export function scaledDotProductAttention(
  query: Tensor, key: Tensor, value: Tensor, attnMask?: Tensor | null, dropoutP?: number, isCausal?: boolean, scale?: number | null,
  options?: { generator?: Generator },
): Tensor;
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, ...rest: unknown[]): Tensor {
  const options = positionalOptions<ScaledDotProductAttentionOptions>('scaledDotProductAttention', rest, SDPA_ARGS, ['generator']);
  return scaledDotProductAttentionWithWeights(query, key, value, options)[0];
}

/**
 * The same computation returning [output, weights]; the weights [..., L, S] are those after dropout, as PyTorch's
 * multi_head_attention_forward returns them (MultiheadAttention's needWeights).
 */
export function scaledDotProductAttentionWithWeights(
  query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {},
): [Tensor, Tensor] {
  const op = 'scaledDotProductAttention';
  rejectExtraArguments(op, 4, arguments.length);
  for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${typeof t}`);
    if (t.ndim < 2) throw new Error(`${op}: ${name} must be at least 2-D [..., length, features], got shape ${formatShape(t.shape)}`);
    if (!isFloating(t.dtype)) throw new Error(`${op}: ${name} must be floating-point, got ${t.dtype}`);
  }
  positionalOptions(op, [options], [], [...SDPA_ARGS, 'generator']);
  const { attnMask = null, dropoutP = 0, isCausal = false, scale = null, generator } = options;
  if (scale !== null && (typeof scale !== 'number' || !Number.isFinite(scale))) {
    throw new TypeError(`${op}: scale must be a finite number or null, got ${typeof scale === 'string' ? JSON.stringify(scale) : String(scale)}`);
  }
  if (typeof isCausal !== 'boolean') throw new TypeError(`${op}: isCausal must be a boolean, got ${typeof isCausal}`);
  const E = query.shape[query.ndim - 1];
  const L = query.shape[query.ndim - 2];
  const S = key.shape[key.ndim - 2];
  if (key.shape[key.ndim - 1] !== E) {
    throw new Error(`${op}: query ${formatShape(query.shape)} and key ${formatShape(key.shape)} must have the same last dim`);
  }
  if (value.shape[value.ndim - 2] !== S) {
    throw new Error(`${op}: key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must have the same length (dim -2)`);
  }
  if (isCausal && attnMask !== null) throw new Error(`${op}: give either attnMask or isCausal, not both`);
  if (attnMask !== null && !(attnMask instanceof Tensor)) throw new TypeError(`${op}: attnMask must be a Tensor or null, got ${typeof attnMask}`);
  if (!(dropoutP >= 0 && dropoutP <= 1)) throw new Error(`${op}: dropoutP must be in [0, 1], got ${dropoutP}`);
  const s = scale ?? 1 / Math.sqrt(E);
  let scores = mul(matmul(query, transpose(key, -2, -1)), s);
  const mask = isCausal ? kernels.lowerTriangleMask(L, S, query.device) : attnMask;
  if (mask !== null) scores = applyMask(op, scores, mask);
  let weights = softmax(scores, -1);
  if (dropoutP > 0) weights = dropout(weights, dropoutP, true, generator ? { generator } : {});
  return [matmul(weights, value), weights];
}

/** int32 [L, S], 1 on and below the diagonal: query i sees keys 0..i. */
export function causalMask(L: number, S: number): Tensor {
  rejectExtraArguments('causalMask', 2, arguments.length);
  return kernels.lowerTriangleMask(L, S);
}

/** Adds a floating mask; a bool (or int32) mask keeps the scores where it is true and puts -inf elsewhere. */
function applyMask(op: string, scores: Tensor, mask: Tensor): Tensor {
  try {
    if (!isFloating(mask.dtype)) return where(mask, scores, kernels.full([], -Infinity, scores.dtype));
    if (mask.dtype !== scores.dtype) throw new Error(`a floating mask must have the scores' dtype ${scores.dtype}, got ${mask.dtype}`);
    return add(scores, mask);
  } catch (e) {
    throw new Error(`${op}: attnMask of shape ${formatShape(mask.shape)} does not fit the scores ${formatShape(scores.shape)}: ${(e as Error).message}`);
  }
}

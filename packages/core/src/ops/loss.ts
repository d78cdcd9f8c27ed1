import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { empty } from '../creation.js';
import { type DType, type TypedArray, promoteTypes } from '../dtype.js';
import { formatShape, numelOf, sameShape } from '../shape.js';
import { checkOptionKeys } from '../options.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface NllLossOptions {
  /** 'mean' divides by the summed weight of the non-ignored targets (their count without `weight`). Default 'mean'. */
  reduction?: Reduction;
  /** Targets equal to this contribute neither loss nor gradient. Default -100. */
  ignoreIndex?: number;
  /** A rescaling weight per class, shape [C]. Not differentiated. */
  weight?: Tensor | null;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target becomes (1 - ε)·onehot + ε/C, as in PyTorch. Default 0. */
  labelSmoothing?: number;
}

export interface MseLossOptions {
  reduction?: Reduction;
}

interface ClassLossConfig {
  reduction: Reduction;
  ignoreIndex: number;
  weight: Tensor | null;
  labelSmoothing: number;
}

function checkReduction(op: string, reduction: unknown): Reduction {
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  return reduction;
}

function classLossConfig(op: string, options: CrossEntropyOptions | undefined, allowed: readonly string[]): ClassLossConfig {
  const opts = options ?? {};
  checkOptionKeys(op, opts, allowed);
  const { reduction = 'mean', ignoreIndex = -100, weight = null, labelSmoothing = 0 } = opts;
  if (!Number.isInteger(ignoreIndex)) throw new Error(`${op}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  if (weight !== null && !(weight instanceof Tensor)) throw new TypeError(`${op}: weight must be a Tensor, got ${typeof weight}`);
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(`${op}: labelSmoothing must be between 0 and 1, got ${labelSmoothing}`);
  }
  return { reduction: checkReduction(op, reduction), ignoreIndex, weight, labelSmoothing };
}

/** Input [N, C, d1, ...] (or [C]) seen as [N, C, inner] against target [N, d1, ...] (or []). */
interface ClassLayout {
  N: number;
  C: number;
  inner: number;
}

/** Checks input, target and weight of a class-index loss; names the op and what was expected. */
function classLayout(op: string, input: Tensor, target: Tensor, config: ClassLossConfig): ClassLayout {
  if (input.dtype === 'int32') throw new Error(`${op}: expected floating-point input, got int32`);
  if (target.dtype !== 'int32') throw new Error(`${op}: expected target of dtype int32 (class indices), got ${target.dtype}`);
  if (input.ndim === 0) throw new Error(`${op}: expected input of shape [N, C], [N, C, d1, ...] or [C], got []`);
  const unbatched = input.ndim === 1;
  const expected = unbatched ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (!sameShape(target.shape, expected)) {
    throw new Error(
      `${op}: target of shape ${formatShape(target.shape)} does not match input of shape ${formatShape(input.shape)} ` +
        `(expected target shape ${formatShape(expected)})`,
    );
  }
  const C = unbatched ? input.shape[0] : input.shape[1];
  const { weight, ignoreIndex } = config;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C || weight.dtype === 'int32')) {
    throw new Error(`${op}: weight must be a floating-point tensor of shape [${C}] (one weight per class), got ${weight.dtype} ${formatShape(weight.shape)}`);
  }
  const T = target.data;
  for (let i = 0; i < T.length; i++) {
    const t = T[i];
    if (t !== ignoreIndex && (t < 0 || t >= C)) {
      throw new Error(`${op}: target ${t} at flat index ${i} is out of bounds: expected a class index in [0, ${C}) or ignoreIndex ${ignoreIndex}`);
    }
  }
  return { N: unbatched ? 1 : input.shape[0], C, inner: numelOf(input.shape.slice(2)) };
}

/** The output of a reduced loss: per-position values for 'none', else the sum, divided by `denominator` for 'mean'. */
function reduceLoss(perPosition: TypedArray, shape: readonly number[], reduction: Reduction, denominator: number, dtype: DType): Tensor {
  if (reduction === 'none') return new Tensor(perPosition, shape);
  let total = 0;
  for (let i = 0; i < perPosition.length; i++) total += perPosition[i];
  const out = empty([], dtype);
  out.data[0] = reduction === 'mean' ? total / denominator : total;
  return out;
}

/** The upstream gradient reaching one position: g[p] for 'none', g for 'sum', g / denominator for 'mean'. */
function positionScale(g: TypedArray, p: number, reduction: Reduction, denominator: number): number {
  return reduction === 'none' ? g[p] : reduction === 'mean' ? g[0] / denominator : g[0];
}

interface CrossEntropyState extends ClassLossConfig, ClassLayout {
  /** softmax(logits), kept only when a gradient is wanted. */
  probs: TypedArray;
  /** Σ of target weights over non-ignored positions: the 'mean' denominator. */
  weightSum: number;
  inShape: readonly number[];
}

/**
 * torch.nn.functional.cross_entropy with class-index targets, fused: log-softmax and NLL in one pass per position,
 * with the closed-form gradient (softmax - smoothed onehot) · g / N, so no log-probability tensor is made.
 * With ε = labelSmoothing and weights w (1 without `weight`), each non-ignored position i with target t contributes
 *   (1 - ε)·w_t·(-log p_t) + (ε / C)·Σ_c w_c·(-log p_c),
 * and 'mean' divides the sum by Σ_i w_t(i), exactly as PyTorch does.
 */
export const crossEntropy = defineOp({
  name: 'crossEntropy',
  signatures: {
    'Tensor, Tensor': (logits: Tensor, target: Tensor): [Tensor, Tensor, ClassLossConfig] => [logits, target, classLossConfig('crossEntropy', undefined, [])],
    'Tensor, Tensor, Object | undefined': (logits: Tensor, target: Tensor, options: CrossEntropyOptions | undefined): [Tensor, Tensor, ClassLossConfig] => [
      logits,
      target,
      classLossConfig('crossEntropy', options, ['reduction', 'ignoreIndex', 'weight', 'labelSmoothing']),
    ],
  },
  forward(ctx: OpContext<CrossEntropyState>, logits: Tensor, target: Tensor, config: ClassLossConfig) {
    const layout = classLayout('crossEntropy', logits, target, config);
    const { N, C, inner } = layout;
    const { ignoreIndex, labelSmoothing: eps } = config;
    const X = logits.data;
    const T = target.data;
    const W = config.weight ? config.weight.data : null;
    const probs = ctx.recording ? empty(logits.shape, logits.dtype).data : null;
    const loss = empty(target.shape, logits.dtype).data;
    let weightSum = 0;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < inner; j++) {
        const p = n * inner + j;
        const base = n * C * inner + j;
        let m = -Infinity;
        for (let c = 0; c < C; c++) {
          const v = X[base + c * inner];
          if (v > m) m = v;
        }
        let s = 0;
        for (let c = 0; c < C; c++) {
          const e = Math.exp(X[base + c * inner] - m);
          if (probs) probs[base + c * inner] = e;
          s += e;
        }
        const lse = m + Math.log(s);
        if (probs) {
          const inv = 1 / s;
          for (let c = 0; c < C; c++) probs[base + c * inner] *= inv;
        }
        const t = T[p];
        if (t === ignoreIndex) continue;
        const wt = W ? W[t] : 1;
        weightSum += wt;
        let value = (1 - eps) * wt * (lse - X[base + t * inner]);
        if (eps > 0) {
          let smooth = 0;
          for (let c = 0; c < C; c++) smooth += (W ? W[c] : 1) * (lse - X[base + c * inner]);
          value += (eps / C) * smooth;
        }
        loss[p] = value;
      }
    }
    if (probs) {
      ctx.save(...(config.weight ? [target, config.weight] : [target]));
      ctx.state = { ...config, ...layout, probs, weightSum, inShape: logits.shape };
    }
    return reduceLoss(loss, target.shape, config.reduction, weightSum, logits.dtype);
  },
  backward(ctx, g) {
    // d/dx_c = s·[(1 - ε)·w_t·(p_c - [c = t]) + (ε / C)·(p_c·Σ_k w_k - w_c)], s the upstream scale of the position
    const [target] = ctx.saved;
    const { N, C, inner, probs, weightSum, reduction, ignoreIndex, labelSmoothing: eps, weight, inShape } = ctx.state;
    const T = target.data;
    const W = weight ? weight.data : null;
    let wAll = C;
    if (W) {
      wAll = 0;
      for (let c = 0; c < C; c++) wAll += W[c];
    }
    const G = g.data;
    const gx = empty(inShape, g.dtype);
    const D = gx.data;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < inner; j++) {
        const p = n * inner + j;
        const t = T[p];
        if (t === ignoreIndex) continue;
        const base = n * C * inner + j;
        const s = positionScale(G, p, reduction, weightSum);
        const wt = W ? W[t] : 1;
        const a = s * ((1 - eps) * wt + (eps / C) * wAll);
        const b = (s * eps) / C;
        for (let c = 0; c < C; c++) D[base + c * inner] = a * probs[base + c * inner] - b * (W ? W[c] : 1);
        D[base + t * inner] -= s * (1 - eps) * wt;
      }
    }
    return [gx, null, null];
  },
}) as unknown as (logits: Tensor, target: Tensor, options?: CrossEntropyOptions) => Tensor;

interface NllState extends ClassLossConfig, ClassLayout {
  weightSum: number;
  inShape: readonly number[];
}

/** torch.nn.functional.nll_loss: -w_t · input[t] per position, input holding log-probabilities. */
export const nllLoss = defineOp({
  name: 'nllLoss',
  signatures: {
    'Tensor, Tensor': (input: Tensor, target: Tensor): [Tensor, Tensor, ClassLossConfig] => [input, target, classLossConfig('nllLoss', undefined, [])],
    'Tensor, Tensor, Object | undefined': (input: Tensor, target: Tensor, options: NllLossOptions | undefined): [Tensor, Tensor, ClassLossConfig] => [
      input,
      target,
      classLossConfig('nllLoss', options, ['reduction', 'ignoreIndex', 'weight']),
    ],
  },
  forward(ctx: OpContext<NllState>, input: Tensor, target: Tensor, config: ClassLossConfig) {
    const layout = classLayout('nllLoss', input, target, config);
    const { N, C, inner } = layout;
    const X = input.data;
    const T = target.data;
    const W = config.weight ? config.weight.data : null;
    const loss = empty(target.shape, input.dtype).data;
    let weightSum = 0;
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < inner; j++) {
        const p = n * inner + j;
        const t = T[p];
        if (t === config.ignoreIndex) continue;
        const wt = W ? W[t] : 1;
        weightSum += wt;
        loss[p] = -wt * X[n * C * inner + t * inner + j];
      }
    }
    ctx.save(...(config.weight ? [target, config.weight] : [target]));
    ctx.state = { ...config, ...layout, weightSum, inShape: input.shape };
    return reduceLoss(loss, target.shape, config.reduction, weightSum, input.dtype);
  },
  backward(ctx, g) {
    const [target] = ctx.saved;
    const { N, C, inner, weightSum, reduction, ignoreIndex, weight, inShape } = ctx.state;
    const T = target.data;
    const W = weight ? weight.data : null;
    const gx = empty(inShape, g.dtype);
    for (let n = 0; n < N; n++) {
      for (let j = 0; j < inner; j++) {
        const p = n * inner + j;
        const t = T[p];
        if (t === ignoreIndex) continue;
        gx.data[n * C * inner + t * inner + j] = -(W ? W[t] : 1) * positionScale(g.data, p, reduction, weightSum);
      }
    }
    return [gx, null, null];
  },
}) as unknown as (input: Tensor, target: Tensor, options?: NllLossOptions) => Tensor;

interface MseState {
  reduction: Reduction;
  /** input - target. */
  diff: TypedArray;
  shape: readonly number[];
}

/**
 * torch.nn.functional.mse_loss: (input - target)², reduced. Both may require grad. Shapes must match: PyTorch
 * broadcasts here but warns that the result is likely wrong, and torchlet never returns that silently.
 */
export const mseLoss = defineOp({
  name: 'mseLoss',
  signatures: {
    'Tensor, Tensor': (input: Tensor, target: Tensor): [Tensor, Tensor, Reduction] => [input, target, 'mean'],
    'Tensor, Tensor, Object | undefined': (input: Tensor, target: Tensor, options: MseLossOptions | undefined): [Tensor, Tensor, Reduction] => {
      const opts = options ?? {};
      checkOptionKeys('mseLoss', opts, ['reduction']);
      return [input, target, checkReduction('mseLoss', opts.reduction ?? 'mean')];
    },
  },
  forward(ctx: OpContext<MseState>, input: Tensor, target: Tensor, reduction: Reduction) {
    if (input.dtype === 'int32' || target.dtype === 'int32') {
      throw new Error(`mseLoss: expected floating-point input and target, got ${input.dtype} and ${target.dtype}`);
    }
    if (!sameShape(input.shape, target.shape)) {
      throw new Error(`mseLoss: input of shape ${formatShape(input.shape)} and target of shape ${formatShape(target.shape)} must have the same shape`);
    }
    const dtype = promoteTypes(input.dtype, target.dtype);
    const diff = empty(input.shape, dtype).data;
    const a = input.data;
    const b = target.data;
    for (let i = 0; i < diff.length; i++) diff[i] = a[i] - b[i];
    // backward needs the differences themselves, so square a copy when recording
    const squares = ctx.recording ? diff.slice() : diff;
    for (let i = 0; i < squares.length; i++) squares[i] *= squares[i];
    if (ctx.recording) ctx.state = { reduction, diff, shape: input.shape };
    return reduceLoss(squares, input.shape, reduction, squares.length, dtype);
  },
  backward(ctx, g) {
    const { reduction, diff, shape } = ctx.state;
    const gi = empty(shape, g.dtype);
    const D = gi.data;
    for (let i = 0; i < D.length; i++) D[i] = 2 * diff[i] * positionScale(g.data, i, reduction, diff.length);
    let gt: Tensor | null = null;
    if (ctx.needsInputGrad[1]) {
      gt = empty(shape, g.dtype);
      for (let i = 0; i < D.length; i++) gt.data[i] = -D[i];
    }
    return [ctx.needsInputGrad[0] ? gi : null, gt, null];
  },
}) as unknown as (input: Tensor, target: Tensor, options?: MseLossOptions) => Tensor;

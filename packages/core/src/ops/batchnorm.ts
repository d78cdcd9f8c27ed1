import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { empty } from '../creation.js';
import type { FloatArray } from '../dtype.js';
import { formatShape, numelOf } from '../shape.js';
import { batchNormForward, batchNormGradSums, batchNormInputGrad, channelStats } from '../kernels/batchnorm.js';

export interface BatchNormOptions {
  /** [C] buffers: read in eval mode, updated in place in training mode. */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** [C] affine scale and shift (γ, β); differentiable. */
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch statistics (and update the running ones) instead of the running statistics. Default false. */
  training?: boolean;
  momentum?: number;
  eps?: number;
}

interface BatchNormConfig {
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  training: boolean;
  momentum: number;
  eps: number;
}

interface BatchNormState {
  /** The statistics x was normalised with (batch or running), per channel. */
  mean: Float64Array;
  invStd: Float64Array;
  training: boolean;
}

type BatchNormArgs = [Tensor, Tensor | null, Tensor | null, BatchNormConfig];

/** The affine parameters become positional arguments so the tape sees them as inputs. */
function normalizeOptions(x: Tensor, options: BatchNormOptions = {}): BatchNormArgs {
  const { runningMean = null, runningVar = null, weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  return [x, weight, bias, { runningMean, runningVar, training, momentum, eps }];
}

const batchNormOp = defineOp({
  name: 'batchNorm',
  signatures: {
    Tensor: (x: Tensor): BatchNormArgs => normalizeOptions(x),
    'Tensor, Object | undefined': (x: Tensor, options: BatchNormOptions | undefined): BatchNormArgs => normalizeOptions(x, options),
  },
  forward(ctx: OpContext<BatchNormState>, x: Tensor, weight: Tensor | null, bias: Tensor | null, config: BatchNormConfig) {
    const { runningMean, runningVar, training, momentum, eps } = config;
    checkArguments(x, weight, bias, config);
    const [N, C] = x.shape;
    const S = numelOf(x.shape.slice(2));
    const X = x.data as FloatArray;
    const mean = new Float64Array(C);
    const variance = new Float64Array(C);
    if (training) {
      channelStats(X, N, C, S, mean, variance);
      if (runningMean && runningVar) {
        // The running variance tracks the unbiased estimate, as in PyTorch; normalisation uses the biased one.
        const unbias = (N * S) / (N * S - 1);
        const rm = runningMean.data;
        const rv = runningVar.data;
        for (let c = 0; c < C; c++) {
          rm[c] = (1 - momentum) * rm[c] + momentum * mean[c];
          rv[c] = (1 - momentum) * rv[c] + momentum * variance[c] * unbias;
        }
        runningMean._bumpVersion();
        runningVar._bumpVersion();
      }
    } else {
      mean.set(runningMean!.data);
      variance.set(runningVar!.data);
    }
    const invStd = new Float64Array(C);
    for (let c = 0; c < C; c++) invStd[c] = 1 / Math.sqrt(variance[c] + eps);
    const out = empty(x.shape, x.dtype);
    batchNormForward(X, N, C, S, mean, invStd, weight ? (weight.data as FloatArray) : null, bias ? (bias.data as FloatArray) : null, out.data as FloatArray);
    ctx.save(x, ...(weight ? [weight] : []));
    ctx.state = { mean, invStd, training };
    return out;
  },
  backward(ctx, grad) {
    const [x, weight = null] = ctx.saved;
    const { mean, invStd, training } = ctx.state;
    const [N, C] = x.shape;
    const S = numelOf(x.shape.slice(2));
    const X = x.data as FloatArray;
    const G = grad.data as FloatArray;
    const sumDy = new Float64Array(C);
    const sumDyXhat = new Float64Array(C);
    batchNormGradSums(X, G, N, C, S, mean, invStd, sumDy, sumDyXhat);
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      gx = empty(x.shape, x.dtype);
      const W = weight ? (weight.data as FloatArray) : null;
      batchNormInputGrad(X, G, N, C, S, mean, invStd, W, training, sumDy, sumDyXhat, gx.data as FloatArray);
    }
    if (ctx.needsInputGrad[1]) {
      gw = empty([C], x.dtype);
      gw.data.set(sumDyXhat);
    }
    if (ctx.needsInputGrad[2]) {
      gb = empty([C], x.dtype);
      gb.data.set(sumDy);
    }
    return [gx, gw, gb];
  },
});

/**
 * torch.nn.functional.batch_norm for x [N, C] or [N, C, H, W] (any [N, C, ...]), statistics per channel.
 * Training normalises with the batch mean and biased variance and updates the running statistics in place
 * (`running = (1 - momentum)·running + momentum·batch`, with the unbiased variance); eval uses the running statistics.
 */
export const batchNorm = batchNormOp as unknown as (x: Tensor, options?: BatchNormOptions) => Tensor;

function checkArguments(x: Tensor, weight: Tensor | null, bias: Tensor | null, config: BatchNormConfig): void {
  const { runningMean, runningVar, training, momentum, eps } = config;
  if (x.ndim < 2) throw new Error(`batchNorm: expected an input [N, C] or [N, C, H, W], got shape ${formatShape(x.shape)}`);
  if (x.dtype === 'int32') throw new Error('batchNorm: expected a floating-point input, got int32');
  if (typeof training !== 'boolean') throw new TypeError(`batchNorm: training must be a boolean, got ${typeof training}`);
  const C = x.shape[1];
  const perChannel: [string, Tensor | null][] = [['weight', weight], ['bias', bias], ['runningMean', runningMean], ['runningVar', runningVar]];
  for (const [name, t] of perChannel) {
    if (t === null) continue;
    if (!(t instanceof Tensor)) throw new TypeError(`batchNorm: ${name} must be a Tensor or null, got ${typeof t}`);
    if (t.ndim !== 1 || t.shape[0] !== C) {
      throw new Error(`batchNorm: ${name} must have shape [${C}] for input ${formatShape(x.shape)}, got ${formatShape(t.shape)}`);
    }
    if (t.dtype !== x.dtype) throw new Error(`batchNorm: ${name} has dtype ${t.dtype} but the input is ${x.dtype}`);
  }
  if ((runningMean === null) !== (runningVar === null)) {
    throw new Error('batchNorm: runningMean and runningVar must be given together (or both left out)');
  }
  if (!training && runningMean === null) {
    throw new Error('batchNorm: runningMean and runningVar are required when training is false (pass them, or training: true)');
  }
  if (typeof momentum !== 'number' || !Number.isFinite(momentum)) throw new TypeError(`batchNorm: momentum must be a finite number, got ${momentum}`);
  if (typeof eps !== 'number' || !(eps >= 0)) throw new TypeError(`batchNorm: eps must be a non-negative number, got ${eps}`);
  if (training && numelOf(x.shape) / C <= 1) {
    throw new Error(`batchNorm: expected more than 1 value per channel when training, got input ${formatShape(x.shape)}`);
  }
}

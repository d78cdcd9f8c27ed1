import { defineOp } from '../op.js';
import { type OpContext, isGradEnabled } from '../tape.js';
import { Tensor } from '../tensor.js';
import { formatShape, numelOf } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { checkOptionKeys } from '../options.js';
import { isFloating } from '../dtype.js';
import { add, mul, sub } from './arithmetic.js';
import { mean as meanOf, sum } from './reduction.js';
import { reshape } from './shape.js';
import { pow } from './unary.js';
import { to } from './cast.js';

/** batchNorm's options, as torch.nn.functional.batch_norm's arguments. */
export interface BatchNormOptions {
  /** [C] buffers: read in eval mode, updated in place in training mode. */
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** [C] affine scale and shift (γ, β); differentiable. */
  weight?: Tensor | null;
  bias?: Tensor | null;
  /** Normalise with the batch statistics (and update the running ones) instead of the running statistics. Default false. */
  training?: boolean;
  /** Weight of the batch statistics in the running update (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
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
  /** The statistics x was normalised with (batch or running), per channel, float64 [C]. */
  mean: Tensor;
  invStd: Tensor;
  training: boolean;
  eps: number;
}

type BatchNormArgs = [Tensor, Tensor | null, Tensor | null, BatchNormConfig];

/** The affine parameters become positional arguments so the tape sees them as inputs. */
function normalizeOptions(x: Tensor, options: BatchNormOptions = {}): BatchNormArgs {
  checkOptionKeys('batchNorm', options, ['runningMean', 'runningVar', 'weight', 'bias', 'training', 'momentum', 'eps']);
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
    const [N] = x.shape;
    const S = numelOf(x.shape.slice(2));
    let mean: Tensor;
    let variance: Tensor;
    if (training) {
      ({ mean, variance } = kernels.batchNormStats(x));
      if (runningMean && runningVar) {
        // The running variance tracks the unbiased estimate, as in PyTorch; normalisation uses the biased one.
        kernels.updateRunningStat(runningMean, mean, momentum, 1);
        kernels.updateRunningStat(runningVar, variance, momentum, (N * S) / (N * S - 1));
        runningMean._bumpVersion();
        runningVar._bumpVersion();
      }
    } else {
      // the statistics' dtype of the training branch: float64 on the CPU, float32 where float64 cannot live (WGSL)
      const statistics = runningMean!.device === 'cpu' ? 'float64' : 'float32';
      mean = kernels.cast(runningMean!, statistics);
      variance = kernels.cast(runningVar!, statistics);
    }
    const invStd = kernels.invStd(variance, eps);
    ctx.save(x, ...(weight ? [weight] : []));
    ctx.state = { mean, invStd, training, eps };
    return kernels.batchNorm(x, mean, invStd, weight, bias);
  },
  backward(ctx, grad) {
    const [x, weight = null] = ctx.saved;
    const { mean, invStd, training } = ctx.state;
    // isGradEnabled: a createGraph backward, whose gradients must be recorded
    if (isGradEnabled()) return batchNormGradientsInOps(x, grad, weight, ctx.state, ctx.needsInputGrad);
    const [gx, gw, gb] = kernels.batchNormBackward(x, grad, mean, invStd, weight, training, ctx.needsInputGrad[0]);
    return [gx, ctx.needsInputGrad[1] ? gw : null, ctx.needsInputGrad[2] ? gb : null];
  },
});

/**
 * batchNorm's gradients written in ops, for createGraph (the fused kernel's result would have no graph): with x̂ the
 * normalised input and means over the batch and spatial positions of a channel, training gives
 * gx = w·invStd·(g - mean(g) - x̂·mean(g·x̂)), recomputing the statistics from x so they are differentiated too;
 * eval gives gx = w·invStd·g with the running statistics constant. gw = Σ g·x̂ and gb = Σ g in both.
 */
function batchNormGradientsInOps(x: Tensor, g: Tensor, weight: Tensor | null, state: BatchNormState, needs: readonly boolean[]): (Tensor | null)[] {
  const C = x.shape[1];
  const perChannel = x.shape.map((_, i) => (i === 1 ? C : 1));
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const channel = (t: Tensor): Tensor => reshape(to(t, x.dtype), perChannel);
  let xhat: Tensor;
  let invStd: Tensor;
  if (state.training) {
    const mu = meanOf(x, dims, true);
    const centered = sub(x, mu);
    invStd = pow(add(meanOf(mul(centered, centered), dims, true), state.eps), -0.5);
    xhat = mul(centered, invStd);
  } else {
    invStd = channel(state.invStd);
    xhat = mul(sub(x, channel(state.mean)), invStd);
  }
  const scale = weight ? mul(reshape(weight, perChannel), invStd) : invStd;
  let gx: Tensor | null = null;
  if (needs[0]) {
    gx = state.training ? mul(scale, sub(sub(g, meanOf(g, dims, true)), mul(xhat, meanOf(mul(g, xhat), dims, true)))) : mul(scale, g);
  }
  return [gx, needs[1] ? sum(mul(g, xhat), dims) : null, needs[2] ? sum(g, dims) : null];
}

/**
 * torch.nn.functional.batch_norm for x [N, C] or [N, C, H, W] (any [N, C, ...]), statistics per channel.
 * Training normalises with the batch mean and biased variance and updates the running statistics in place
 * (`running = (1 - momentum)·running + momentum·batch`, with the unbiased variance); eval uses the running statistics.
 */
export const batchNorm = batchNormOp as unknown as (x: Tensor, options?: BatchNormOptions) => Tensor;

function checkArguments(x: Tensor, weight: Tensor | null, bias: Tensor | null, config: BatchNormConfig): void {
  const { runningMean, runningVar, training, momentum, eps } = config;
  if (x.ndim < 2) throw new Error(`batchNorm: expected an input [N, C] or [N, C, H, W], got shape ${formatShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new Error(`batchNorm: expected a floating-point input, got ${x.dtype}`);
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

import { defineOp } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import * as kernels from '../kernels/backend.js';

/**
 * Fast backward kernels registered as ops, so that a first-order gradient computed by one fused loop can itself be
 * differentiated (as PyTorch registers convolution_backward): the kernel is the op's forward, and its backward is
 * written in ops. Training without createGraph runs just the kernel.
 */

/** Zeros shaped like `like`, as an op result: a gradient that is exactly zero (not one cut from its graph). */
export const zeroGradient = defineOp({
  name: 'zeroGradient',
  signatures: ['Tensor'],
  forward(_ctx, like: Tensor) {
    return kernels.full(like.shape, 0, like.dtype, like.device);
  },
}) as (like: Tensor) => Tensor;

/**
 * The op `${name}` computing kernel(saved, g, params): a backward kernel, linear in the upstream gradient g (a
 * vector-Jacobian product Jᵀg). Its own backward: with respect to `saved` it is `savedGradient(saved, g, gg,
 * params)`, written in ops, or null where that derivative is zero (masks, signs); with respect to g it is J·gg,
 * `upstreamGradient`, which defaults to the op itself applied to gg: right where J is symmetric (elementwise rules,
 * softmax), not otherwise (logSoftmax passes its own).
 */
export function defineGradientOp<P>(
  name: string,
  kernel: (saved: Tensor, g: Tensor, params: P) => Tensor,
  savedGradient: (saved: Tensor, g: Tensor, gg: Tensor, params: P) => Tensor | null,
  upstreamGradient?: (saved: Tensor, gg: Tensor, params: P) => Tensor,
): (saved: Tensor, g: Tensor, params: P) => Tensor {
  const op: (saved: Tensor, g: Tensor, params: P) => Tensor = defineOp({
    name,
    signatures: ['Tensor, Tensor, any'],
    forward(ctx: OpContext<P>, saved: Tensor, g: Tensor, params: P) {
      if (ctx.recording) {
        ctx.save(saved, g);
        ctx.state = params;
      }
      return kernel(saved, g, params);
    },
    backward(ctx, gg) {
      const [saved, g] = ctx.saved;
      const params = ctx.state;
      const gSaved = ctx.needsInputGrad[0] ? (savedGradient(saved, g, gg, params) ?? zeroGradient(saved)) : null;
      const gUpstream = ctx.needsInputGrad[1] ? (upstreamGradient ?? op)(saved, gg, params) : null;
      return [gSaved, gUpstream, null];
    },
  });
  return op;
}

/**
 * Two linear maps that are each other's adjoint (slice and writing into a window, gather and scatter-add, pooling
 * and its backward), as ops: each one's backward is the other applied to the upstream gradient, so a rule built
 * from them is differentiable to every order. `params` carries the geometry both kernels need.
 */
export function defineAdjointPair<P>(
  name: string,
  map: (x: Tensor, params: P) => Tensor,
  adjointName: string,
  adjoint: (g: Tensor, params: P) => Tensor,
): [(x: Tensor, params: P) => Tensor, (g: Tensor, params: P) => Tensor] {
  const define = (opName: string, kernel: (t: Tensor, params: P) => Tensor, other: () => (t: Tensor, params: P) => Tensor) =>
    defineOp({
      name: opName,
      signatures: ['Tensor, any'],
      forward(ctx: OpContext<P>, t: Tensor, params: P) {
        ctx.state = params;
        return kernel(t, params);
      },
      backward(ctx, gg) {
        return [other()(gg, ctx.state), null];
      },
    }) as (t: Tensor, params: P) => Tensor;
  const forward = define(name, map, () => backward);
  const backward = define(adjointName, adjoint, () => forward);
  return [forward, backward];
}

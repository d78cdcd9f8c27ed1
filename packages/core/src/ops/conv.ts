import { defineOp, typed } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { type IntPair, formatShape, intPair } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { positionalOptions } from '../options.js';
import { add } from './arithmetic.js';
import { expand, reshape } from './shape.js';
import { zeroGradient } from './gradient-ops.js';

export interface Conv2dOptions {
  stride?: IntPair;
  /** Zero padding on each side, or 'valid' (none) or 'same' (output as large as the input; stride 1 only). */
  padding?: IntPair | 'valid' | 'same';
  dilation?: IntPair;
  groups?: number;
}

interface ConvState {
  geometry: kernels.ConvGeometry;
  groups: number;
}

/** What conv2d's backward ops need: the geometry, and which of the input and weight gradients are wanted. */
interface ConvBackwardParams extends ConvState {
  wantInput: boolean;
  wantWeight: boolean;
}

/** conv2d without bias, as an op of its own: the gradient of convolutionBackward with respect to g. */
const convolution = defineOp({
  name: 'convolution',
  signatures: ['Tensor, Tensor, any'],
  forward(ctx: OpContext<ConvState>, x: Tensor, w: Tensor, params: ConvState) {
    if (ctx.recording) {
      ctx.save(x, w);
      ctx.state = params;
    }
    return kernels.conv2dForward(params.geometry, params.groups, x, w, null);
  },
  backward(ctx, grad) {
    const [x, w] = ctx.saved;
    return [...convGradients(x, w, grad, ctx.state, ctx.needsInputGrad[0], ctx.needsInputGrad[1]), null];
  },
}) as (x: Tensor, w: Tensor, params: ConvState) => Tensor;

/**
 * conv2d's input and weight gradients from one kernel call, as a multi-output op (PyTorch's convolution_backward):
 * its outputs are the wanted ones of [gx, gw], in that order. Both are bilinear, so its own backward is again
 * convolutions and convolution gradients: with upstream ggx, ggw it gives x: Dx(g, ggw), w: Dw(ggx, g) and
 * g: conv(ggx, w) + conv(x, ggw).
 */
const convolutionBackward = defineOp({
  name: 'convolutionBackward',
  signatures: ['Tensor, Tensor, Tensor, any'],
  forward(ctx: OpContext<ConvBackwardParams>, x: Tensor, w: Tensor, grad: Tensor, params: ConvBackwardParams): Tensor[] {
    if (ctx.recording) {
      ctx.save(x, w, grad);
      ctx.state = params;
    }
    const [gx, gw] = kernels.conv2dBackward(params.geometry, params.groups, x, w, grad, params.wantInput, params.wantWeight);
    return [gx, gw].filter((t): t is Tensor => t !== null);
  },
  backward(ctx, grads) {
    const [x, w, g] = ctx.saved;
    const params = ctx.state;
    const ggx = params.wantInput ? grads[0] : null;
    const ggw = params.wantWeight ? grads[params.wantInput ? 1 : 0] : null;
    const [nx, nw, ng] = ctx.needsInputGrad;
    // x and w enter the other gradient only through their shapes: detached, they add no recorded input
    const gx = nx ? (ggw ? convGradients(x.detach(), ggw, g, params, true, false)[0]! : zeroGradient(x)) : null;
    const gw = nw ? (ggx ? convGradients(ggx, w.detach(), g, params, false, true)[1]! : zeroGradient(w)) : null;
    let gg: Tensor | null = null;
    if (ng) {
      const terms = [ggx && convolution(ggx, w, params), ggw && convolution(x, ggw, params)].filter((t): t is Tensor => t !== null);
      gg = terms.length === 0 ? zeroGradient(g) : terms.length === 1 ? terms[0] : add(terms[0], terms[1]);
    }
    return [gx, gw, gg, null];
  },
}) as (x: Tensor, w: Tensor, grad: Tensor, params: ConvBackwardParams) => Tensor[];

/** [gx, gw] of a convolution (null where not wanted), through the convolutionBackward op. */
function convGradients(x: Tensor, w: Tensor, grad: Tensor, state: ConvState, wantInput: boolean, wantWeight: boolean): (Tensor | null)[] {
  if (!wantInput && !wantWeight) return [null, null];
  const outs = convolutionBackward(x, w, grad, { ...state, wantInput, wantWeight });
  return [wantInput ? outs[0] : null, wantWeight ? outs[wantInput ? 1 : 0] : null];
}

/** The bias gradient: g summed over everything but the channel; its own gradient spreads gg back. */
const convBiasBackward = defineOp({
  name: 'conv2dBiasBackward',
  signatures: ['Tensor'],
  forward(ctx: OpContext<readonly number[]>, grad: Tensor) {
    ctx.state = grad.shape;
    return kernels.conv2dBiasBackward(grad);
  },
  backward(ctx, gg) {
    return [expand(reshape(gg, [1, gg.shape[0], 1, 1]), ctx.state)];
  },
}) as (grad: Tensor) => Tensor;

/** Checks the arguments and works out the geometry; the backend's conv2d kernels (kernels/cpu/conv.ts) do the rest. */
const conv2dOp = defineOp({
  name: 'conv2d',
  signatures: ['Tensor, Tensor, Tensor | null, Object'],
  forward(ctx: OpContext<ConvState>, x: Tensor, w: Tensor, b: Tensor | null, options: Conv2dOptions) {
    const { geometry, groups } = convGeometry(x, w, b, options);
    ctx.save(x, w);
    ctx.state = { geometry, groups };
    return kernels.conv2dForward(geometry, groups, x, w, b);
  },
  backward(ctx, grad) {
    const [x, w] = ctx.saved;
    const needs = ctx.needsInputGrad;
    const [gx, gw] = convGradients(x, w, grad, ctx.state, needs[0], needs[1]);
    return [gx, gw, needs[2] ? convBiasBackward(grad) : null];
  },
});

/**
 * torch.nn.functional.conv2d: x [N, C, H, W], weight [O, C/groups, kH, kW], bias [O] or null.
 * Output [N, O, Ho, Wo] with Ho = floor((H + 2·padding - dilation·(kH - 1) - 1) / stride) + 1. Takes PyTorch's
 * positional form `conv2d(x, w, b, stride, padding, dilation, groups)` or an options object after the bias (or
 * in its place: `conv2d(x, w, { stride: 2 })`).
 */
export const conv2d = typed('conv2d', {
  'Tensor, Tensor': (x: Tensor, w: Tensor) => conv2dCall(x, w, []),
  // typed-function hands a rest parameter over as one array
  'Tensor, Tensor, ...any': (x: Tensor, w: Tensor, rest: unknown[]) => conv2dCall(x, w, rest),
}) as unknown as {
  (x: Tensor, weight: Tensor, options: Conv2dOptions): Tensor;
  (
    x: Tensor, weight: Tensor, bias?: Tensor | null, stride?: IntPair | Conv2dOptions, padding?: Conv2dOptions['padding'] | Conv2dOptions,
    dilation?: IntPair | Conv2dOptions, groups?: number | Conv2dOptions,
  ): Tensor;
};

function conv2dCall(x: Tensor, weight: Tensor, args: unknown[]): Tensor {
  const takesBias = args[0] === undefined || args[0] === null || args[0] instanceof Tensor;
  const bias = takesBias ? ((args[0] as Tensor | null | undefined) ?? null) : null;
  const options = positionalOptions<Conv2dOptions>('conv2d', takesBias ? args.slice(1) : args, ['stride', 'padding', 'dilation', 'groups']);
  return (conv2dOp as (x: Tensor, w: Tensor, b: Tensor | null, o: Conv2dOptions) => Tensor)(x, weight, bias, options);
}

/** Checks every argument of conv2d against the others and works out the output size. */
function convGeometry(x: Tensor, w: Tensor, b: Tensor | null, options: Conv2dOptions): { geometry: kernels.ConvGeometry; groups: number } {
  if (x.ndim !== 4) throw new Error(`conv2d: expected a 4-D input [N, C, H, W], got shape ${formatShape(x.shape)}`);
  if (w.ndim !== 4) throw new Error(`conv2d: expected a 4-D weight [O, C/groups, kH, kW], got shape ${formatShape(w.shape)}`);
  if (x.dtype === 'int32' || w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) {
    throw new Error(`conv2d: expected input, weight and bias of one floating dtype, got ${x.dtype}, ${w.dtype}${b ? ', ' + b.dtype : ''}`);
  }
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`conv2d: groups must be a positive integer, got ${JSON.stringify(groups)}`);
  const [, C, H, W] = x.shape;
  const [O, Cg, kH, kW] = w.shape;
  if (C % groups !== 0) throw new Error(`conv2d: groups ${groups} must divide the input channels, got input ${formatShape(x.shape)}`);
  if (O % groups !== 0) throw new Error(`conv2d: groups ${groups} must divide the output channels, got weight ${formatShape(w.shape)}`);
  if (C !== Cg * groups) {
    throw new Error(`conv2d: input has ${C} channels but weight ${formatShape(w.shape)} expects ${Cg * groups}${groups > 1 ? ` (${Cg} per group × ${groups} groups)` : ''}`);
  }
  if (b && (b.ndim !== 1 || b.shape[0] !== O)) throw new Error(`conv2d: bias must have shape [${O}] for weight ${formatShape(w.shape)}, got ${formatShape(b.shape)}`);
  const [sH, sW] = intPair('conv2d', 'stride', stride, 1);
  const [dH, dW] = intPair('conv2d', 'dilation', dilation, 1);
  let padTop: number, padBottom: number, padLeft: number, padRight: number;
  if (padding === 'valid') {
    padTop = padBottom = padLeft = padRight = 0;
  } else if (padding === 'same') {
    if (sH !== 1 || sW !== 1) throw new Error(`conv2d: padding 'same' is not supported for strided convolutions, got stride [${sH}, ${sW}]`);
    // The total padding d·(k - 1) is split with the extra one on the bottom/right, as PyTorch does.
    const totalH = dH * (kH - 1);
    const totalW = dW * (kW - 1);
    padTop = Math.floor(totalH / 2);
    padBottom = totalH - padTop;
    padLeft = Math.floor(totalW / 2);
    padRight = totalW - padLeft;
  } else if (typeof padding === 'string') {
    throw new Error(`conv2d: padding must be a number, [h, w], 'valid' or 'same', got ${JSON.stringify(padding)}`);
  } else {
    [padTop, padLeft] = intPair('conv2d', 'padding', padding, 0);
    padBottom = padTop;
    padRight = padLeft;
  }
  const spanH = dH * (kH - 1) + 1;
  const spanW = dW * (kW - 1) + 1;
  const paddedH = H + padTop + padBottom;
  const paddedW = W + padLeft + padRight;
  if (spanH > paddedH || spanW > paddedW) {
    throw new Error(
      `conv2d: kernel [${kH}, ${kW}]${dH > 1 || dW > 1 ? ` (dilated to [${spanH}, ${spanW}])` : ''} is larger than the padded input ` +
        `[${paddedH}, ${paddedW}] of input ${formatShape(x.shape)}`,
    );
  }
  const Ho = Math.floor((paddedH - spanH) / sH) + 1;
  const Wo = Math.floor((paddedW - spanW) / sW) + 1;
  return {
    geometry: { C, H, W, kH, kW, strideH: sH, strideW: sW, padTop, padLeft, dilationH: dH, dilationW: dW, Ho, Wo },
    groups,
  };
}

import { defineOp, typed } from '../op.js';
import type { OpContext } from '../tape.js';
import { Tensor } from '../tensor.js';
import { type IntPair, formatShape, intPair } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import type { AvgPoolDivisor, PoolGeometry } from '../kernels/backend.js';
import { positionalOptions } from '../options.js';
import { defineAdjointPair } from './gradient-ops.js';

export interface MaxPool2dOptions {
  kernelSize: IntPair;
  /** Defaults to kernelSize. */
  stride?: IntPair | null;
  /** Implicit -Infinity padding on each side, at most half the kernel. */
  padding?: IntPair;
  dilation?: IntPair;
  /** Round the output size up instead of down (the last window must still start inside the input or left padding). */
  ceilMode?: boolean;
  /** Also return the flat index (ih·W + iw within its plane) of each window's maximum. */
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  kernelSize: IntPair;
  stride?: IntPair | null;
  padding?: IntPair;
  ceilMode?: boolean;
  /** Divide by the window size including the zero padding (PyTorch's default). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

function check4d(op: string, x: Tensor): void {
  if (x.ndim !== 4) throw new Error(`${op}: expected a 4-D input [N, C, H, W], got shape ${formatShape(x.shape)}`);
  if (x.dtype === 'int32') throw new Error(`${op}: expected a floating-point input, got int32`);
}

/** PyTorch's pooling output size, including its ceilMode rule that the last window starts inside the input or left padding. */
function pooledSize(size: number, k: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * pad - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

interface PoolWindow {
  kernelSize: IntPair;
  stride?: IntPair | null;
  padding?: IntPair;
  dilation?: IntPair;
  ceilMode?: boolean;
}

/** Checks the window options against the input and works out the output size. */
function poolGeometry(op: string, x: Tensor, options: PoolWindow): PoolGeometry {
  check4d(op, x);
  if (options.kernelSize === undefined) throw new Error(`${op}: kernelSize is required`);
  const [kH, kW] = intPair(op, 'kernelSize', options.kernelSize, 1);
  const [sH, sW] = intPair(op, 'stride', options.stride ?? options.kernelSize, 1);
  const [pH, pW] = intPair(op, 'padding', options.padding ?? 0, 0);
  const [dH, dW] = intPair(op, 'dilation', options.dilation ?? 1, 1);
  if (pH > Math.floor(kH / 2) || pW > Math.floor(kW / 2)) {
    throw new Error(`${op}: padding [${pH}, ${pW}] must be at most half of kernelSize [${kH}, ${kW}]`);
  }
  const [N, C, H, W] = x.shape;
  const ceilMode = options.ceilMode === true;
  const Ho = pooledSize(H, kH, pH, sH, dH, ceilMode);
  const Wo = pooledSize(W, kW, pW, sW, dW, ceilMode);
  if (Ho < 1 || Wo < 1) {
    throw new Error(
      `${op}: input ${formatShape(x.shape)} is too small for kernelSize [${kH}, ${kW}]` +
        `${dH > 1 || dW > 1 ? ` with dilation [${dH}, ${dW}]` : ''} and padding [${pH}, ${pW}] (output would be [${Ho}, ${Wo}])`,
    );
  }
  return {
    planes: N * C, H, W, kH, kW, strideH: sH, strideW: sW, padH: pH, padW: pW, dilationH: dH, dilationW: dW, Ho, Wo,
  };
}

/** The indices tensor of each maxPool2d output, for the returnIndices wrapper (the op itself returns one tensor). */
const indicesOfOutput = new WeakMap<Tensor, Tensor>();

/** What the backward maps of the pools need. */
interface PoolBackwardGeometry {
  geometry: PoolGeometry;
  inShape: readonly number[];
  /** Max pool: each window's maximum, a flat index into its plane. */
  indices?: Tensor;
  divisor?: AvgPoolDivisor;
}

// Each pool's backward is a linear map; as ops with their adjoints they are differentiable to every order.
// Max pool: scatter g to the maxima, whose adjoint gathers from them (the maxima stay where the forward found them).
const [, maxPoolScatter] = defineAdjointPair(
  'maxPoolGather',
  (x: Tensor, p: PoolBackwardGeometry) => {
    const { planes, H, W, Ho, Wo } = p.geometry;
    const picked = kernels.gather(x, [planes, H * W], 1, p.indices!, [planes, Ho * Wo]);
    return kernels.view(picked, [p.inShape[0], p.inShape[1], Ho, Wo]);
  },
  'maxPool2dBackward',
  (g: Tensor, p: PoolBackwardGeometry) => kernels.maxPool2dBackward(p.geometry, g, p.indices!, p.inShape),
);
const [, avgPoolBackward] = defineAdjointPair(
  'avgPool2dMap',
  (x: Tensor, p: PoolBackwardGeometry) => kernels.avgPool2d(p.geometry, p.divisor!, x),
  'avgPool2dBackward',
  (g: Tensor, p: PoolBackwardGeometry) => kernels.avgPool2dBackward(p.geometry, p.divisor!, g, p.inShape),
);
const [, adaptiveAvgPoolBackward] = defineAdjointPair(
  'adaptiveAvgPool2dMap',
  (x: Tensor, p: AdaptiveState) => kernels.adaptiveAvgPool2d(x, p.Ho, p.Wo),
  'adaptiveAvgPool2dBackward',
  (g: Tensor, p: AdaptiveState) => kernels.adaptiveAvgPool2dBackward(g, p.inShape),
);

interface MaxPoolState {
  geometry: PoolGeometry;
  inShape: readonly number[];
}

const maxPool2dValues = defineOp({
  name: 'maxPool2d',
  signatures: ['Tensor, Object'],
  forward(ctx: OpContext<MaxPoolState>, x: Tensor, options: MaxPool2dOptions) {
    const g = poolGeometry('maxPool2d', x, options);
    const { out, indices } = kernels.maxPool2d(g, x);
    if (options.returnIndices) indicesOfOutput.set(out, indices);
    // The indices tensor may be handed to the user: saving it makes an in-place change to it an error in backward.
    ctx.save(indices);
    ctx.state = { geometry: g, inShape: x.shape };
    return out;
  },
  backward(ctx, grad) {
    const [indices] = ctx.saved;
    return [maxPoolScatter(grad, { ...ctx.state, indices })];
  },
});

/** PyTorch's positional order of max_pool2d's arguments after the input. */
const maxPoolArguments = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode', 'returnIndices'] as const;

/**
 * torch.nn.functional.max_pool2d on x [N, C, H, W], with PyTorch's positional arguments (`maxPool2d(x, 3, 1)` is
 * stride 1) or an options object. Ties go to the first maximum of the window (row-major), so the gradient of a
 * window flows to exactly one position. With returnIndices, returns `{ values, indices }`.
 */
export const maxPool2d = typed('maxPool2d', {
  // typed-function hands a rest parameter over as one array
  'Tensor, number | Array | Object': (x: Tensor, first: unknown) => maxPool2dCall(x, [first]),
  'Tensor, number | Array | Object, ...any': (x: Tensor, first: unknown, rest: unknown[]) => maxPool2dCall(x, [first, ...rest]),
}) as unknown as {
  (x: Tensor, options: MaxPool2dOptions & { returnIndices: true }): { values: Tensor; indices: Tensor };
  (
    x: Tensor, kernelSize: IntPair, stride: IntPair | null | undefined, padding: IntPair | undefined, dilation: IntPair | undefined,
    ceilMode: boolean | undefined, returnIndices: true,
  ): { values: Tensor; indices: Tensor };
  (
    x: Tensor, kernelSize: IntPair | (MaxPool2dOptions & { returnIndices?: false }), stride?: IntPair | null, padding?: IntPair,
    dilation?: IntPair, ceilMode?: boolean, returnIndices?: false,
  ): Tensor;
};

function maxPool2dCall(x: Tensor, args: unknown[]): Tensor | { values: Tensor; indices: Tensor } {
  const options = positionalOptions<MaxPool2dOptions>('maxPool2d', args, maxPoolArguments);
  const values = maxPool2dValues(x, options);
  if (options.returnIndices !== true) return values;
  const indices = indicesOfOutput.get(values)!;
  indicesOfOutput.delete(values);
  return { values, indices };
}

interface AvgPoolState {
  geometry: PoolGeometry;
  divisor: AvgPoolDivisor;
  inShape: readonly number[];
}

const avgPool2dOp = defineOp({
  name: 'avgPool2d',
  signatures: ['Tensor, Object'],
  forward(ctx: OpContext<AvgPoolState>, x: Tensor, options: AvgPool2dOptions) {
    const g = poolGeometry('avgPool2d', x, { ...options, dilation: 1 });
    const override = options.divisorOverride ?? 0;
    if (options.divisorOverride != null && !(Number.isInteger(override) && override > 0)) {
      throw new Error(`avgPool2d: divisorOverride must be a positive integer, got ${JSON.stringify(options.divisorOverride)}`);
    }
    const divisor: AvgPoolDivisor = { countIncludePad: options.countIncludePad ?? true, divisorOverride: override };
    ctx.state = { geometry: g, divisor, inShape: x.shape };
    return kernels.avgPool2d(g, divisor, x);
  },
  backward(ctx, grad) {
    return [avgPoolBackward(grad, ctx.state)];
  },
});

/** PyTorch's positional order of avg_pool2d's arguments after the input. */
const avgPoolArguments = ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] as const;

/**
 * torch.nn.functional.avg_pool2d on x [N, C, H, W], with PyTorch's positional arguments or an options object;
 * padding is zeros and counted in the divisor unless countIncludePad is false.
 */
export const avgPool2d = typed('avgPool2d', {
  'Tensor, number | Array | Object': (x: Tensor, first: unknown) => avgPool2dCall(x, [first]),
  'Tensor, number | Array | Object, ...any': (x: Tensor, first: unknown, rest: unknown[]) => avgPool2dCall(x, [first, ...rest]),
}) as unknown as (
  x: Tensor, kernelSize: IntPair | AvgPool2dOptions, stride?: IntPair | null, padding?: IntPair, ceilMode?: boolean,
  countIncludePad?: boolean, divisorOverride?: number | null,
) => Tensor;

function avgPool2dCall(x: Tensor, args: unknown[]): Tensor {
  return (avgPool2dOp as (x: Tensor, options: AvgPool2dOptions) => Tensor)(x, positionalOptions<AvgPool2dOptions>('avgPool2d', args, avgPoolArguments));
}

interface AdaptiveState {
  inShape: readonly number[];
  Ho: number;
  Wo: number;
}

const adaptiveAvgPool2dOp = defineOp({
  name: 'adaptiveAvgPool2d',
  signatures: ['Tensor, number | Array'],
  forward(ctx: OpContext<AdaptiveState>, x: Tensor, outputSize: IntPair) {
    check4d('adaptiveAvgPool2d', x);
    const [Ho, Wo] = intPair('adaptiveAvgPool2d', 'outputSize', outputSize, 1);
    const [, , H, W] = x.shape;
    if (H < 1 || W < 1) throw new Error(`adaptiveAvgPool2d: input ${formatShape(x.shape)} has an empty spatial dimension`);
    ctx.state = { inShape: x.shape, Ho, Wo };
    return kernels.adaptiveAvgPool2d(x, Ho, Wo);
  },
  backward(ctx, grad) {
    return [adaptiveAvgPoolBackward(grad, ctx.state)];
  },
});

/** torch.nn.functional.adaptive_avg_pool2d: output [N, C, h, w], window i spanning [floor(i·H/h), ceil((i+1)·H/h)). */
export const adaptiveAvgPool2d = adaptiveAvgPool2dOp as unknown as (x: Tensor, outputSize: IntPair) => Tensor;

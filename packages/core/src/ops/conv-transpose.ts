import { Tensor } from '../tensor.js';
import * as kernels from '../kernels/backend.js';
import { type IntPair, formatShape, intPair } from '../shape.js';
import { positionalOptions } from '../options.js';
import { conv2d } from './conv.js';
import { indexSelect, pad } from './indexing.js';
import { permute, reshape } from './shape.js';

/**
 * Options of convTranspose2d (torch.nn.functional.conv_transpose2d): stride (default 1), padding, outputPadding (default 0), groups
 * and dilation (default 1).
 */
export interface ConvTranspose2dOptions {
  stride?: IntPair;
  /** Removed from each side of the full output: dilation·(k - 1) - padding zeros pad the spread-out input. */
  padding?: IntPair;
  /** Extra rows/columns on the bottom/right of the output; less than stride or dilation. */
  outputPadding?: IntPair;
  groups?: number;
  dilation?: IntPair;
}

/**
 * torch.nn.functional.conv_transpose2d: x [N, Cin, H, W], weight [Cin, Cout/groups, kH, kW] (PyTorch's layout),
 * bias [Cout] or null, giving Ho = (H - 1)·stride - 2·padding + dilation·(kH - 1) + outputPadding + 1 (and Wo alike).
 * The gradient of conv2d with respect to its input, built as conv2d itself: the input spread out with stride - 1
 * zeros between elements and padded by dilation·(k - 1) - padding (cropped where negative), convolved with the
 * kernel flipped and its in/out channels swapped per group.
 */
export function convTranspose2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvTranspose2dOptions): Tensor;
/** PyTorch's positional form `convTranspose2d(input, weight, bias, stride, padding, outputPadding, groups, dilation)`. */
export function convTranspose2d(
  x: Tensor, weight: Tensor, bias?: Tensor | null, stride?: IntPair, padding?: IntPair, outputPadding?: IntPair, groups?: number, dilation?: IntPair,
): Tensor;
export function convTranspose2d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  const op = 'convTranspose2d';
  if (!(x instanceof Tensor) || !(weight instanceof Tensor)) throw new TypeError(`${op}: expected input and weight Tensors`);
  const { bias = null, ...options } = positionalOptions<ConvTranspose2dOptions & { bias?: Tensor | null }>(
    op, rest, ['bias', 'stride', 'padding', 'outputPadding', 'groups', 'dilation'],
  );
  const [sH, sW] = intPair(op, 'stride', options.stride ?? 1, 1);
  const [pH, pW] = intPair(op, 'padding', options.padding ?? 0, 0);
  const [oH, oW] = intPair(op, 'outputPadding', options.outputPadding ?? 0, 0);
  const [dH, dW] = intPair(op, 'dilation', options.dilation ?? 1, 1);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${JSON.stringify(groups)}`);
  if (x.ndim !== 4) throw new Error(`${op}: expected an input [N, C, H, W], got shape ${formatShape(x.shape)}`);
  if (weight.ndim !== 4) throw new Error(`${op}: expected a weight [Cin, Cout/groups, kH, kW], got shape ${formatShape(weight.shape)}`);
  const [N, C, H, W] = x.shape;
  const [Cin, CoutG, kH, kW] = weight.shape;
  if (C !== Cin) throw new Error(`${op}: input has ${C} channels but weight ${formatShape(weight.shape)} expects ${Cin}`);
  if (Cin % groups !== 0) throw new Error(`${op}: input channels (${Cin}) must be divisible by groups (${groups})`);
  if (oH >= Math.max(sH, dH) || oW >= Math.max(sW, dW)) {
    throw new Error(`${op}: outputPadding [${oH}, ${oW}] must be smaller than stride or dilation (stride [${sH}, ${sW}], dilation [${dH}, ${dW}])`);
  }
  const Ho = (H - 1) * sH - 2 * pH + dH * (kH - 1) + oH + 1;
  const Wo = (W - 1) * sW - 2 * pW + dW * (kW - 1) + oW + 1;
  if (Ho <= 0 || Wo <= 0) throw new Error(`${op}: input ${formatShape(x.shape)} with weight ${formatShape(weight.shape)} gives an empty output [${Ho}, ${Wo}]`);

  // [N, C, H, W] -> [N, C, H·sH, W·sW] with the input at every stride-th position (the trailing zeros are cropped below).
  let spread = x;
  if (sH > 1 || sW > 1) spread = reshape(pad(reshape(x, [N, C, H, 1, W, 1]), [0, sW - 1, 0, 0, 0, sH - 1]), [N, C, H * sH, W * sW]);
  const edge = (d: number, k: number, p: number) => d * (k - 1) - p;
  const padded = pad(spread, [edge(dW, kW, pW), edge(dW, kW, pW) + oW - (sW - 1), edge(dH, kH, pH), edge(dH, kH, pH) + oH - (sH - 1)]);
  const flipH = kernels.range(kH - 1, kH, -1, 'int32', weight.device);
  const flipW = kernels.range(kW - 1, kW, -1, 'int32', weight.device);
  const flipped = indexSelect(indexSelect(weight, 2, flipH), 3, flipW);
  // [Cin, Cout/g, k, k] as [g, Cin/g, Cout/g, k, k] -> [g, Cout/g, Cin/g, k, k] = conv2d's [Cout, Cin/g, k, k]
  const swapped = reshape(permute(reshape(flipped, [groups, Cin / groups, CoutG, kH, kW]), [0, 2, 1, 3, 4]), [groups * CoutG, Cin / groups, kH, kW]);
  return conv2d(padded, swapped, bias, { dilation: [dH, dW], groups });
}

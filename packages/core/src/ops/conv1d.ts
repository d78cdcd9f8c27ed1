import { Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { positionalOptions } from '../options.js';
import { conv2d } from './conv.js';
import { squeeze, unsqueeze } from './shape.js';

/**
 * Options of conv1d (torch.nn.functional.conv1d): stride (default 1), padding (default 0), dilation (default 1), groups (default
 * 1).
 */
export interface Conv1dOptions {
  stride?: number;
  /** Zero padding on each side, or 'valid' (none) or 'same' (output as long as the input; stride 1 only). */
  padding?: number | 'valid' | 'same';
  dilation?: number;
  groups?: number;
}

function checkInt(what: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new Error(`conv1d: ${what} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * torch.nn.functional.conv1d: x [N, C, L] (or unbatched [C, L]), weight [O, C/groups, K], bias [O] or null, giving
 * [N, O, Lo] with Lo = floor((L + 2·padding - dilation·(K - 1) - 1) / stride) + 1. It is conv2d on a height-1
 * image, so it shares conv2d's kernels and backward.
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: Conv1dOptions): Tensor;
/** PyTorch's positional form `conv1d(input, weight, bias, stride, padding, dilation, groups)`. */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, stride?: number, padding?: number | 'valid' | 'same', dilation?: number, groups?: number): Tensor;
export function conv1d(x: Tensor, weight: Tensor, ...rest: unknown[]): Tensor {
  if (!(x instanceof Tensor) || !(weight instanceof Tensor)) throw new TypeError('conv1d: expected input and weight Tensors');
  const { bias = null, ...options } = positionalOptions<Conv1dOptions & { bias?: Tensor | null }>('conv1d', rest, ['bias', 'stride', 'padding', 'dilation', 'groups']);
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`conv1d: expected an input [N, C, L] or [C, L], got shape ${formatShape(x.shape)}`);
  if (weight.ndim !== 3) throw new Error(`conv1d: expected a weight [O, C/groups, K], got shape ${formatShape(weight.shape)}`);
  const stride = checkInt('stride', options.stride ?? 1, 1);
  const dilation = checkInt('dilation', options.dilation ?? 1, 1);
  const p = options.padding ?? 0;
  const padding = p === 'valid' || p === 'same' ? p : ([0, checkInt('padding', p, 0)] as const);
  const batched = x.ndim === 3 ? x : unsqueeze(x, 0);
  try {
    const y = conv2d(unsqueeze(batched, 2), unsqueeze(weight, 2), bias, { stride: [1, stride], padding, dilation: [1, dilation], groups: options.groups ?? 1 });
    const out = squeeze(y, 2);
    return x.ndim === 3 ? out : squeeze(out, 0);
  } catch (e) {
    // conv2d's message, in conv1d's terms: the height-1 dimension it added is not the caller's.
    throw new Error(`conv1d: input ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}: ${(e as Error).message.replace(/^conv2d: /, '')}`);
  }
}

import { Tensor } from '../tensor.js';
import { isFloating } from '../dtype.js';
import { formatShape, sameShape } from '../shape.js';
import { checkOptionKeys } from '../options.js';
import { add, mul, neg } from './arithmetic.js';
import { logSoftmax } from './softmax.js';
import { mean, sum } from './reduction.js';
import { reshape } from './shape.js';
import type { CrossEntropyOptions } from './loss-options.js';

/**
 * cross_entropy with class-probability targets (PyTorch >= 1.10): target has the input's shape [N, C, d1, ...] (or
 * [C]) and a floating dtype, and each position contributes -Σ_c w_c·t_c·log softmax(x)_c, with t = (1 - ε)·target + ε/C
 * under label smoothing ε. 'mean' divides by the number of positions (N·d1·...), not by the weights, as PyTorch.
 * A composition of logSoftmax, mul and sum, so gradients flow to the input and to the target with no rule of its own.
 */
export function crossEntropyOfProbabilities(input: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  if (options === null || typeof options !== 'object') throw new TypeError(`${op}: expected an options object, got ${options === null ? 'null' : typeof options}`);
  checkOptionKeys(op, options, ['reduction', 'ignoreIndex', 'weight', 'labelSmoothing']);
  const { reduction = 'mean', ignoreIndex = -100, weight = null, labelSmoothing = 0 } = options;
  if (!isFloating(input.dtype)) throw new Error(`${op}: expected floating-point input, got ${input.dtype}`);
  if (input.ndim === 0) throw new Error(`${op}: expected input of shape [N, C], [N, C, d1, ...] or [C], got []`);
  if (!sameShape(input.shape, target.shape)) {
    throw new Error(
      `${op}: a floating target holds class probabilities and must have the input's shape ${formatShape(input.shape)}, ` +
        `got ${formatShape(target.shape)} (class indices are an int32 target of shape [N, d1, ...])`,
    );
  }
  if (ignoreIndex !== -100) throw new Error(`${op}: ignoreIndex is not supported with class-probability targets (as in PyTorch), got ${ignoreIndex}`);
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
  }
  if (typeof labelSmoothing !== 'number' || !(labelSmoothing >= 0 && labelSmoothing <= 1)) {
    throw new Error(`${op}: labelSmoothing must be between 0 and 1, got ${labelSmoothing}`);
  }
  const classDim = input.ndim === 1 ? 0 : 1;
  const C = input.shape[classDim];
  if (weight !== null && (!(weight instanceof Tensor) || weight.ndim !== 1 || weight.shape[0] !== C || !isFloating(weight.dtype))) {
    const got = weight instanceof Tensor ? `${weight.dtype} ${formatShape(weight.shape)}` : typeof weight;
    throw new Error(`${op}: weight must be a floating-point tensor of shape [${C}] (one weight per class), got ${got}`);
  }
  const smoothed = labelSmoothing === 0 ? target : add(mul(target, 1 - labelSmoothing), labelSmoothing / C);
  // weight [C] lined up with the class dim: [1, C, 1, ...]
  const weighted = weight === null ? smoothed : mul(smoothed, reshape(weight, input.shape.map((d, i) => (i === classDim ? d : 1))));
  const perPosition = neg(sum(mul(logSoftmax(input, classDim), weighted), classDim));
  return reduction === 'none' ? perPosition : reduction === 'sum' ? sum(perPosition) : mean(perPosition);
}

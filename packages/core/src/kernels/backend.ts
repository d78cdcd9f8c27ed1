/**
 * The backend table: the one module ops (ops/*.ts), the tape (tape.ts) and the optimizers (@torchlet/optim, through
 * `kernels` in the core's index) call to compute anything. An op keeps its shape checks, dtype rules and tape
 * bookkeeping; every loop over a tensor's storage lives behind an entry here.
 *
 *   op -> this table -> the CPU backend (kernels/cpu/*: unwraps the typed arrays, picks js | wasm SIMD | wasm on the
 *         thread pool by dtype, shape and the committed thresholds there) -> plain kernels (kernels/*.ts, kernels/wasm/*,
 *         which never see a Tensor) -> platform (kernels/wasm/pool.ts: threads).
 *
 * Every entry takes Tensors (and plain numbers, shapes, geometries) and returns new Tensors, or writes into a tensor
 * the caller owns (the entries ending in `_` or `InPlace`, the optimizer and running-statistics updates; the caller
 * bumps the version). No entry hands out a typed array, so a backend whose storage lives on a device (WebGPU, read
 * asynchronously) can provide the same entries without changing an op. Values an op must inspect on the host come
 * back as plain numbers from a few entries (findOutOfRange for class-index and gather bounds, findNonFinite for
 * detectAnomaly, the losses' weightSum, totalNorm): those are where such a backend reads back.
 *
 * A backend is one folder (kernels/cpu/) plus its registration: the export lines below. Adding a kernel:
 *   1. write its loops over typed arrays in a kernel file of its own (kernels/foo.ts: no Tensor, no backend state);
 *   2. write the Tensor-level entry that unwraps, allocates the output and calls them (kernels/cpu/foo.ts);
 *   3. append `export { foo, fooBackward } from './cpu/foo.js';` (or `export const fooKernel = ...`) in a block of
 *      its own at the end of this file, and call it from the op as `kernels.foo(...)`
 *      (`import * as kernels from '../kernels/backend.js'`).
 */

export { type Backend, getBackend, setBackend } from './cpu/variant.js';
export type { BinaryOp } from './elementwise.js';
export type { ConvGeometry } from './im2col.js';
export type { AvgPoolDivisor, PoolGeometry } from './pool.js';

// storage, broadcasting, in-place updates and host-side checks
export {
  add, addInPlace, addScalar_, binary, broadcastTo, cast, copy_, divScalar_, extremumShare, fill_, findNonFinite, findOutOfRange, full,
  maskSelect, mulInPlace, mulScalar_, view, where,
} from './cpu/elementwise.js';

// elementwise math and activations
export {
  abs, absBackward, applyMask, clamp, clampBackward, dropoutMask, exp, expBackward, gelu, geluBackward, leakyRelu, leakyReluBackward,
  log, logBackward, neg, powBaseGrad, powExponentGrad, relu, reluBackward, sigmoid, sigmoidBackward, softplus, softplusBackward, sqrt,
  sqrtBackward, tanh, tanhBackward,
} from './cpu/unary.js';

// reductions and normalizations along dims
export {
  argExtremum, logSoftmax, logSoftmaxBackward, logSumExpDims, logsumexpBackward, putAlong, softmax, softmaxBackward, sumDims, takeAlong,
} from './cpu/reduce.js';

// copies and indexing
export { concat, copyWindow, gather, indexAdd, indexSelect, permute, readWindow, scatterAdd } from './cpu/indexing.js';

// matrix products
export { batchedMatmul, matmul2d, sumRows } from './cpu/linalg.js';

// convolution and pooling
export { conv2dBackward, conv2dBiasBackward, conv2dForward } from './cpu/conv.js';
export { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './cpu/pool.js';
export { batchNorm, batchNormBackward, batchNormStats, invStd, updateRunningStat } from './cpu/batchnorm.js';

// losses
export { type ClassLossGeometry, type LossReduction, crossEntropy, crossEntropyBackward, mseLossBackward, nllLoss, nllLossBackward, reduceLoss } from './cpu/loss.js';

// optimizer updates and gradient clipping (@torchlet/optim)
export { type AdamSettings, type SgdSettings, adamUpdate, clampMagnitude_, sgdUpdate, totalNorm } from './cpu/optim.js';

// ---- sequence ops (issue 15; branch seq2): index ranges and causal masks, so the ops make no storage of their own ----
export { lowerTriangleMask, range } from './cpu/sequence.js';

// index ranges, triangular masks, one-hot encodings and permutations (flip, roll, triu/tril, oneHot, randperm)
export { cyclicRange, maxElement, nonzeroFlat, oneHot, randperm, triangleMask } from './cpu/ranges.js';

// ---- bool dtype (issue 10; branch bool): logical ops on bool storage ----
export { logical } from './cpu/elementwise.js';
export type { LogicalOp } from './elementwise.js';

// ---- issue 13's math (branch math): elementwise functions, amax/amin, cumulative sums and products, sorting ----
export { type MathBinaryOp, type MathUnaryOp, argsort, cumulative, extremumDims, mathBinary, mathUnary, round } from './cpu/math.js';

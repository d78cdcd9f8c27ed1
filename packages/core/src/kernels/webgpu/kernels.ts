/**
 * The WebGPU backend's entries, named as in the backend table (kernels/backend.ts) with the same arguments, device
 * tensors in place of Tensors. Phase 2 routes a table entry here when its inputs live on 'webgpu'.
 */
export { add, addInPlace, binary, broadcastTo, full, logical } from './elementwise.js';
export { applyMask, extremumShare, maskSelect, mulInPlace, powBaseGrad, powExponentGrad, where } from './broadcast.js';
export { clamp, clampBackward, gelu, geluBackward, softplus, softplusBackward } from './activations.js';
export { concat, copyWindow, gather, indexAdd, indexSelect, permute, putAlong, readWindow, scatterAdd } from './indexing.js';
export {
  abs, absBackward, exp, expBackward, leakyRelu, leakyReluBackward, log, logBackward, neg, relu, reluBackward, sigmoid, sigmoidBackward, sqrt,
  sqrtBackward, tanh, tanhBackward,
} from './unary.js';
export {
  argExtremum, extremumDims, logSoftmax, logSoftmaxBackward, logSumExpDims, logsumexpBackward, softmax, softmaxBackward, sumDims, takeAlong,
} from './reduce.js';
export { batchedMatmul, matmul2d, matmulKernel, sumRows } from './linalg.js';
export { crossEntropy, crossEntropyBackward, mseLossBackward, nllLoss, nllLossBackward, reduceLoss } from './loss.js';
export { adamUpdate, clampMagnitude_, sgdUpdate, totalNorm } from './optim.js';
export { conv2dBackward, conv2dBiasBackward, conv2dForward } from './conv.js';
export { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward } from './pool.js';
export { batchNorm, batchNormBackward, batchNormStats, invStd, updateRunningStat } from './batchnorm.js';
export { cast } from './convert.js';
export { addScalar_, copy_, divScalar_, fill_, mulScalar_ } from './inplace.js';
export { findNonFinite, findOutOfRange } from './checks.js';
export { argsort, cumulative, mathBinary, mathUnary, round } from './math.js';
export { maxElement, nonzeroFlat, oneHot } from './ranges.js';

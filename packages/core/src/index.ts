export { Tensor, isTensor, type Device, type NestedArray } from './tensor.js';
export { type DType, type TypedArray, type FloatArray, promoteTypes } from './dtype.js';
export {
  tensor, empty, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randLike, randnLike,
  type TensorOptions, type TensorDataOptions, type RandomOptions,
} from './creation.js';
export { Generator, defaultGenerator, manualSeed } from './random.js';
export { noGrad, enableGrad, isGradEnabled, detectAnomaly, OpContext, type GradList, type BackwardRule, type MultiBackwardRule } from './tape.js';
export { grad, type BackwardOptions, type GradOptions } from './autograd/grad.js';
export { vjp, jvp, vhp, hvp, jacobian, hessian, type FunctionalOptions, type LikeInputs } from './autograd/functional.js';
export { defineOp, typed, setOpTracer, type OpDefinition, type OpTracer, type UpstreamGradients } from './op.js';
export { gradcheck, gradgradcheck, type GradcheckOptions } from './gradcheck.js';
export { formatShape, broadcastShapes, numelOf, type IntPair } from './shape.js';
export { checkOptionKeys, closestName, unknownOptionMessage, positionalOptions } from './options.js';

export * from './ops/arithmetic.js';
export * from './ops/reduction.js';
export * from './ops/logsumexp.js';
export * from './ops/shape.js';
export * from './ops/linalg.js';
export * from './ops/cast.js';
export { assertClose, type CloseOptions } from './testing.js';
export * from './ops/unary.js';
export * from './ops/compare.js';
export * from './ops/logical.js';
export * from './ops/inplace.js';
export * from './ops/softmax.js';
export * from './ops/loss.js';
export * from './ops/losses-more.js';
export * from './ops/dropout.js';
export * from './ops/indexing.js';
export * from './ops/conv.js';
export * from './ops/pool.js';
export * from './ops/batchnorm.js';
export { getBackend, setBackend, type Backend } from './kernels/backend.js';
/** The backend table (kernels/backend.ts), for torchlet's own packages: @torchlet/optim's update loops run through it. */
export * as kernels from './kernels/backend.js';
export { getNumThreads, setNumThreads } from './kernels/wasm/pool.js';
export * from './ops/embedding.js';
export * from './ops/layer-norm.js';
export * from './ops/attention.js';
export * from './ops/conv1d.js';
export * from './ops/conv-transpose.js';
export * from './ops/tiling.js';
export * from './ops/splitting.js';
export * from './ops/reordering.js';
export * from './ops/masks.js';
export * from './ops/products.js';
export * from './ops/randperm.js';
export * from './ops/index-expression.js';
export * from './ops/scatter.js';
import './methods.js';
// issue 13's math (branch math)
export * from './ops/trig.js';
export * from './ops/elementwise-math.js';
export * from './ops/activations-more.js';
export * from './ops/reductions-more.js';
export { cumsum } from './ops/cumulative.js';
export { cumprod, prod } from './ops/prod-cumprod.js';
export * from './ops/sort.js';

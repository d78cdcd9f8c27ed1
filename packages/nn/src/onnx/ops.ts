import { Tensor, promoteTypes, type DType } from '@torchlet/core';
import type { GraphBuilder, AttributeValue } from './graph.js';
import { DataType } from './onnx-proto.js';
import { onnxType } from './graph.js';
import type { TracedCall } from './trace.js';
import { OnnxUnsupportedOpError } from './errors.js';

/** What a mapping works with: the graph, the traced call it translates and the target opset. */
export class OpEmitter {
  constructor(
    readonly g: GraphBuilder,
    readonly call: TracedCall,
    readonly opset: number,
  ) {}

  get out(): Tensor {
    return this.call.out;
  }

  /** A tensor argument's value name, cast to `dtype` (by default the output's) where its own dtype differs. */
  input(t: Tensor, dtype: DType = this.out.dtype): string {
    const name = this.g.value(t);
    return t.dtype === dtype ? name : this.node('Cast', [name], { to: onnxType[dtype] });
  }

  /** Appends a node in the calling module's scope; returns its (single) output. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    return this.g.node(opType, this.call.modulePath, inputs, attributes)[0];
  }

  /** The last node made is the op's result. */
  result(name: string): void {
    this.g.define(this.out, name, this.call.outVersion);
  }

  fail(reason: string): never {
    throw new OnnxUnsupportedOpError(this.call.op, this.call.modulePath, this.call.moduleType, reason);
  }
}

type Mapping = (e: OpEmitter, ...args: never[]) => void;

const normalize = (dim: number, ndim: number): number => (dim < 0 ? dim + ndim : dim);
const pair = (v: unknown, fallback: number): [number, number] =>
  v === undefined || v === null ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [(v as number[])[0], (v as number[])[1]];

function unary(opType: string): Mapping {
  return (e: OpEmitter, x: Tensor) => e.result(e.node(opType, [e.input(x)]));
}

/** A binary op; `boolOpType` is the logical op it is on bool operands (ONNX's Add and Mul take no bool). */
function binary(opType: string, boolOpType = opType): Mapping {
  return (e: OpEmitter, a: Tensor, b: Tensor) => e.result(e.node(e.out.dtype === 'bool' ? boolOpType : opType, [e.input(a), e.input(b)]));
}

/** logicalAnd/Or/Xor: both operands read as bool. */
function logical(opType: string): Mapping {
  return (e: OpEmitter, a: Tensor, b: Tensor) => e.result(e.node(opType, [e.input(a, 'bool'), e.input(b, 'bool')]));
}

/** A comparison: ONNX's bool result is torchlet's bool; operands in their common dtype. */
function comparison(opType: string, negate = false): Mapping {
  return (e: OpEmitter, a: Tensor, b: Tensor) => {
    const common = promoteTypes(a.dtype, b.dtype);
    const test = e.node(opType, [e.input(a, common), e.input(b, common)]);
    e.result(negate ? e.node('Not', [test]) : test);
  };
}

/** argmax/argmin: ONNX's int64 indices as int32; without a dim, an index into the flattened tensor. */
function argExtremum(opType: string): Mapping {
  return (e: OpEmitter, x: Tensor, dim: number | null, keepdim: boolean) => {
    const xv = e.input(x, x.dtype);
    const source = dim === null ? e.node('Reshape', [xv, e.g.int64Constant([-1])]) : xv;
    const axis = dim === null ? 0 : normalize(dim, x.ndim);
    let indices = e.node(opType, [source], { axis, keepdims: keepdim ? 1 : 0 });
    if (dim === null && keepdim) indices = e.node('Reshape', [indices, e.g.int64Constant(x.shape.map(() => 1))]);
    e.result(e.node('Cast', [indices], { to: DataType.INT32 }));
  };
}

interface ConvOptions {
  stride?: number | number[];
  padding?: number | number[] | 'valid' | 'same';
  dilation?: number | number[];
  groups?: number;
}

/** [top, left, bottom, right] as ONNX lists them; 'same' puts the odd one at the bottom/right, as torchlet and PyTorch do. */
function convPads(padding: ConvOptions['padding'], kH: number, kW: number, dH: number, dW: number): number[] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    const th = dH * (kH - 1);
    const tw = dW * (kW - 1);
    return [Math.floor(th / 2), Math.floor(tw / 2), th - Math.floor(th / 2), tw - Math.floor(tw / 2)];
  }
  const [pH, pW] = pair(padding, 0);
  return [pH, pW, pH, pW];
}

interface PoolOptions {
  kernelSize: number | number[];
  stride?: number | number[] | null;
  padding?: number | number[];
  dilation?: number | number[];
  ceilMode?: boolean;
  returnIndices?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/**
 * Pool attributes without ceil_mode: PyTorch's ceil rule (the last window must start inside the input or its left
 * padding) is written as extra padding at the end, which every runtime reads the same way.
 */
function poolAttributes(e: OpEmitter, x: Tensor, o: PoolOptions, dilation: [number, number]): Record<string, AttributeValue> {
  const k = pair(o.kernelSize, 1);
  const s = pair(o.stride ?? o.kernelSize, 1);
  const p = pair(o.padding, 0);
  const end = [0, 1].map((i) => {
    const size = x.shape[2 + i];
    const span = dilation[i] * (k[i] - 1) + 1;
    let out = Math.floor((size + 2 * p[i] - span + (o.ceilMode ? s[i] - 1 : 0)) / s[i]) + 1;
    if (o.ceilMode && (out - 1) * s[i] >= size + p[i]) out--;
    const padEnd = Math.max(p[i], (out - 1) * s[i] + span - size - p[i]);
    if (padEnd >= span) e.fail(`with ceilMode needs end padding ${padEnd} for kernel ${k[i]}, which ONNX runtimes refuse`);
    return padEnd;
  });
  return { kernel_shape: k, strides: s, pads: [p[0], p[1], end[0], end[1]] };
}

interface BatchNormConfig {
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  training: boolean;
  eps: number;
}

/** One entry per torchlet op, keyed by its defineOp name; arguments are the op's normalized forward arguments. */
export const mappings: Record<string, Mapping> = {
  add: binary('Add', 'Or'),
  sub: binary('Sub'),
  mul: binary('Mul', 'And'),
  div: binary('Div'),
  maximum: binary('Max', 'Or'),
  minimum: binary('Min', 'And'),
  logicalAnd: logical('And'),
  logicalOr: logical('Or'),
  logicalXor: logical('Xor'),
  logicalNot: (e, x: Tensor) => e.result(e.node('Not', [e.input(x, 'bool')])),
  matmul: binary('MatMul'),
  neg: unary('Neg'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  abs: unary('Abs'),
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),

  eq: comparison('Equal'),
  ne: comparison('Equal', true),
  gt: comparison('Greater'),
  ge: comparison('GreaterOrEqual'),
  lt: comparison('Less'),
  le: comparison('LessOrEqual'),
  argmax: argExtremum('ArgMax'),
  argmin: argExtremum('ArgMin'),

  where: (e, cond: Tensor, a: Tensor, b: Tensor) =>
    e.result(e.node('Where', [cond.dtype === 'bool' ? e.g.value(cond) : e.node('Cast', [e.g.value(cond)], { to: DataType.BOOL }), e.input(a), e.input(b)])),

  pow: (e, x: Tensor, exponent: Tensor) => e.result(e.node('Pow', [e.input(x), e.g.value(exponent)])),

  leakyRelu: (e, x: Tensor, slope: number) => e.result(e.node('LeakyRelu', [e.input(x)], { alpha: { float: slope } })),

  // ONNX's Softplus is log(1 + e^x) exactly; torchlet's switch to x above the threshold (20) differs by < e^-20.
  softplus: (e, x: Tensor, beta: number) => {
    if (beta === 1) return e.result(e.node('Softplus', [e.input(x)]));
    const b = e.g.scalarConstant(beta, e.out.dtype);
    e.result(e.node('Div', [e.node('Softplus', [e.node('Mul', [e.input(x), b])]), b]));
  },

  gelu: (e, x: Tensor, approximate: 'none' | 'tanh') => {
    const dt = e.out.dtype;
    const c = (v: number) => e.g.scalarConstant(v, dt);
    const xv = e.input(x);
    // x·Φ(x) = 0.5·x·(1 + erf(x/√2)); tanh form 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
    const inner =
      approximate === 'tanh'
        ? e.node('Tanh', [e.node('Mul', [c(Math.sqrt(2 / Math.PI)), e.node('Add', [xv, e.node('Mul', [c(0.044715), e.node('Mul', [xv, e.node('Mul', [xv, xv])])])])])])
        : e.node('Erf', [e.node('Mul', [xv, c(Math.SQRT1_2)])]);
    e.result(e.node('Mul', [e.node('Mul', [xv, c(0.5)]), e.node('Add', [inner, c(1)])]));
  },

  clamp: (e, x: Tensor, min: number | null, max: number | null) => {
    const dt = e.out.dtype;
    e.result(e.node('Clip', [e.input(x), min === null ? '' : e.g.scalarConstant(min, dt), max === null ? '' : e.g.scalarConstant(max, dt)]));
  },

  softmax: (e, x: Tensor, dim: number) => e.result(e.node('Softmax', [e.input(x)], { axis: normalize(dim, x.ndim) })),
  logSoftmax: (e, x: Tensor, dim: number) => e.result(e.node('LogSoftmax', [e.input(x)], { axis: normalize(dim, x.ndim) })),

  to: (e, x: Tensor, dtype: DType) => e.result(e.node('Cast', [e.g.value(x)], { to: onnxType[dtype] })),

  linear: (e, x: Tensor, w: Tensor, b: Tensor | null) => {
    const xv = e.input(x);
    const wv = e.input(w);
    if (x.ndim === 2) return e.result(e.node('Gemm', b ? [xv, wv, e.input(b)] : [xv, wv], { transB: 1 }));
    const product = e.node('MatMul', [xv, e.node('Transpose', [wv], { perm: [1, 0] })]);
    e.result(b ? e.node('Add', [product, e.input(b)]) : product);
  },

  conv2d: (e, x: Tensor, w: Tensor, b: Tensor | null, o: ConvOptions) => {
    const [, , kH, kW] = w.shape;
    const [dH, dW] = pair(o.dilation, 1);
    const inputs = [e.input(x), e.input(w), ...(b ? [e.input(b)] : [])];
    e.result(
      e.node('Conv', inputs, {
        kernel_shape: [kH, kW],
        strides: pair(o.stride, 1),
        pads: convPads(o.padding, kH, kW, dH, dW),
        dilations: [dH, dW],
        group: o.groups ?? 1,
      }),
    );
  },

  maxPool2d: (e, x: Tensor, o: PoolOptions) => {
    if (o.returnIndices) e.fail('with returnIndices: true has no export (ONNX MaxPool indices count differently); export the values only');
    const dilations = pair(o.dilation, 1);
    e.result(e.node('MaxPool', [e.input(x)], { ...poolAttributes(e, x, o, dilations), dilations }));
  },

  avgPool2d: (e, x: Tensor, o: PoolOptions) => {
    if (o.divisorOverride !== undefined && o.divisorOverride !== null) e.fail(`with divisorOverride ${o.divisorOverride} has no ONNX AveragePool equivalent`);
    const attributes = poolAttributes(e, x, o, [1, 1]);
    const countIncludePad = o.countIncludePad ?? true;
    const pads = attributes.pads as number[];
    // PyTorch counts the padding in the divisor but not what a ceil-mode window hangs out beyond it
    if (countIncludePad && (pads[2] !== pads[0] || pads[3] !== pads[1])) {
      e.fail('with ceilMode and countIncludePad has windows hanging over the padding, whose divisor ONNX AveragePool counts differently (use countIncludePad: false or ceilMode: false)');
    }
    e.result(e.node('AveragePool', [e.input(x)], { ...attributes, count_include_pad: countIncludePad ? 1 : 0 }));
  },

  adaptiveAvgPool2d: (e, x: Tensor, outputSize: number | number[]) => {
    const [h, w] = pair(outputSize, 1);
    const [, , H, W] = x.shape;
    if (h === 1 && w === 1) return e.result(e.node('GlobalAveragePool', [e.input(x)]));
    // Equal windows (the output size divides the input) are a plain average pool; others change with the input size.
    if (H % h !== 0 || W % w !== 0) e.fail(`to output size [${h}, ${w}] from input [${H}, ${W}] has unequal windows and no ONNX equivalent (use an output size that divides the input, or 1)`);
    e.result(e.node('AveragePool', [e.input(x)], { kernel_shape: [H / h, W / w], strides: [H / h, W / w] }));
  },

  batchNorm: (e, x: Tensor, weight: Tensor | null, bias: Tensor | null, config: BatchNormConfig) => {
    const { runningMean, runningVar } = config;
    if (config.training || runningMean === null || runningVar === null) {
      return e.fail('normalises with batch statistics (training: true, or a BatchNorm without running statistics); export needs eval-mode running statistics');
    }
    const C = x.shape[1];
    const dt = e.out.dtype;
    const filled = (v: number) => e.g.value(new Tensor(dt === 'float64' ? new Float64Array(C).fill(v) : new Float32Array(C).fill(v), [C]));
    const inputs = [
      e.input(x),
      weight ? e.input(weight) : filled(1),
      bias ? e.input(bias) : filled(0),
      e.input(runningMean),
      e.input(runningVar),
    ];
    e.result(e.node('BatchNormalization', inputs, { epsilon: { float: config.eps } }));
  },

  dropout: dropoutMapping,
  dropout2d: dropoutMapping,

  reshape: (e, x: Tensor, shape: number[]) => e.result(e.node('Reshape', [e.g.value(x), e.g.int64Constant(reshapeTarget(x, shape))])),
  expand: (e, x: Tensor, shape: number[]) => e.result(e.node('Expand', [e.g.value(x), e.g.int64Constant(expandTarget(x, shape))])),

  permute: (e, x: Tensor, dims: number[]) => e.result(e.node('Transpose', [e.g.value(x)], { perm: dims.map((d) => normalize(d, x.ndim)) })),

  cat: (e, dim: number, ...tensors: Tensor[]) => e.result(e.node('Concat', tensors.map((t) => e.input(t)), { axis: normalize(dim, e.out.ndim) })),

  stack: (e, dim: number, ...tensors: Tensor[]) => {
    const axis = normalize(dim, e.out.ndim);
    const axes = e.g.int64Constant([axis]);
    e.result(e.node('Concat', tensors.map((t) => e.node('Unsqueeze', [e.input(t), axes])), { axis }));
  },

  slice: (e, x: Tensor, dim: number, start: number | null, end: number | null, step: number) => {
    const inputs = [e.g.value(x), e.g.int64Constant([start ?? 0]), e.g.int64Constant([end ?? Number.MAX_SAFE_INTEGER])];
    e.result(e.node('Slice', [...inputs, e.g.int64Constant([normalize(dim, x.ndim)]), e.g.int64Constant([step])]));
  },

  select: (e, x: Tensor, dim: number, index: number) =>
    e.result(e.node('Gather', [e.g.value(x), e.g.int64Constant([index], [])], { axis: normalize(dim, x.ndim) })),

  sum: (e, x: Tensor, dim: number | number[] | null, keepdim: boolean) => e.result(reduce(e, 'ReduceSum', 13, x, dim, keepdim)),
  mean: (e, x: Tensor, dim: number | number[] | null, keepdim: boolean) => e.result(reduce(e, 'ReduceMean', 18, x, dim, keepdim)),
};

/** Reshape's target as exported: a dim equal to the input's at the same position becomes 0 (ONNX: copy it), so a traced batch size is not baked in. */
export function reshapeTarget(x: Tensor, shape: readonly number[]): number[] {
  return shape.map((d, i) => (i < x.ndim && d === x.shape[i] ? 0 : d));
}

/** Expand's target as exported: sizes the input already has become 1 (ONNX Expand broadcasts both ways), for the same reason. */
export function expandTarget(x: Tensor, shape: readonly number[]): number[] {
  const lead = shape.length - x.ndim;
  return shape.map((d, i) => (i >= lead && (d === -1 || d === x.shape[i - lead]) ? 1 : d));
}

function dropoutMapping(e: OpEmitter, x: Tensor, p: number, training: boolean): void {
  if (training && p > 0) e.fail('runs in training mode (training: true); pass the module\'s `this.training` so it is the identity in eval mode');
  e.g.define(e.out, e.g.value(x), e.call.outVersion);
}

/** A reduction; its axes are an input from `axesInputFrom` on and an attribute before. */
function reduce(e: OpEmitter, opType: string, axesInputFrom: number, x: Tensor, dim: number | number[] | null, keepdim: boolean): string {
  const keepdims = keepdim ? 1 : 0;
  const xv = e.input(x);
  if (dim === null) return e.node(opType, [xv], { keepdims });
  const axes = (Array.isArray(dim) ? dim : [dim]).map((d) => normalize(d, x.ndim));
  if (e.opset >= axesInputFrom) return e.node(opType, [xv, e.g.int64Constant(axes)], { keepdims });
  return e.node(opType, [xv], { axes, keepdims });
}

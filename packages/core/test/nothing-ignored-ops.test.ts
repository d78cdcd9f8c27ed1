// Issue 10's guarantee over every public op of @torchlet/core and every Tensor method: an extra positional argument
// and an unknown option key either are honoured as PyTorch does or throw naming the op. An op exported without an
// entry here fails the first test, so new ops join in. (examples/test/nothing-ignored.test.ts does the same for the
// classes of nn, optim and data.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { Tensor, arange, ones, randn, tensor } from '@torchlet/core';

interface Entry {
  /** Calls the op with valid required arguments followed by `more`. */
  call: (...more: unknown[]) => unknown;
  /** PyTorch's positional arguments after the required ones, and what honouring them looks like. */
  positional?: { args: unknown[]; check: (out: never) => void };
  /** Takes an options object, so an unknown key is named: `unknown option "notAnOption"`. */
  options?: true;
  /** The name its errors give, when it is another name for an op. */
  named?: string;
}

const x4 = () => randn([1, 1, 8, 8]);
const m = () => arange(6).reshape([2, 3]).float();
const v = () => tensor([1, 2, 3]);
const idx = () => tensor([0, 1], { dtype: 'int32' });
const shapeOf = (t: unknown) => (t as Tensor).shape;
const eq = (actual: unknown, expected: unknown) => assert.equal(actual, expected);
type Fn = (...a: unknown[]) => unknown;
const f = (name: keyof typeof core, ...required: (() => unknown)[]) => (...more: unknown[]) => (core[name] as Fn)(...required.map((r) => r()), ...more);
const k = <T>(value: T) => () => value;
const q3 = randn([1, 3, 4]);

const ops: Record<string, Entry> = {
  // creation
  tensor: { call: f('tensor', k([1, 2])), options: true },
  full: { call: f('full', k([2]), k(1)), options: true },
  zerosLike: { call: f('zerosLike', v), options: true },
  onesLike: { call: f('onesLike', v), options: true },
  fullLike: { call: f('fullLike', v, k(2)), options: true },
  arange: { call: f('arange', k(5)), positional: { args: [10, 2], check: (y: Tensor) => eq(y.tolist(), [5, 7, 9]) }, options: true },
  linspace: { call: f('linspace', k(0), k(1), k(3)), options: true },
  eye: { call: f('eye', k(2)), positional: { args: [3], check: (y: Tensor) => eq(y.shape, [2, 3]) }, options: true },
  randint: { call: f('randint', k(0), k(5), k([3])), options: true },
  randLike: { call: f('randLike', v), options: true },
  randnLike: { call: f('randnLike', v), options: true },
  clone: { call: f('clone', v) },
  empty: { call: f('empty', k([2])), positional: { args: [{ dtype: 'float64' }], check: (y: Tensor) => eq(y.dtype, 'float64') }, options: true },
  zeros: { call: f('zeros', k([2])), options: true },
  ones: { call: f('ones', k([2])), options: true },
  rand: { call: f('rand', k([2])), options: true },
  randn: { call: f('randn', k([2])), options: true },
  // arithmetic and comparison
  add: { call: f('add', v, v), options: true },
  sub: { call: f('sub', v, v), options: true },
  mul: { call: f('mul', v, v) },
  div: { call: f('div', v, v) },
  neg: { call: f('neg', v) },
  pow: { call: f('pow', v, k(2)) },
  maximum: { call: f('maximum', v, v) },
  minimum: { call: f('minimum', v, v) },
  where: { call: f('where', () => v().gt(1), v, v) },
  eq: { call: f('eq', v, v) },
  ne: { call: f('ne', v, v) },
  gt: { call: f('gt', v, v) },
  ge: { call: f('ge', v, v) },
  lt: { call: f('lt', v, v) },
  le: { call: f('le', v, v) },
  logicalAnd: { call: f('logicalAnd', v, v) },
  logicalOr: { call: f('logicalOr', v, v) },
  logicalXor: { call: f('logicalXor', v, v) },
  logicalNot: { call: f('logicalNot', v) },
  isnan: { call: f('isnan', v) },
  isinf: { call: f('isinf', v) },
  isfinite: { call: f('isfinite', v) },
  any: { call: f('any', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) }, options: true },
  all: { call: f('all', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) }, options: true },
  // elementwise
  exp: { call: f('exp', v) },
  log: { call: f('log', v) },
  sqrt: { call: f('sqrt', v) },
  abs: { call: f('abs', v) },
  relu: { call: f('relu', v) },
  sigmoid: { call: f('sigmoid', v) },
  tanh: { call: f('tanh', v) },
  leakyRelu: { call: f('leakyRelu', () => tensor([-1, 1])), positional: { args: [0.5], check: (y: Tensor) => eq(y.tolist(), [-0.5, 1]) } },
  gelu: { call: f('gelu', v), options: true },
  softplus: { call: f('softplus', v), options: true },
  clamp: { call: f('clamp', v, k(1.5)), positional: { args: [2.5], check: (y: Tensor) => eq(y.tolist(), [1.5, 2, 2.5]) } },
  to: { call: f('to', v, k('float64')) },
  // reductions
  sum: { call: f('sum', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) } },
  mean: { call: f('mean', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) } },
  var: { call: f('var', m), options: true },
  max: { call: f('max', m) },
  min: { call: f('min', m) },
  argmax: { call: f('argmax', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) } },
  argmin: { call: f('argmin', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) } },
  logsumexp: { call: f('logsumexp', m, k(1)), positional: { args: [true], check: (y: Tensor) => eq(y.shape, [2, 1]) } },
  softmax: { call: f('softmax', m, k(1)) },
  logSoftmax: { call: f('logSoftmax', m, k(1)) },
  // shape
  reshape: { call: f('reshape', m, k([3, 2])) },
  view: { call: f('view', m, k([3, 2])), named: 'reshape' },
  flatten: { call: f('flatten', () => randn([2, 3, 4])), positional: { args: [1, 2], check: (y: Tensor) => eq(y.shape, [2, 12]) } },
  squeeze: { call: f('squeeze', () => randn([2, 1])), positional: { args: [1], check: (y: Tensor) => eq(y.shape, [2]) } },
  unsqueeze: { call: f('unsqueeze', m, k(0)) },
  expand: { call: f('expand', () => randn([1, 3]), k([2, 3])) },
  permute: { call: f('permute', m, k([1, 0])) },
  transpose: { call: f('transpose', m, k(0), k(1)) },
  t: { call: f('t', m) },
  // indexing
  slice: { call: f('slice', m, k(1)), positional: { args: [0, 3, 2], check: (y: Tensor) => eq(y.shape, [2, 2]) } },
  narrow: { call: f('narrow', m, k(1), k(0), k(2)) },
  select: { call: f('select', m, k(0), k(1)) },
  index: { call: f('index', m, k(0)) },
  gather: { call: f('gather', m, k(1), () => tensor([[0], [1]], { dtype: 'int32' })) },
  indexSelect: { call: f('indexSelect', m, k(0), idx) },
  cat: { call: f('cat', () => [v(), v()]), positional: { args: [0], check: (y: Tensor) => eq(y.shape, [6]) } },
  stack: { call: f('stack', () => [v(), v()]), positional: { args: [1], check: (y: Tensor) => eq(y.shape, [3, 2]) } },
  pad: { call: f('pad', v, k([1, 1])), options: true },
  // linear algebra, convolution, pooling, normalization
  matmul: { call: f('matmul', m, () => randn([3, 2])) },
  linear: { call: f('linear', m, () => randn([4, 3])), positional: { args: [randn([4])], check: (y: Tensor) => eq(y.shape, [2, 4]) } },
  conv1d: {
    call: f('conv1d', () => randn([1, 2, 8]), () => randn([4, 2, 3])),
    positional: { args: [null, 2, 1, 1, 1], check: (y: Tensor) => eq(y.shape, [1, 4, 4]) },
    options: true,
  },
  convTranspose2d: {
    call: f('convTranspose2d', () => randn([1, 2, 3, 3]), () => randn([2, 3, 3, 3])),
    positional: { args: [null, 2, 1, 1, 1, 1], check: (y: Tensor) => eq(y.shape, [1, 3, 6, 6]) },
    options: true,
  },
  embedding: {
    call: f('embedding', idx, () => randn([4, 3])),
    positional: { args: [1, null, 2, false, false], check: (y: Tensor) => eq(y.shape, [2, 3]) },
    options: true,
  },
  layerNorm: {
    call: f('layerNorm', m, k([3])),
    positional: { args: [ones([3]).mul(2), null, 1e-5], check: (y: Tensor) => eq(y.tolist(), core.layerNorm(m(), [3]).mul(2).tolist()) },
    options: true,
  },
  scaledDotProductAttention: {
    call: f('scaledDotProductAttention', () => q3, () => q3, () => q3),
    positional: { args: [null, 0, true], check: (y: Tensor) => eq(y.tolist(), core.scaledDotProductAttention(q3, q3, q3, { isCausal: true }).tolist()) },
    options: true,
  },
  scaledDotProductAttentionWithWeights: {
    call: f('scaledDotProductAttentionWithWeights', () => q3, () => q3, () => q3), options: true, named: 'scaledDotProductAttention',
  },
  causalMask: { call: f('causalMask', k(2), k(3)) },
  conv2d: {
    call: f('conv2d', x4, () => randn([2, 1, 3, 3])),
    positional: { args: [null, 2, 1, 1, 1], check: (y: Tensor) => eq(y.shape, [1, 2, 4, 4]) },
    options: true,
  },
  maxPool2d: {
    call: f('maxPool2d', x4, k(3)),
    positional: { args: [1, 1, 1, false, true], check: (y: { values: Tensor; indices: Tensor }) => eq([y.values.shape, y.indices.shape], [[1, 1, 8, 8], [1, 1, 8, 8]]) },
    options: true,
  },
  avgPool2d: { call: f('avgPool2d', x4, k(3)), positional: { args: [1, 1, false, true, null], check: (y: Tensor) => eq(y.shape, [1, 1, 8, 8]) }, options: true },
  adaptiveAvgPool2d: { call: f('adaptiveAvgPool2d', x4, k(2)) },
  batchNorm: { call: (...more) => core.batchNorm(randn([4, 3]), ...(more.length ? more : [{ training: true }]) as []), options: true },
  dropout: { call: f('dropout', v), positional: { args: [0.5, false], check: (y: Tensor) => eq(y.tolist(), [1, 2, 3]) }, options: true },
  dropout2d: { call: f('dropout2d', x4), positional: { args: [0.5, false], check: (y: Tensor) => eq(y.shape, [1, 1, 8, 8]) }, options: true },
  // losses
  crossEntropy: { call: f('crossEntropy', m, idx), options: true },
  nllLoss: { call: f('nllLoss', m, idx), options: true },
  mseLoss: { call: f('mseLoss', v, v), options: true },
  l1Loss: { call: f('l1Loss', v, v), options: true },
  smoothL1Loss: { call: f('smoothL1Loss', v, v), options: true },
  huberLoss: { call: f('huberLoss', v, v), options: true },
  klDiv: { call: f('klDiv', v, v), options: true },
  binaryCrossEntropy: { call: f('binaryCrossEntropy', () => tensor([0.5]), () => tensor([1])), options: true },
  binaryCrossEntropyWithLogits: { call: f('binaryCrossEntropyWithLogits', () => tensor([0.5]), () => tensor([1])), options: true },
  // issue 10's new ops
  viewAs: { call: f('viewAs', m, () => randn([3, 2])) },
  unflatten: { call: f('unflatten', m, k(1), k([3, 1])) },
  repeat: { call: f('repeat', m, k([1, 2])) },
  tile: { call: f('tile', m, k([2])) },
  meshgrid: { call: f('meshgrid', v, v), options: true },
  split: { call: f('split', m, k(1)), positional: { args: [1], check: (y: Tensor[]) => eq(y.length, 3) } },
  chunk: { call: f('chunk', m, k(2)), positional: { args: [1], check: (y: Tensor[]) => eq(y.length, 2) } },
  flip: { call: f('flip', m, k(0)) },
  roll: { call: f('roll', m, k(1)), positional: { args: [1], check: (y: Tensor) => eq(y.tolist(), [[2, 0, 1], [5, 3, 4]]) } },
  triu: { call: f('triu', m), positional: { args: [1], check: (y: Tensor) => eq(y.tolist(), [[0, 1, 2], [0, 0, 5]]) } },
  tril: { call: f('tril', m), positional: { args: [-1], check: (y: Tensor) => eq(y.tolist(), [[0, 0, 0], [3, 0, 0]]) } },
  oneHot: { call: f('oneHot', idx), positional: { args: [3], check: (y: Tensor) => eq(y.shape, [2, 3]) } },
  randperm: { call: f('randperm', k(3)), options: true },
  mm: { call: f('mm', m, () => randn([3, 2])) },
  bmm: { call: f('bmm', () => randn([1, 2, 3]), () => randn([1, 3, 2])) },
  einsum: { call: f('einsum', k('ij->j'), m) },
  scatterAdd: { call: f('scatterAdd', m, k(1), () => tensor([[0], [1]], { dtype: 'int32' }), () => tensor([[1], [2]])) },
  scatter: { call: f('scatter', m, k(1), () => tensor([[0], [1]], { dtype: 'int32' }), k(5)) },
  maskedFill: { call: f('maskedFill', m, () => m().gt(2), k(0)) },
  indexSet: { call: f('indexSet', m, k(':, 0'), k(1)) },
  indexPut_: { call: f('indexPut_', m, k(':, 0'), k(1)) },
  // issue 13's math (branch math)
  sin: { call: f('sin', v) },
  cos: { call: f('cos', v) },
  tan: { call: f('tan', v) },
  asin: { call: f('asin', v) },
  acos: { call: f('acos', v) },
  atan: { call: f('atan', v) },
  sinh: { call: f('sinh', v) },
  cosh: { call: f('cosh', v) },
  asinh: { call: f('asinh', v) },
  acosh: { call: f('acosh', v) },
  atanh: { call: f('atanh', v) },
  square: { call: f('square', v) },
  reciprocal: { call: f('reciprocal', v) },
  rsqrt: { call: f('rsqrt', v) },
  log1p: { call: f('log1p', v) },
  expm1: { call: f('expm1', v) },
  log2: { call: f('log2', v) },
  log10: { call: f('log10', v) },
  exp2: { call: f('exp2', v) },
  erf: { call: f('erf', v) },
  sign: { call: f('sign', v) },
  floor: { call: f('floor', v) },
  ceil: { call: f('ceil', v) },
  trunc: { call: f('trunc', v) },
  silu: { call: f('silu', v) },
  mish: { call: f('mish', v) },
  selu: { call: f('selu', v) },
  atan2: { call: f('atan2', v, v) },
  xlogy: { call: f('xlogy', v, v) },
  hypot: { call: f('hypot', v, v) },
  logaddexp: { call: f('logaddexp', v, v) },
  round: { call: f('round', v), options: true },
  lerp: { call: f('lerp', v, v, k(0.5)) },
  elu: { call: f('elu', () => tensor([-1, 1])), positional: { args: [0.5], check: (y: Tensor) => eq((y.tolist() as number[])[1], 1) }, options: true },
  hardtanh: { call: f('hardtanh', () => tensor([-3, 0.5, 3])), positional: { args: [-2, 2], check: (y: Tensor) => eq(y.tolist(), [-2, 0.5, 2]) }, options: true },
  amax: { call: f('amax', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) } },
  amin: { call: f('amin', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) } },
  prod: { call: f('prod', m), positional: { args: [1, true], check: (y: Tensor) => eq(y.shape, [2, 1]) } },
  std: { call: f('std', m), options: true },
  norm: { call: f('norm', m), positional: { args: [1, 1, true], check: (y: Tensor) => eq(y.tolist(), [[3], [12]]) }, options: true },
  cumsum: { call: f('cumsum', m, k(1)) },
  cumprod: { call: f('cumprod', m, k(1)) },
  sort: { call: f('sort', m), positional: { args: [0, true], check: (y: { values: Tensor }) => eq(y.values.tolist(), [[3, 4, 5], [0, 1, 2]]) }, options: true },
  topk: { call: f('topk', m, k(2)), positional: { args: [0, false, true], check: (y: { values: Tensor }) => eq(y.values.tolist(), [[0, 1, 2], [3, 4, 5]]) }, options: true },
  // in place
  add_: { call: f('add_', v, v), options: true },
  sub_: { call: f('sub_', v, v), options: true },
  mul_: { call: f('mul_', v, v) },
  fill_: { call: f('fill_', v, k(1)) },
  zero_: { call: f('zero_', v) },
  copy_: { call: f('copy_', v, v) },
};

/** Exports that are not tensor ops: the machinery, shape helpers and global switches. */
const notOps = [
  'assertClose', 'broadcastBinary', 'broadcastShapes', 'checkOptionKeys', 'closestName', 'defineOp', 'detectAnomaly', 'enableGrad',
  'formatShape', 'getBackend', 'getNumThreads', 'grad', 'gradcheck', 'gradgradcheck', 'hessian', 'hvp', 'jacobian', 'jvp', 'vhp', 'vjp', 'inferShape', 'isGradEnabled', 'isIndexCopy', 'isTensor', 'manualSeed', 'noGrad',
  'numelOf', 'positionalOptions', 'promoteTypes', 'reducedShape', 'scalarLike', 'setBackend', 'setNumThreads', 'setOpTracer',
  'sumDimsData', 'sumToShape', 'typed', 'unknownOptionMessage',
];

function exportedFunctions(): string[] {
  return Object.entries(core)
    .filter(([, value]) => typeof value === 'function' && !/^class\b/.test(Function.prototype.toString.call(value)))
    .map(([name]) => name)
    .sort();
}

test('every exported op of @torchlet/core is walked here (or is listed as machinery)', () => {
  const fns = exportedFunctions();
  assert.equal(fns.filter((n) => !(n in ops) && !notOps.includes(n)), [], 'ops without an entry');
  assert.equal(Object.keys(ops).filter((n) => !fns.includes(n)), [], 'entries for no exported op');
});

/** The names of the entries for which `check` throws an assertion, so one run lists every op that drops something. */
function failing(check: (name: string, entry: Entry) => void): string[] {
  const failed: string[] = [];
  for (const [name, entry] of Object.entries(ops)) {
    try {
      check(name, entry);
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return failed;
}

test('an unknown option key is refused, naming the op (and the key where an options object is taken)', () => {
  assert.equal(failing((name, entry) => {
    entry.call(); // the required arguments alone are fine
    assert.throws(() => entry.call({ notAnOption: 1 }), entry.options ? new RegExp(`${entry.named ?? name}: unknown option "notAnOption"`) : new RegExp(`^${entry.named ?? name}\\b`));
  }), []);
});

test("PyTorch's positional arguments are honoured, and one more is refused", () => {
  assert.equal(failing((name, entry) => {
    const args = entry.positional?.args ?? [];
    if (entry.positional) entry.positional.check(entry.call(...args) as never);
    assert.throws(() => entry.call(...args, 'one too many'), new RegExp(`^${entry.named ?? name}\\b`));
  }), []);
});

/** Each public Tensor method: its receiver and required arguments. Methods that are not ops (item, backward, ...) are listed apart. */
const methods: Record<string, [() => Tensor, ...unknown[]]> = {
  add: [v, 1], sub: [v, 1], mul: [v, 1], div: [v, 1], neg: [v], pow: [v, 2], maximum: [v, 1], minimum: [v, 1], where: [v, v().gt(1), 0],
  eq: [v, 1], ne: [v, 1], gt: [v, 1], ge: [v, 1], lt: [v, 1], le: [v, 1], exp: [v], log: [v], sqrt: [v], abs: [v], clamp: [v, 1], relu: [v],
  leakyRelu: [v], sigmoid: [v], tanh: [v], gelu: [v], softplus: [v], softmax: [m, 1], logSoftmax: [m, 1], matmul: [m, randn([3])],
  to: [v, 'float64'], float: [v], double: [v], int: [v], bool: [v], clone: [v],
  logicalAnd: [v, v()], logicalOr: [v, v()], logicalXor: [v, v()], logicalNot: [v], isnan: [v], isinf: [v], isfinite: [v], any: [m], all: [m],
  reshape: [m, [3, 2]], view: [m, [3, 2]], flatten: [m], squeeze: [m], unsqueeze: [m, 0], expand: [() => randn([1, 3]), [2, 3]],
  permute: [m, [1, 0]], transpose: [m, 0, 1], t: [m],
  sum: [m, 1, true], mean: [m, 1, true], var: [m], max: [m, 1, true], min: [m, 1, true], argmax: [m, 1, true], argmin: [m, 1, true], logsumexp: [m, 1, true],
  slice: [m, 1, 0, 3, 1], narrow: [m, 1, 0, 2], select: [m, 0, 1], index: [m, 0], gather: [m, 1, tensor([[0], [1]], { dtype: 'int32' })],
  indexSelect: [m, 0, idx()],
  scatterAdd: [m, 1, tensor([[0], [1]], { dtype: 'int32' }), tensor([[1], [2]])], scatter: [m, 1, tensor([[0], [1]], { dtype: 'int32' }), 5],
  maskedFill: [m, m().gt(2), 0], indexSet: [m, ':, 0', 1], indexPut_: [m, ':, 0', 1],
  viewAs: [m, randn([3, 2])], unflatten: [m, 1, [3, 1]], repeat: [m, [1, 2]], tile: [m, [2]], chunk: [m, 2], split: [m, 1], flip: [m, 0],
  roll: [m, 1], triu: [m], tril: [m], mm: [m, randn([3, 2])], bmm: [() => randn([1, 2, 3]), randn([1, 3, 2])],
  add_: [v, 1], sub_: [v, 1], mul_: [v, 1], fill_: [v, 1], zero_: [v], copy_: [v, v()],
  // issue 13's math (branch math)
  sin: [v], cos: [v], tan: [v], asin: [v], acos: [v], atan: [v], sinh: [v], cosh: [v], asinh: [v], acosh: [v], atanh: [v], square: [v],
  reciprocal: [v], rsqrt: [v], log1p: [v], expm1: [v], log2: [v], log10: [v], exp2: [v], erf: [v], sign: [v], floor: [v], ceil: [v], trunc: [v],
  round: [v], silu: [v], mish: [v], selu: [v], elu: [v], hardtanh: [v],
  atan2: [v, 1], xlogy: [v, 1], hypot: [v, 1], logaddexp: [v, 1], lerp: [v, v(), 0.5], amax: [m, 1, true], amin: [m, 1, true], prod: [m, 1, true], std: [m],
  norm: [m], cumsum: [m, 1], cumprod: [m, 1], sort: [m], topk: [m, 1],
};
const notOpMethods = [
  'constructor', 'ndim', 'numel', 'size', 'requiresGrad', '_setNode', 'isLeaf', 'gradFn', 'version', '_bumpVersion', 'item', 'tolist',
  'toString', 'backward', 'detach', 'retainGrad',
  // the device model (issue 17): storage access and async reads, tested in test/browser/webgpu-device.browser.ts
  'data', '_storage', 'device', 'cpu', 'read', 'itemAsync', 'dispose', '_replaceStorage',
];

test('every Tensor method is walked here (or is listed as not an op)', () => {
  const names = Object.getOwnPropertyNames(Tensor.prototype);
  assert.equal(names.filter((n) => !(n in methods) && !notOpMethods.includes(n)), [], 'methods without an entry');
});

test('a Tensor method given one argument too many or an unknown option key throws, as its function does', () => {
  const failed: string[] = [];
  for (const [name, [receiver, ...args]] of Object.entries(methods)) {
    const call = (...more: unknown[]) => (receiver() as unknown as Record<string, Fn>)[name](...args, ...more);
    try {
      call();
      assert.throws(() => call('one too many'), /./, 'an extra positional argument');
      assert.throws(() => call({ notAnOption: 1 }), /./, 'an unknown option key');
    } catch (e) {
      failed.push(`${name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  assert.equal(failed, []);
});

test('Tensor methods take the arguments of their functions, including options objects and dim by name', () => {
  const x = tensor([[-1, 2], [3, -4]]);
  eq(x.leakyRelu(0.5).tolist(), [[-0.5, 2], [3, -2]]);
  eq(x.leakyRelu({ negativeSlope: 0.5 }).tolist(), [[-0.5, 2], [3, -2]]);
  eq(x.clamp({ min: 0 }).tolist(), [[0, 2], [3, 0]]);
  eq(x.softmax({ dim: 1 }).tolist(), x.softmax(1).tolist());
  eq(core.logSoftmax(x, { dim: 0 }).tolist(), core.logSoftmax(x, 0).tolist());
  assert.throws(() => core.softmax(x, { dims: 1 } as never), /softmax: unknown option "dims" \(expected "dim"\): did you mean "dim"\?/);
  const sum = x.sum as unknown as (...a: unknown[]) => Tensor;
  eq(sum.call(x, { dim: 1, keepdim: true }).tolist(), [[1], [-1]]);
  eq(sum.call(x, 1, { keepdim: true }).tolist(), [[1], [-1]]);
  eq(sum.call(x, { dim: 0 }).tolist(), [2, -2]);
  assert.throws(() => sum.call(x, { dim: 1, keep_dim: true }), /sum: unknown option "keep_dim" \(expected "dim", "keepdim"\): did you mean "keepdim"\?/);
  const max = x.max as unknown as (...a: unknown[]) => { values: Tensor };
  eq(max.call(x, { dim: 1 }).values.tolist(), [2, 3]);
  eq((x.var as unknown as (...a: unknown[]) => Tensor).call(x, { dim: 1, unbiased: false }).tolist(), [2.25, 12.25]);
  eq(ones([2]).add_(1).tolist(), [2, 2]); // in-place methods still return the tensor
});

test('functional ops take PyTorch positional forms: maxPool2d(x, 3, 1) is stride 1, conv2d(x, w, b, 2) is stride 2', () => {
  const x = randn([1, 1, 8, 8]);
  eq(core.maxPool2d(x, 3, 1).shape, [1, 1, 6, 6]);
  eq(core.maxPool2d(x, { kernelSize: 3, stride: 1 }).shape, [1, 1, 6, 6]);
  eq(core.maxPool2d(x, 3, 1, undefined, undefined, undefined, true).indices.shape, [1, 1, 6, 6]);
  assert.throws(() => core.maxPool2d(x, 3, { stride: 1, kernel_size: 2 } as never), /maxPool2d: unknown option "kernel_size" .*did you mean "kernelSize"\?/);
  assert.throws(() => core.maxPool2d(x, 3, { kernelSize: 2 } as never), /maxPool2d: kernelSize is given both as a positional argument and in the options/);
  eq(core.avgPool2d(x, 2, 1).shape, [1, 1, 7, 7]);
  const w = randn([2, 1, 3, 3]);
  eq(core.conv2d(x, w, null, 2).shape, [1, 2, 3, 3]);
  eq(core.conv2d(x, w, { stride: 2, padding: 1 }).shape, [1, 2, 4, 4]);
  eq(core.conv2d(x, w, randn([2]), 1, 'same').shape, [1, 2, 8, 8]);
  eq(core.dropout(x, { p: 0.3, training: false }).tolist(), x.tolist());
});

test.run();

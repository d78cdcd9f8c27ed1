// Issue 10's guarantee, checked over every public class of nn, optim and data: an unknown option key and a
// positional argument beyond the ones PyTorch takes are errors naming the class, and PyTorch's positional
// arguments are honoured. A class exported without an entry here fails the first test, so new classes join in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, arange, tensor, randn } from '@torchlet/core';
import * as nn from '@torchlet/nn';
import * as optim from '@torchlet/optim';
import * as data from '@torchlet/data';

interface Entry {
  /** Builds the object from its required arguments followed by `more`. */
  make: (...more: unknown[]) => unknown;
  /** PyTorch's positional arguments after the required ones, and what honouring them looks like. */
  positional?: { args: unknown[]; check: (made: never) => void };
  /** Accepts and ignores any argument, as PyTorch's class does. */
  ignoresArguments?: true;
  /** What the error says when an options object is not what this class takes at that position. */
  badOptions?: RegExp;
}

const param = () => tensor([1, 2], { requiresGrad: true });
const sgd = () => new optim.SGD([param()], { lr: 1, momentum: 0.9 });
const ds = () => new data.TensorDataset(arange(8).reshape([8, 1]), arange(8).int());
type Any = new (...a: unknown[]) => unknown;
const make = (C: unknown, ...required: unknown[]) => (...more: unknown[]) => new (C as Any)(...required, ...more);
const eq = (actual: unknown, expected: unknown) => assert.equal(actual, expected);

const entries: Record<string, Entry> = {
  // nn
  Parameter: { make: make(nn.Parameter, tensor([1])), positional: { args: [false], check: (p: Tensor) => eq(p.requiresGrad, false) }, badOptions: /Parameter: requiresGrad must be a boolean/ },
  Linear: { make: make(nn.Linear, 3, 2), positional: { args: [false], check: (m: nn.Linear) => eq(m.bias, null) } },
  Identity: { make: make(nn.Identity), ignoresArguments: true },
  Conv2d: {
    make: make(nn.Conv2d, 1, 2, 3),
    positional: { args: [2, 1, 1, 1, false], check: (m: nn.Conv2d) => eq([m.stride, m.padding, m.dilation, m.groups, m.bias], [[2, 2], [1, 1], [1, 1], 1, null]) },
  },
  MaxPool2d: { make: make(nn.MaxPool2d, 3), positional: { args: [1, 1, 2, false, true], check: (m: nn.MaxPool2d) => eq([m.stride, m.padding, m.dilation, m.ceilMode], [1, 1, 2, true]) } },
  AvgPool2d: {
    make: make(nn.AvgPool2d, 3),
    positional: { args: [1, 1, true, false, 2], check: (m: nn.AvgPool2d) => eq([m.stride, m.padding, m.ceilMode, m.countIncludePad, m.divisorOverride], [1, 1, true, false, 2]) },
  },
  AdaptiveAvgPool2d: { make: make(nn.AdaptiveAvgPool2d, 1) },
  BatchNorm1d: { make: make(nn.BatchNorm1d, 3), positional: { args: [1e-3, 0.2, false, false], check: (m: nn.BatchNorm1d) => eq([m.eps, m.momentum, m.affine, m.trackRunningStats], [1e-3, 0.2, false, false]) } },
  BatchNorm2d: { make: make(nn.BatchNorm2d, 3), positional: { args: [1e-3, null, true, true], check: (m: nn.BatchNorm2d) => eq([m.eps, m.momentum], [1e-3, null]) } },
  ReLU: { make: make(nn.ReLU), positional: { args: [false], check: () => undefined } },
  LeakyReLU: { make: make(nn.LeakyReLU), positional: { args: [0.2, false], check: (m: nn.LeakyReLU) => eq(m.negativeSlope, 0.2) } },
  Sigmoid: { make: make(nn.Sigmoid) },
  Tanh: { make: make(nn.Tanh) },
  GELU: { make: make(nn.GELU), positional: { args: ['tanh'], check: (m: nn.GELU) => eq(m.approximate, 'tanh') } },
  // dim is required here (PyTorch's implicit dim=None is deprecated there)
  Softmax: { make: make(nn.Softmax, 1) },
  LogSoftmax: { make: make(nn.LogSoftmax, 0) },
  Dropout: { make: make(nn.Dropout), positional: { args: [0.2, false], check: (m: nn.Dropout) => eq(m.p, 0.2) } },
  Flatten: { make: make(nn.Flatten), positional: { args: [0, 2], check: (m: nn.Flatten) => eq([m.startDim, m.endDim], [0, 2]) } },
  // Sequential takes any number of modules: an extra one is honoured, anything else refused
  Sequential: { make: make(nn.Sequential, new nn.ReLU()), positional: { args: [new nn.Tanh()], check: (m: nn.Sequential) => eq(m.length, 2) }, badOptions: /Sequential: expected Modules, got Object at position 1/ },
  ModuleList: { make: make(nn.ModuleList, [new nn.ReLU()]), badOptions: /ModuleList: takes one iterable of modules, got 2 arguments/ },
  CrossEntropyLoss: {
    make: make(nn.CrossEntropyLoss),
    positional: { args: [null, null, 3, null, 'sum', 0.1], check: (m: nn.CrossEntropyLoss) => eq([m.ignoreIndex, m.reduction, m.labelSmoothing], [3, 'sum', 0.1]) },
  },
  NLLLoss: { make: make(nn.NLLLoss), positional: { args: [tensor([1, 2]), null, 1, null, 'none'], check: (m: nn.NLLLoss) => eq([m.weight?.tolist(), m.ignoreIndex, m.reduction], [[1, 2], 1, 'none']) } },
  MSELoss: { make: make(nn.MSELoss), positional: { args: [null, null, 'sum'], check: (m: nn.MSELoss) => eq(m.reduction, 'sum') } },
  L1Loss: { make: make(nn.L1Loss), positional: { args: [null, null, 'sum'], check: (m: nn.L1Loss) => eq(m.reduction, 'sum') } },
  SmoothL1Loss: { make: make(nn.SmoothL1Loss), positional: { args: [null, null, 'sum', 0.5], check: (m: nn.SmoothL1Loss) => eq([m.reduction, m.beta], ['sum', 0.5]) } },
  HuberLoss: { make: make(nn.HuberLoss), positional: { args: ['sum', 2], check: (m: nn.HuberLoss) => eq([m.reduction, m.delta], ['sum', 2]) } },
  BCELoss: { make: make(nn.BCELoss), positional: { args: [tensor([2]), null, null, 'sum'], check: (m: nn.BCELoss) => eq([m.weight?.tolist(), m.reduction], [[2], 'sum']) } },
  BCEWithLogitsLoss: {
    make: make(nn.BCEWithLogitsLoss),
    positional: { args: [null, null, null, 'sum', tensor([3])], check: (m: nn.BCEWithLogitsLoss) => eq([m.reduction, m.posWeight?.tolist()], ['sum', [3]]) },
  },
  KLDivLoss: { make: make(nn.KLDivLoss), positional: { args: [null, null, 'batchmean', true], check: (m: nn.KLDivLoss) => eq([m.reduction, m.logTarget], ['batchmean', true]) } },
  // sequence layers (issue 15)
  Embedding: {
    make: make(nn.Embedding, 5, 3),
    positional: { args: [1, null, 2, false, false, null, false], check: (m: nn.Embedding) => eq([m.paddingIdx, (m.weight.tolist() as number[][])[1]], [1, [0, 0, 0]]) },
  },
  LayerNorm: { make: make(nn.LayerNorm, 4), positional: { args: [1e-3, true, false], check: (m: nn.LayerNorm) => eq([m.eps, m.weight?.shape, m.bias], [1e-3, [4], null]) } },
  RNN: {
    make: make(nn.RNN, 3, 4),
    positional: { args: [2, 'relu', false, true, 0.5, true], check: (m: nn.RNN) => eq([m.numLayers, m.nonlinearity, m.bias, m.batchFirst, m.dropout, m.bidirectional], [2, 'relu', false, true, 0.5, true]) },
  },
  GRU: { make: make(nn.GRU, 3, 4), positional: { args: [2, false, true, 0.5, true], check: (m: nn.GRU) => eq([m.numLayers, m.bias, m.batchFirst, m.dropout, m.bidirectional], [2, false, true, 0.5, true]) } },
  LSTM: {
    make: make(nn.LSTM, 3, 4),
    positional: { args: [2, true, true, 0, true, 2], check: (m: nn.LSTM) => eq([m.numLayers, m.batchFirst, m.bidirectional, m.projSize], [2, true, true, 2]) },
  },
  MultiheadAttention: {
    make: make(nn.MultiheadAttention, 4, 2),
    positional: {
      args: [0.1, false, false, false, 3, 5, true],
      check: (m: nn.MultiheadAttention) => eq([m.dropout, m.in_proj_bias, m.kdim, m.vdim, m.batchFirst], [0.1, null, 3, 5, true]),
    },
  },
  TransformerEncoderLayer: {
    make: make(nn.TransformerEncoderLayer, 4, 2),
    positional: {
      args: [8, 0.2, 'gelu', 1e-3, true, true, false],
      check: (m: nn.TransformerEncoderLayer) =>
        eq([m.linear1.outFeatures, m.dropout.p, m.activation, m.norm1.eps, m.self_attn.batchFirst, m.normFirst, m.linear1.bias, m.norm2.bias], [8, 0.2, 'gelu', 1e-3, true, true, null, null]),
    },
  },
  TransformerEncoder: {
    make: make(nn.TransformerEncoder, new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }), 2),
    positional: { args: [new nn.LayerNorm(4), false, false], check: (m: nn.TransformerEncoder) => eq([m.norm instanceof nn.LayerNorm, m.layers.length], [true, 2]) },
  },
  Conv1d: {
    make: make(nn.Conv1d, 2, 4, 3),
    positional: { args: [2, 1, 2, 2, false, 'zeros'], check: (m: nn.Conv1d) => eq([m.stride, m.padding, m.dilation, m.groups, m.bias], [2, 1, 2, 2, null]) },
  },
  ConvTranspose2d: {
    make: make(nn.ConvTranspose2d, 2, 4, 3),
    positional: {
      args: [2, 1, 1, 2, false, 2, 'zeros'],
      check: (m: nn.ConvTranspose2d) => eq([m.stride, m.padding, m.outputPadding, m.groups, m.bias, m.dilation], [[2, 2], [1, 1], [1, 1], 2, null, [2, 2]]),
    },
  },
  // optim
  // lr is required by SGD, as in PyTorch
  SGD: { make: make(optim.SGD, [param()], 0.1), positional: { args: [0.9, 0.1, 0.01, false], check: (o: optim.SGD) => eq([o.paramGroups[0].momentum, o.paramGroups[0].dampening], [0.9, 0.1]) } },
  Adam: { make: make(optim.Adam, [param()]), positional: { args: [0.1, [0.5, 0.6], 1e-6, 0.01, true], check: (o: optim.Adam) => eq([o.paramGroups[0].betas, o.paramGroups[0].amsgrad], [[0.5, 0.6], true]) } },
  AdamW: { make: make(optim.AdamW, [param()]), positional: { args: [0.1, [0.5, 0.6], 1e-6, 0.2, true], check: (o: optim.AdamW) => eq(o.paramGroups[0].weightDecay, 0.2) } },
  RMSprop: { make: make(optim.RMSprop, [param()]), positional: { args: [0.1, 0.9, 1e-6, 0, 0.5, true], check: (o: optim.RMSprop) => eq([o.paramGroups[0].momentum, o.paramGroups[0].centered], [0.5, true]) } },
  Adagrad: { make: make(optim.Adagrad, [param()]), positional: { args: [0.1, 0.01, 0, 0.3, 1e-8], check: (o: optim.Adagrad) => eq(o.paramGroups[0].eps, 1e-8) } },
  Adadelta: { make: make(optim.Adadelta, [param()]), positional: { args: [0.5, 0.8, 1e-5, 0.1], check: (o: optim.Adadelta) => eq(o.paramGroups[0].weightDecay, 0.1) } },
  StepLR: { make: (...more) => new (optim.StepLR as unknown as Any)(sgd(), 3, ...more), positional: { args: [0.5, -1, false], check: (s: optim.StepLR) => eq([s.stepSize, s.gamma], [3, 0.5]) } },
  MultiStepLR: { make: (...more) => new (optim.MultiStepLR as unknown as Any)(sgd(), [2, 4], ...more), positional: { args: [0.5], check: (s: optim.MultiStepLR) => eq([s.milestones, s.gamma], [[2, 4], 0.5]) } },
  ExponentialLR: { make: (...more) => new (optim.ExponentialLR as unknown as Any)(sgd(), 0.5, ...more) },
  CosineAnnealingLR: { make: (...more) => new (optim.CosineAnnealingLR as unknown as Any)(sgd(), 5, ...more), positional: { args: [0.1], check: (s: optim.CosineAnnealingLR) => eq([s.tMax, s.etaMin], [5, 0.1]) } },
  OneCycleLR: {
    make: (...more) => new (optim.OneCycleLR as unknown as Any)(sgd(), 0.1, 10, ...more),
    positional: { args: [undefined, undefined, 0.4, 'linear', true, 0.8, 0.9, 10, 100, false], check: (s: optim.OneCycleLR) => eq([s.totalSteps, s.pctStart, s.annealStrategy, s.divFactor], [10, 0.4, 'linear', 10]) },
  },
  // data
  DataLoader: { make: make(data.DataLoader, ds()), positional: { args: [4, true, null, null, 0, null, false, true], check: (l: data.DataLoader) => eq([l.batchSize, l.shuffle, l.dropLast], [4, true, true]) } },
  TensorDataset: { make: make(data.TensorDataset, arange(2).reshape([2, 1]), arange(2).int()), badOptions: /TensorDataset: takes two tensors/ },
  ImageDataset: { make: make(data.ImageDataset, arange(2).reshape([2, 1]), arange(2).int(), ['a', 'b']), badOptions: /ImageDataset: takes \(x, y, classes\)/ },
  Subset: { make: make(data.Subset, ds(), [0, 1]), badOptions: /Subset: takes \(dataset, indices\)/ },
};

/** Base classes users subclass; they are not meant to be constructed themselves. */
const baseClasses = ['Module', 'Optimizer', 'LRScheduler'];

function exportedClasses(): string[] {
  const names: string[] = [];
  for (const mod of [nn, optim, data]) {
    for (const [name, value] of Object.entries(mod)) {
      const isClass = typeof value === 'function' && /^class\b/.test(Function.prototype.toString.call(value));
      // error classes (OnnxUnsupportedOpError, ...) are thrown by the library, not built by users with options
      if (isClass && !(value.prototype instanceof Error)) names.push(name);
    }
  }
  return names.sort();
}

test('every exported class of nn, optim and data is walked here (or is a base class)', () => {
  const classes = exportedClasses();
  assert.ok(classes.length >= 40, `found ${classes.length} classes`);
  assert.equal(classes.filter((c) => !(c in entries) && !baseClasses.includes(c)), [], 'classes without an entry');
  assert.equal(Object.keys(entries).filter((c) => !classes.includes(c)), [], 'entries for no exported class');
});

test('an unknown option key is refused, naming the class (and the key where an options object is taken)', () => {
  for (const [name, entry] of Object.entries(entries)) {
    if (entry.ignoresArguments) continue;
    entry.make(); // the required arguments alone are fine
    assert.throws(() => entry.make({ notAnOption: 1 }), entry.badOptions ?? new RegExp(`${name}: unknown option "notAnOption"`), name);
  }
});

test("PyTorch's positional arguments are honoured, and one more is refused", () => {
  for (const [name, entry] of Object.entries(entries)) {
    if (entry.ignoresArguments) continue;
    const args = entry.positional?.args ?? [];
    if (entry.positional) entry.positional.check(entry.make(...args) as never);
    assert.throws(() => entry.make(...args, 'one too many'), new RegExp(`${name}`), `${name} with ${args.length + 1} extra arguments`);
  }
});

test("Identity accepts and ignores any argument, as PyTorch's does", () => {
  const id = entries.Identity.make(1, 'two', { three: 3 }) as nn.Identity;
  const x = randn([2]);
  assert.is(id(x), x);
});

test.run();

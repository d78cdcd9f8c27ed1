import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { arange, manualSeed, randn, avgPool2d } from '@torchlet/core';
import {
  AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Flatten, GELU, Identity, LeakyReLU, Linear,
  LogSoftmax, MaxPool2d, ReLU, Sigmoid, Softmax, Tanh,
} from '@torchlet/nn';

const x8 = () => arange(64).reshape([1, 1, 8, 8]);

test('PyTorch positional forms are honoured: MaxPool2d(3, 1), Conv2d(1, 32, 3, 2), Linear(3, 1, false)', () => {
  assert.equal(new MaxPool2d(3, 1)(x8()).shape, [1, 1, 6, 6]);
  assert.equal(new MaxPool2d(3, null, 1)(x8()).shape, [1, 1, 3, 3], 'stride None is the kernel size');
  assert.equal(new MaxPool2d(2, 2, 0, 2)(x8()).shape, [1, 1, 3, 3], 'dilation 2');
  assert.equal(new MaxPool2d(3, 2, 0, 1, false, true)(x8()).shape, [1, 1, 4, 4], 'ceilMode');
  manualSeed(0);
  const conv = new Conv2d(1, 32, 3, 2);
  assert.equal(conv.stride, [2, 2]);
  assert.equal(conv(x8()).shape, [1, 32, 3, 3]);
  const full = new Conv2d(2, 4, 3, 1, 1, 1, 2, false, { dtype: 'float64' });
  assert.equal([full.padding, full.dilation, full.groups, full.bias, full.weight.dtype], [[1, 1], [1, 1], 2, null, 'float64']);
  assert.is(new Linear(3, 1, false).bias, null);
  assert.ok(new Linear(3, 1, true).bias !== null);
});

test('AvgPool2d, BatchNorm, Dropout, activations and Flatten take their positional forms', () => {
  const avg = new AvgPool2d(2, 1, 0, false, true, 1);
  assert.equal(Array.from(avg(x8()).data), Array.from(avgPool2d(x8(), { kernelSize: 2, stride: 1, divisorOverride: 1 }).data));
  assert.is(avg(x8()).data[0], 0 + 1 + 8 + 9, 'divisorOverride 1: window sums');
  const bn = new BatchNorm2d(4, 1e-3, 0.2, false, false);
  assert.equal([bn.eps, bn.momentum, bn.affine, bn.trackRunningStats, bn.weight], [1e-3, 0.2, false, false, null]);
  assert.is(new BatchNorm1d(3, 1e-5, null).momentum, null);
  assert.is(new Dropout(0.2).p, 0.2);
  assert.is(new Dropout({ p: 0.3 }).p, 0.3);
  assert.is(new Dropout(0.1, false).p, 0.1);
  assert.is(new LeakyReLU(0.2).negativeSlope, 0.2);
  assert.is(new LeakyReLU(0.2, false).negativeSlope, 0.2);
  assert.is(new GELU('tanh').approximate, 'tanh');
  assert.is(new Softmax(1).dim, 1);
  assert.is(new LogSoftmax({ dim: 0 }).dim, 0);
  const flat = new Flatten(0, 1);
  assert.equal(flat(randn([2, 3, 4])).shape, [6, 4]);
  assert.equal(new Flatten({ startDim: 2 })(randn([2, 3, 4, 5])).shape, [2, 3, 20]);
  new ReLU(false);
});

test('too many positional arguments, unknown keys and a value given twice are errors naming the layer', () => {
  assert.throws(() => new Linear(3, 1, false, 7 as never), /Linear: got 2 positional arguments after the required ones, but it takes at most 1 \(bias\) before an options object; extra: 7/);
  assert.throws(() => new Conv2d(1, 2, 3, 1, 0, 1, 1, true, 'zeros' as never), /Conv2d: got 6 positional.*at most 5 \(stride, padding, dilation, groups, bias\).*extra: "zeros"/);
  assert.throws(() => new Conv2d(1, 2, 3, { padding_mode: 'zeros' } as never), /Conv2d: unknown option "padding_mode"/);
  assert.throws(() => new Conv2d(1, 2, 3, { kernel_size: 3 } as never), /Conv2d: unknown option "kernel_size" \(expected "stride", "padding", "dilation", "groups", "bias", "dtype", "generator"\)$/);
  assert.throws(() => new MaxPool2d(2, { ceil_mode: true } as never), /MaxPool2d: unknown option "ceil_mode" \(expected .*\): did you mean "ceilMode"\?/);
  assert.throws(() => new BatchNorm2d(4, { track_running_stats: false } as never), /did you mean "trackRunningStats"\?/);
  assert.throws(() => new Linear(3, 1, true, { bias: false } as never), /Linear: bias is given both as a positional argument and in the options/);
  assert.throws(() => new Linear(3, 1, 'no' as never), /Linear: bias must be a boolean, got "no"/);
  assert.throws(() => new Linear(3, 1, null as never), /Linear: bias must be a boolean, got null/);
  assert.throws(() => new BatchNorm2d(3, 1e-5, 0.1, null as never), /BatchNorm2d: affine must be a boolean, got null/);
  assert.throws(() => new Sigmoid(1 as never), /Sigmoid: got 1 positional arguments after the required ones, but it takes at most 0 before/);
  assert.throws(() => new Tanh({ inplace: true } as never), /Tanh: unknown option "inplace"/);
  assert.throws(() => new AdaptiveAvgPool2d(1, 2 as never), /AdaptiveAvgPool2d: got 1 positional/);
  assert.throws(() => new (Flatten as new (...a: unknown[]) => Flatten)(1, -1, 0), /Flatten: got 3 positional/);
  assert.throws(() => new Dropout(0.5, false, { seed: 1 } as never), /Dropout: unknown option "seed"/);
});

test("PyTorch flags that cannot be honoured here are refused, not dropped; Identity ignores its arguments as PyTorch's does", () => {
  assert.throws(() => new ReLU(true as never), /ReLU: inplace is not supported/);
  assert.throws(() => new LeakyReLU(0.1, true as never), /LeakyReLU: inplace is not supported/);
  assert.throws(() => new Dropout(0.5, true as never), /Dropout: inplace is not supported/);
  assert.throws(() => new MaxPool2d(2, 2, 0, 1, true as never), /MaxPool2d: returnIndices is not supported by the module/);
  assert.throws(() => new BatchNorm2d(4, 1e-5, 0.1, 'yes' as never), /BatchNorm2d: affine must be a boolean/);
  assert.throws(() => new MaxPool2d(2, { ceilMode: 1 } as never), /MaxPool2d: ceilMode must be a boolean, got 1/);
  const id = new Identity(54, { unused: true });
  assert.equal(id(x8()).shape, [1, 1, 8, 8]);
});

test.run();

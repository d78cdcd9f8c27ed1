import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, empty, zeros, tensor, manualSeed, Generator, defaultGenerator } from '@torchlet/core';
import { init, Linear, Conv2d, Sequential, ReLU, Module, BatchNorm2d, Flatten } from '@torchlet/nn';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const d = Array.from(t.data);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const std = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
}

function near(actual: number, expected: number, tol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);
}

test('calculateGain and fans follow PyTorch', () => {
  assert.is(init.calculateGain('linear'), 1);
  assert.is(init.calculateGain('conv2d'), 1);
  assert.is(init.calculateGain('sigmoid'), 1);
  assert.is(init.calculateGain('tanh'), 5 / 3);
  assert.is(init.calculateGain('relu'), Math.SQRT2);
  assert.is(init.calculateGain('selu'), 0.75);
  assert.is(init.calculateGain('leakyRelu'), Math.sqrt(2 / (1 + 0.0001)));
  assert.is(init.calculateGain('leakyRelu', Math.sqrt(5)), Math.sqrt(1 / 3));
  assert.throws(() => init.calculateGain('swish' as never), /calculateGain: unsupported nonlinearity "swish"/);
  assert.throws(() => init.calculateGain('leakyRelu', NaN), /calculateGain: negative slope must be a finite number/);
  assert.equal(init.calculateFanInAndFanOut(empty([6, 3, 5, 5])), { fanIn: 75, fanOut: 150 });
  assert.equal(init.calculateFanInAndFanOut(empty([10, 4])), { fanIn: 4, fanOut: 10 });
  assert.throws(() => init.calculateFanInAndFanOut(empty([5])), /fewer than 2 dimensions, got shape \[5\]/);
});

test('kaimingUniform_ stays within gain·sqrt(3/fan) and fills the range; kaimingNormal_ has std gain/sqrt(fan)', () => {
  manualSeed(0);
  const w = init.kaimingUniform_(empty([200, 50], 'float64'));
  const bound = Math.sqrt(2) * Math.sqrt(3 / 50);
  const s = stats(w);
  assert.ok(s.min >= -bound && s.max < bound, `within ±${bound}`);
  assert.ok(s.min < -0.99 * bound && s.max > 0.99 * bound, 'fills the range');
  near(s.std, bound / Math.sqrt(3), 0.01, 'uniform std');
  const fanOut = init.kaimingUniform_(empty([20, 500], 'float64'), { mode: 'fanOut', nonlinearity: 'relu' });
  assert.ok(stats(fanOut).max < Math.sqrt(2) * Math.sqrt(3 / 20) && stats(fanOut).max > 0.99 * Math.sqrt(2) * Math.sqrt(3 / 20));

  const n = init.kaimingNormal_(empty([64, 32, 3, 3], 'float64'), { nonlinearity: 'relu' });
  const ns = stats(n);
  near(ns.mean, 0, 0.01, 'normal mean');
  near(ns.std, Math.SQRT2 / Math.sqrt(32 * 9), 0.005, 'normal std');
  const tanhFanOut = stats(init.kaimingNormal_(empty([100, 200], 'float64'), { mode: 'fanOut', nonlinearity: 'tanh' }));
  near(tanhFanOut.std, 5 / 3 / 10, 0.005, 'fanOut std');
  assert.throws(() => init.kaimingNormal_(empty([3, 3]), { mode: 'fan_in' as never }), /kaimingNormal_: mode must be 'fanIn' or 'fanOut', got "fan_in"/);
  // zero-element tensors are left alone, as in PyTorch
  assert.equal(init.kaimingUniform_(empty([0, 3])).shape, [0, 3]);
  assert.equal(init.xavierNormal_(empty([3, 0])).shape, [3, 0]);
  assert.throws(() => init.kaimingUniform_(empty([3])), /fewer than 2 dimensions/);
});

test('xavier, normal_, uniform_, constant_, zeros_, ones_', () => {
  manualSeed(3);
  const xb = Math.sqrt(6 / (100 + 300));
  const xu = stats(init.xavierUniform_(empty([300, 100], 'float64')));
  assert.ok(xu.min >= -xb && xu.max < xb && xu.max > 0.99 * xb);
  const xu2 = stats(init.xavierUniform_(empty([300, 100], 'float64'), { gain: 2 }));
  assert.ok(xu2.max < 2 * xb && xu2.max > 1.98 * xb);
  near(stats(init.xavierNormal_(empty([300, 100], 'float64'))).std, Math.sqrt(2 / 400), 0.002, 'xavier normal std');

  const nm = stats(init.normal_(empty([20000], 'float64'), 3, 2));
  near(nm.mean, 3, 0.05, 'normal_ mean');
  near(nm.std, 2, 0.05, 'normal_ std');
  const un = stats(init.uniform_(empty([20000], 'float64'), -1, 2));
  assert.ok(un.min >= -1 && un.max < 2);
  near(un.mean, 0.5, 0.03, 'uniform_ mean');
  const u01 = stats(init.uniform_(empty([1000])));
  assert.ok(u01.min >= 0 && u01.max < 1);

  const t = zeros([2, 2]);
  const v = t.version;
  assert.is(init.constant_(t, 7), t);
  assert.equal(Array.from(t.data), [7, 7, 7, 7]);
  assert.ok(t.version > v);
  assert.equal(Array.from(init.ones_(t).data), [1, 1, 1, 1]);
  assert.equal(Array.from(init.zeros_(t).data), [0, 0, 0, 0]);

  assert.throws(() => init.normal_(tensor([1], { dtype: 'int32' })), /normal_: expected a floating-point tensor, got int32/);
  assert.throws(() => init.normal_(empty([2]), 0, -1), /normal_: std must be non-negative, got -1/);
  assert.throws(() => init.uniform_(empty([2]), 1, 0), /uniform_: expected a <= b, got a = 1, b = 0/);
  assert.throws(() => init.xavierUniform_(null as never), /xavierUniform_: expected a Tensor, got null/);
  assert.throws(() => init.constant_(empty([2]), '1' as never), /constant_: expected a number, got string/);
});

test('Linear and Conv2d defaults: kaiming-uniform with a = sqrt(5) and bias, both within 1/sqrt(fanIn)', () => {
  manualSeed(4);
  const lin = new Linear(64, 300, { dtype: 'float64' });
  const lb = 1 / Math.sqrt(64);
  const ws = stats(lin.weight);
  assert.ok(ws.min >= -lb && ws.max < lb && ws.max > 0.99 * lb && ws.min < -0.99 * lb);
  const bs = stats(lin.bias!);
  assert.ok(bs.min >= -lb && bs.max < lb && bs.max > 0.9 * lb);
  const conv = new Conv2d(8, 64, 3, { groups: 2, dtype: 'float64' });
  const cb = 1 / Math.sqrt((8 / 2) * 9);
  const cs = stats(conv.weight);
  assert.ok(cs.min >= -cb && cs.max < cb && cs.max > 0.99 * cb);
  const cbs = stats(conv.bias!);
  assert.ok(cbs.min >= -cb && cbs.max < cb);
});

class Net extends Module {
  body = new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU(), new Flatten(), new Linear(4 * 4 * 4, 3));
  forward(x: Tensor): Tensor {
    return this.body.forward(x);
  }
}

test('manualSeed gives bit-identical models; a generator option gives its own stream', () => {
  manualSeed(42);
  const a = new Net().stateDict();
  manualSeed(42);
  const b = new Net().stateDict();
  manualSeed(43);
  const c = new Net().stateDict();
  for (const k of Object.keys(a)) {
    assert.equal(Array.from(a[k].data), Array.from(b[k].data), k);
  }
  assert.not.equal(Array.from(a['body.0.weight'].data), Array.from(c['body.0.weight'].data));

  manualSeed(1);
  const before = defaultGenerator.random();
  manualSeed(1);
  const g1 = new Linear(5, 5, { generator: new Generator(9) });
  const g2 = new Linear(5, 5, { generator: new Generator(9) });
  assert.is(defaultGenerator.random(), before, 'the default generator was not used');
  assert.equal(Array.from(g1.weight.data), Array.from(g2.weight.data));
  assert.equal(Array.from(g1.bias!.data), Array.from(g2.bias!.data));
  const viaInit = init.normal_(empty([4]), 0, 1, { generator: new Generator('s') });
  assert.equal(Array.from(viaInit.data), Array.from(init.normal_(empty([4]), 0, 1, { generator: new Generator('s') }).data));
});

test.run();

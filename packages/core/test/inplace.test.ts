import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, zeros, noGrad, enableGrad, assertClose,
  add_, sub_, mul_, zero_, fill_, copy_, mul, sum, exp,
} from '@torchlet/core';

const list = (t: Tensor) => Array.from(t.data);
const f64 = (values: number[], shape?: number[]) => tensor(values, { dtype: 'float64', ...(shape ? { shape } : {}) });
const int = (values: number[]) => tensor(values, { dtype: 'int32' });

test('add_: number and tensor operands, broadcasting to self, alpha; returns self and bumps the version', () => {
  const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
  const v0 = x.version;
  assert.is(add_(x, 1), x);
  assert.equal(list(x), [2, 3, 4, 5, 6, 7]);
  assert.is(x.version, v0 + 1);
  add_(x, f64([10, 20, 30]));
  assert.equal(list(x), [12, 23, 34, 15, 26, 37]);
  add_(x, f64([1, 2], [2, 1]), { alpha: -2 });
  assert.equal(list(x), [10, 21, 32, 11, 22, 33]);
  add_(x, 0.5, { alpha: 2 });
  assert.equal(list(x), [11, 22, 33, 12, 23, 34]);
  add_(x, f64([1, 1, 1, 1, 1, 1], [2, 3]), {});
  assert.equal(list(x), [12, 23, 34, 13, 24, 35]);
  assert.is(x.version, v0 + 5);
  assert.equal(x.shape, [2, 3]);
});

test('sub_ and mul_: like add_, with alpha for sub_; Tensor methods return self', () => {
  const x = f64([1, 2, 3]);
  assert.is(sub_(x, 1), x);
  assert.equal(list(x), [0, 1, 2]);
  sub_(x, f64([1, 1, 1]), { alpha: 3 });
  assert.equal(list(x), [-3, -2, -1]);
  assert.is(mul_(x, -2), x);
  assert.equal(list(x), [6, 4, 2]);
  mul_(x, f64([0.5, 1, 2]));
  assert.equal(list(x), [3, 4, 4]);
  const y = f64([1, 2, 3, 4], [2, 2]);
  mul_(y, f64([10, 100], [2, 1]));
  assert.equal(list(y), [10, 20, 300, 400]);
  assert.is(y.add_(1), y);
  assert.is(y.sub_(1, { alpha: 2 }), y);
  assert.is(y.mul_(f64([1, 0.5])), y);
  assert.equal(list(y), [9, 9.5, 299, 199.5]);
  assert.equal(list(f64([1, 2]).add_(f64([1, 1]), { alpha: 0.5 })), [1.5, 2.5]);
  assert.equal(list(f64([1, 2]).sub_(f64([1, 1]))), [0, 1]);
});

test('zero_, fill_ and copy_: values, broadcasting and dtype conversion, self returned, version bumped', () => {
  const x = f64([1, 2, 3, 4], [2, 2]);
  const v0 = x.version;
  assert.is(zero_(x), x);
  assert.equal(list(x), [0, 0, 0, 0]);
  assert.is(fill_(x, 7), x);
  assert.equal(list(x), [7, 7, 7, 7]);
  assert.is(copy_(x, f64([1, 2])), x);
  assert.equal(list(x), [1, 2, 1, 2]);
  copy_(x, f64([5, 6, 7, 8], [2, 2]));
  assert.equal(list(x), [5, 6, 7, 8]);
  assert.is(x.version, v0 + 4);
  assert.is(x.zero_(), x);
  assert.is(x.fill_(2), x);
  assert.is(x.copy_(f64([3], [1, 1])), x);
  assert.equal(list(x), [3, 3, 3, 3]);
  // float into int32 truncates toward zero, int32 into float is exact, float64 into float32 rounds
  const i = int([0, 0, 0]);
  copy_(i, f64([1.9, -1.9, 3]));
  assert.equal(list(i), [1, -1, 3]);
  const f = zeros([2]);
  copy_(f, int([3, -4]));
  assert.equal(list(f), [3, -4]);
  copy_(f, f64([0.1, 0.2]));
  assert.equal(list(f), [Math.fround(0.1), Math.fround(0.2)]);
  assert.equal(list(fill_(int([1, 2]), 2.7)), [2, 2]);
});

test('in-place ops on int32: integer operands work, fractional results are refused', () => {
  const i = int([1, 2, 3]);
  add_(i, 2);
  add_(i, int([1, 1, 1]), { alpha: 2 });
  mul_(i, 3);
  sub_(i, int([1, 2, 3]));
  assert.equal(list(i), [14, 16, 18]);
  assert.is(i.dtype, 'int32');
  assert.throws(() => add_(i, 0.5), /add_: result of other 0.5 is fractional and can't be written into self of dtype int32/);
  assert.throws(() => add_(i, f64([1, 1, 1])), /add_: result of other of dtype float64 is fractional and can't be written into self of dtype int32/);
  assert.throws(() => sub_(i, 1, { alpha: 0.5 }), /sub_: result of other 1 and alpha 0.5 is fractional/);
  assert.throws(() => mul_(i, 1.5), /mul_: result of other 1.5 is fractional/);
  assert.equal(list(i), [14, 16, 18]);
  // a float self accepts an int32 operand
  assert.equal(list(add_(f64([0.5]), int([2]))), [2.5]);
});

test('self keeps its shape: an operand that does not broadcast to it is refused', () => {
  const x = f64([1, 2, 3]);
  assert.throws(() => add_(x, f64([1, 2, 3, 4, 5, 6], [2, 3])), /add_: other of shape \[2, 3\] cannot be broadcast to self's shape \[3\]/);
  assert.throws(() => sub_(x, f64([1, 2])), /sub_: other of shape \[2\] cannot be broadcast to self's shape \[3\]/);
  assert.throws(() => mul_(x, f64([1, 2], [2, 1])), /mul_: other of shape \[2, 1\] cannot be broadcast to self's shape \[3\]/);
  assert.throws(() => copy_(x, f64([1, 2, 3, 4])), /copy_: src of shape \[4\] cannot be broadcast to self's shape \[3\]/);
  assert.equal(list(x), [1, 2, 3]);
  assert.is(x.version, 0);
});

test('bad argument types and options fail naming the op', () => {
  const x = f64([1, 2]);
  assert.throws(() => add_(x, 'a' as never), /add_: expected arguments .*got \(Tensor float64 \[2\], string\)/);
  assert.throws(() => add_(1 as never, x), /add_: expected arguments .*got \(number 1, Tensor float64 \[2\]\)/);
  assert.throws(() => add_(x, 1, { beta: 2 } as never), /add_: unknown option "beta" \(expected "alpha"\)/);
  assert.throws(() => sub_(x, 1, { alpha: '2' } as never), /sub_: alpha must be a number, got 2/);
  assert.throws(() => add_(x, 1, { alpha: NaN }), /add_: alpha must be a number, got NaN/);
  assert.throws(() => mul_(x, null as never), /mul_: expected arguments .*got \(Tensor float64 \[2\], null\)/);
  assert.throws(() => fill_(x, '1' as never), /fill_: expected arguments \(Tensor, number\), got \(Tensor float64 \[2\], string\)/);
  assert.throws(() => (zero_ as (...a: unknown[]) => Tensor)(x, 1), /zero_: expected arguments \(Tensor\), got \(Tensor float64 \[2\], number 1\)/);
  assert.throws(() => copy_(x, [1, 2] as never), /copy_: expected arguments \(Tensor, Tensor\), got \(Tensor float64 \[2\], Array\)/);
  assert.equal(list(x), [1, 2]);
});

test('a leaf that requires grad is refused while grad mode is on, and accepted inside noGrad', () => {
  const w = f64([1, 2]);
  w.requiresGrad = true;
  const message = /add_: a leaf tensor that requires grad \(shape \[2\]\) cannot be modified in place while grad mode is on; wrap the update in noGrad/;
  assert.throws(() => add_(w, 1), message);
  assert.throws(() => w.sub_(1), /sub_: a leaf tensor that requires grad/);
  assert.throws(() => mul_(w, 2), /mul_: a leaf tensor that requires grad/);
  assert.throws(() => zero_(w), /zero_: a leaf tensor that requires grad/);
  assert.throws(() => fill_(w, 0), /fill_: a leaf tensor that requires grad/);
  assert.throws(() => copy_(w, f64([0, 0])), /copy_: a leaf tensor that requires grad/);
  assert.equal(list(w), [1, 2]);
  noGrad(() => {
    w.add_(1);
    assert.throws(() => enableGrad(() => w.add_(1)), message);
  });
  assert.equal(list(w), [2, 3]);
  assert.ok(w.isLeaf && w.requiresGrad);
});

test('a non-leaf is refused while grad mode is on (naming its gradFn), accepted inside noGrad', () => {
  const w = f64([1, 2]);
  w.requiresGrad = true;
  const y = mul(w, 2);
  assert.throws(() => add_(y, 1), /add_: the output of mulBackward \(shape \[2\]\) is part of the graph and cannot be modified in place while grad mode is on/);
  assert.throws(() => y.zero_(), /zero_: the output of mulBackward/);
  noGrad(() => y.add_(1));
  assert.equal(list(y), [3, 5]);
  // a reshape of a leaf is a view produced by an op, so it is refused too
  assert.throws(() => w.reshape([2, 1]).fill_(0), /fill_: the output of reshapeBackward/);
});

test('tensors that do not require grad are modified freely in grad mode, and nothing is recorded', () => {
  const buffer = f64([1, 2]);
  const w = f64([3, 4]);
  w.requiresGrad = true;
  const detached = w.detach();
  // other requires grad: its values are read as if detached, the update is not recorded
  buffer.add_(w);
  assert.equal(list(buffer), [4, 6]);
  assert.is(buffer.requiresGrad, false);
  assert.is(buffer.gradFn, null);
  assert.is(buffer.isLeaf, true);
  // a detached tensor shares storage and version with w
  detached.mul_(2);
  assert.equal(list(w), [6, 8]);
  assert.is(w.version, 1);
  assert.is(w.grad, null);
});

test('self as its own operand, and views sharing storage and version', () => {
  const x = f64([1, 2, 3, 4]);
  x.add_(x);
  assert.equal(list(x), [2, 4, 6, 8]);
  x.mul_(x);
  assert.equal(list(x), [4, 16, 36, 64]);
  x.sub_(x, { alpha: 0.5 });
  assert.equal(list(x), [2, 8, 18, 32]);
  const v = x.reshape([2, 2]);
  const before = x.version;
  v.fill_(1);
  assert.equal(list(x), [1, 1, 1, 1]);
  assert.is(x.version, before + 1);
  assert.is(v.version, x.version);
});

test('an in-place change to a tensor saved for backward makes that backward refuse, naming the op', () => {
  const w = f64([1, 2]);
  w.requiresGrad = true;
  const x = f64([3, 4]);
  const y = sum(mul(w, x));
  x.mul_(2);
  assert.throws(() => y.backward(), /mul: a tensor saved for backward \(input of shape \[2\]\) was modified by an in-place operation after forward \(version 1, expected 0\)/);
  // exp saves its output: changing the output in place (inside noGrad) is caught too
  const e = exp(w);
  const loss = sum(e);
  noGrad(() => e.add_(1));
  assert.throws(() => loss.backward(), /exp: a tensor saved for backward .* was modified by an in-place operation/);
});

test('an optimizer-style step: backward, update inside noGrad, zero the gradient', () => {
  const w = f64([1, -2]);
  w.requiresGrad = true;
  sum(mul(w, w)).backward();
  assertClose(w.grad!, [2, -4]);
  noGrad(() => w.sub_(w.grad!, { alpha: 0.25 }));
  assert.equal(list(w), [0.5, -1]);
  w.grad!.zero_();
  assert.equal(list(w.grad!), [0, 0]);
  sum(mul(w, w)).backward();
  assertClose(w.grad!, [1, -2]);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, assertClose, tensor } from '@torchlet/core';
import { clipGradNorm_, clipGradValue_ } from '@torchlet/optim';

/** Two parameters with grads [3, -4] and [12], and one without a grad. */
function params(dtype: 'float32' | 'float64' = 'float64'): Tensor[] {
  const a = tensor([0, 0], { dtype, requiresGrad: true });
  const b = tensor([0], { dtype, requiresGrad: true });
  const c = tensor([0, 0, 0], { dtype, requiresGrad: true });
  a.grad = tensor([3, -4], { dtype });
  b.grad = tensor([12], { dtype });
  return [a, b, c];
}

const grads = (ps: Tensor[]) => ps.flatMap((p) => (p.grad ? Array.from(p.grad.data) : []));

test('clipGradNorm_ returns the joint norm of all gradients and scales them by maxNorm/(total + 1e-6)', () => {
  const ps = params();
  const total = clipGradNorm_(ps, 6.5);
  assert.is(total, 13); // sqrt(9 + 16 + 144)
  const scale = 6.5 / (13 + 1e-6);
  assertClose(grads(ps), [3 * scale, -4 * scale, 12 * scale], { atol: 1e-15 });
  assert.is(ps[2].grad, null);
  assertClose([clipGradNorm_(ps, 100)], [6.5], { atol: 1e-5 }); // the returned norm is the pre-clipping one
});

test('clipGradNorm_ leaves gradients alone when their norm is within maxNorm', () => {
  const ps = params('float32');
  const before = grads(ps);
  const version = ps[0].grad!.version;
  assert.is(clipGradNorm_(ps, 20), 13);
  assert.equal(grads(ps), before);
  assert.is(ps[0].grad!.version, version);
});

test('clipGradNorm_ supports other norm types: 1, 3 and Infinity', () => {
  assert.is(clipGradNorm_(params(), 100, 1), 19);
  assertClose([clipGradNorm_(params(), 100, 3)], [(27 + 64 + 1728) ** (1 / 3)], { atol: 1e-12 });
  const ps = params();
  assert.is(clipGradNorm_(ps, 6, Infinity), 12);
  const scale = 6 / (12 + 1e-6);
  assertClose(grads(ps), [3 * scale, -4 * scale, 12 * scale], { atol: 1e-15 });
  assert.is(ps[0].grad!.version, 1);
});

test('clipGradNorm_ takes a single tensor, returns 0 with no gradients, and can refuse a non-finite norm', () => {
  const [a] = params();
  assert.is(clipGradNorm_(a, 1), 5);
  assertClose(a.grad!, [3 / (5 + 1e-6), -4 / (5 + 1e-6)], { atol: 1e-15 });
  assert.is(clipGradNorm_([tensor([1], { requiresGrad: true })], 1), 0);
  const bad = params();
  bad[1].grad!.data[0] = NaN;
  assert.ok(Number.isNaN(clipGradNorm_(bad, 1, Infinity)));
  const infinite = params();
  infinite[0].grad!.data[0] = Infinity;
  assert.throws(
    () => clipGradNorm_(infinite, 1, 2, { errorIfNonfinite: true }),
    /clipGradNorm_: the total norm of order 2 of the gradients is Infinity; pass errorIfNonfinite: false to clip anyway/,
  );
});

test('clipGradValue_ clamps every gradient element into [-clipValue, clipValue]', () => {
  const ps = params('float32');
  clipGradValue_(ps, 3.5);
  assert.equal(grads(ps), [3, -3.5, 3.5]);
  assert.is(ps[2].grad, null);
  const [a] = params();
  clipGradValue_(a, 0);
  assert.equal(Array.from(a.grad!.data), [0, -0]);
});

test('gradient clipping rejects bad arguments', () => {
  assert.throws(() => clipGradNorm_(params(), -1), /clipGradNorm_: maxNorm must be a number >= 0, got number -1/);
  assert.throws(() => clipGradNorm_(params(), 1, 0), /clipGradNorm_: normType must be a number > 0 or Infinity, got number 0/);
  assert.throws(() => clipGradNorm_(3 as never, 1), /clipGradNorm_: parameters must be a Tensor or an iterable of Tensors, got number 3/);
  assert.throws(() => clipGradNorm_([params()[0], 'w'] as never, 1), /clipGradNorm_: parameter 1 is not a Tensor, got string/);
  assert.throws(() => clipGradValue_(params(), NaN), /clipGradValue_: clipValue must be a number >= 0, got number NaN/);
  assert.throws(() => clipGradValue_(null as never, 1), /clipGradValue_: parameters must be a Tensor or an iterable of Tensors, got null/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, Generator, add, assertClose, defineOp, empty, exp, gradcheck, mul, randn, relu, reshape, sum, tensor,
} from '@torchlet/core';

// The float32 fast paths of hot ops checked element by element against the plain loops they replace.

const gen = new Generator(77);

/** float32 values that exercise every branch of a bit-pattern rule: both zeros, infinities, NaNs of both signs, subnormals, extremes. */
function specialFloat32(): Float32Array {
  const values = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.17549435e-38, -1.17549435e-38, 3.4028235e38, -3.4028235e38, 1, -1]);
  const bits = new Int32Array(values.buffer);
  bits[4] = 0x7fc00000; // positive quiet NaN
  const withNegativeNaN = new Float32Array(values.length + 2);
  withNegativeNaN.set(values);
  const extra = new Int32Array(withNegativeNaN.buffer);
  extra[values.length] = 0xffc00000 | 0; // negative quiet NaN (what x86 produces for 0/0)
  extra[values.length + 1] = 0xff800001 | 0; // negative signalling-pattern NaN just above -Infinity
  return withNegativeNaN;
}

/** Random normal float32 data with the special values spread through it. */
function mixedFloat32(n: number): Float32Array {
  const out = randn([n], { generator: gen }).data as Float32Array;
  const special = specialFloat32();
  for (let i = 0; i < special.length; i++) out[(i * 7) % n] = special[i];
  return out;
}

/** Same value, or both NaN; +0 and -0 count as equal (relu may return +0 for -0, as PyTorch's max does). */
function sameNumber(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function assertSameElements(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!sameNumber(actual[i], expected[i])) assert.unreachable(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

const reluReference = (v: number) => (v < 0 ? 0 : v);

test('relu float32 forward matches the plain loop on random and special values', () => {
  const data = mixedFloat32(1000);
  const y = relu(new Tensor(data, [10, 100]));
  assert.is(y.dtype, 'float32');
  assertSameElements(y.data, Array.from(data, reluReference), 'relu');
  // negative numbers (and -0, -Infinity) become exactly +0; NaNs of either sign stay NaN, on both paths
  const one = specialFloat32();
  const special = new Float32Array(one.length * 20);
  for (let k = 0; k < 20; k++) special.set(one, k * one.length);
  const ys = relu(new Tensor(special, [special.length])).data;
  const small = relu(new Tensor(one, [one.length])).data;
  for (let i = 0; i < special.length; i++) {
    assert.ok(sameNumber(ys[i], small[i % one.length]) && Object.is(ys[i], 0) === Object.is(small[i % one.length], 0), `paths agree at ${i}`);
    if (Number.isNaN(special[i])) assert.ok(Number.isNaN(ys[i]), `NaN at ${i} passes through`);
    else if (special[i] <= 0) assert.ok(Object.is(ys[i], 0), `${special[i]} becomes +0`);
    else assert.is(ys[i], special[i]);
  }
});

test('relu float32 backward matches the plain loop: 0 where y <= 0, else g (NaN passes it, as in PyTorch)', () => {
  const data = mixedFloat32(600);
  const x = new Tensor(data.slice(), [600]);
  x.requiresGrad = true;
  const g = randn([600], { generator: gen });
  relu(x).backward(g);
  const expected = Array.from(data, (v, i) => (reluReference(v) <= 0 ? 0 : g.data[i]));
  assertSameElements(x.grad!.data, expected, 'relu grad');
  assert.ok(Object.is(data[7], -0) && Object.is(x.grad!.data[7], 0), 'gradient at -0 is +0'); // special value 1 sits at 1 * 7
});

test('relu float32 works on storage that is a view at an offset into a larger buffer', () => {
  const backing = mixedFloat32(400);
  const view = backing.subarray(5, 5 + 300);
  const x = new Tensor(view, [30, 10]);
  x.requiresGrad = true;
  const y = relu(x);
  assertSameElements(y.data, Array.from(view, reluReference), 'relu of a view');
  sum(y).backward();
  assertSameElements(x.grad!.data, Array.from(view, (v) => (reluReference(v) <= 0 ? 0 : 1)), 'relu grad of a view');
  assert.ok(y.data.buffer !== backing.buffer, 'output has its own storage');
});

test('relu float32 and float64 agree, and a float64 upstream gradient takes the general path', () => {
  const data = randn([3, 150], { generator: gen });
  const x32 = data.detach();
  x32.requiresGrad = true;
  const x64 = new Tensor(Float64Array.from(data.data), [3, 150]);
  x64.requiresGrad = true;
  const y32 = relu(x32);
  const y64 = relu(x64);
  assertSameElements(y32.data, Float32Array.from(y64.data), 'float32 vs float64');
  const g64 = randn([3, 150], { dtype: 'float64', generator: gen });
  y32.backward(g64);
  y64.backward(g64);
  assert.is(x32.grad!.dtype, 'float32');
  assertSameElements(x32.grad!.data, Float32Array.from(x64.grad!.data), 'grads');
});

// ---------- the tape sums a gradient with many consumers in place, into a buffer it allocated itself ----------

test('a tensor used many times gets the sum of all its gradients (the tape sums in place after the first sum)', () => {
  const x = randn([3, 4], { dtype: 'float64', generator: gen });
  x.requiresGrad = true;
  const h = exp(x);
  // h feeds five consumers; add(h, h) hands the very same gradient tensor to both of its inputs
  const y = sum(add(add(mul(h, 2), h), add(h, h))).add(sum(reshape(h, [12])));
  y.backward();
  const expected = Array.from(x.data, (v) => 6 * Math.exp(v));
  assertClose(x.grad!, expected, { rtol: 1e-14, atol: 0 });
});

test('gradcheck through fan-out: shared subexpressions used 2, 3 and 4 times', () => {
  for (const shape of [[5], [2, 3], [2, 1, 3]]) {
    const x = randn(shape, { dtype: 'float64', generator: gen });
    x.requiresGrad = true;
    const w = randn([shape[shape.length - 1]], { dtype: 'float64', generator: gen });
    w.requiresGrad = true;
    gradcheck((a: Tensor, b: Tensor) => {
      const h = mul(a, b); // broadcast: b's gradient is summed over the leading dims
      const k = exp(h);
      return sum(add(add(mul(k, h), add(k, k)), mul(h, h)));
    }, [x, w]);
  }
});

test('a summed gradient handed to a rule is no longer the tape\'s: add passes it on to both inputs unchanged', () => {
  const x = tensor([0.5, -1, 2], { dtype: 'float64', requiresGrad: true });
  const a = exp(x);
  const b = mul(x, x);
  const c = mul(a, 3); // runs after s's rule in backward, adding into a's pending gradient, which s shares with b
  const s = add(a, b);
  sum(s).add(sum(s)).add(sum(c)).backward();
  assertClose(x.grad!, Array.from(x.data, (v) => 5 * Math.exp(v) + 4 * v), { rtol: 1e-14, atol: 0 });
});

/** An op whose backward ignores g and returns the same user-held tensor every time: the tape must never write into it. */
function constantGradOp(constant: Tensor) {
  return defineOp({
    name: 'constantGrad',
    signatures: ['Tensor'],
    forward(_ctx, x: Tensor) {
      const out = empty(x.shape, x.dtype);
      out.data.set(x.data);
      return out;
    },
    backward() {
      return [constant];
    },
  });
}

test('gradients a rule returns are never written into, even when summed several times', () => {
  const k = tensor([1, 2, 3], { dtype: 'float64' });
  const op = constantGradOp(k);
  const x = tensor([0.5, -1, 2], { dtype: 'float64', requiresGrad: true });
  const h = exp(x);
  sum(add(add(op(h), op(h)), add(op(h), op(h)))).backward();
  assert.equal(Array.from(k.data), [1, 2, 3], 'the rule\'s tensor is unchanged');
  assertClose(x.grad!, Array.from(x.data, (v, i) => 4 * k.data[i] * Math.exp(v)), { rtol: 1e-14, atol: 0 });
});

test('a float32 gradient for a float64 input is cast once, then summed in place', () => {
  const k = tensor([1, 2, 3]); // float32: each use is cast to the input's float64
  const op = constantGradOp(k);
  const x = tensor([0.5, -1, 2], { dtype: 'float64', requiresGrad: true });
  const h = exp(x);
  sum(add(add(op(h), op(h)), op(h))).backward();
  assert.is(x.grad!.dtype, 'float64');
  assert.equal(Array.from(k.data), [1, 2, 3]);
  assertClose(x.grad!, Array.from(x.data, (v, i) => 3 * k.data[i] * Math.exp(v)), { rtol: 1e-14, atol: 0 });
});

test('a user-given seed gradient and retained gradients are left as they were', () => {
  const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const h = exp(x).retainGrad();
  const y = add(add(h, h), h);
  const seed = tensor([1, 10], { dtype: 'float64' });
  y.backward(seed);
  assert.equal(Array.from(seed.data), [1, 10]);
  assert.equal(Array.from(h.grad!.data), [3, 30]);
  assertClose(x.grad!, [3 * Math.E, 30 * Math.exp(2)], { rtol: 1e-14, atol: 0 });
});

// ---------- allocation ----------

test('empty allocates zero-filled storage of each dtype and names an unknown dtype', () => {
  for (const dtype of ['float32', 'float64', 'int32', 'bool'] as const) {
    const t = empty([2, 3], dtype);
    assert.is(t.dtype, dtype);
    assert.equal(Array.from(t.data), [0, 0, 0, 0, 0, 0]);
  }
  assert.throws(() => empty([2], 'float16' as never), /allocate: unknown dtype "float16" \(expected bool, int32, float32 or float64\)/);
});

test.run();

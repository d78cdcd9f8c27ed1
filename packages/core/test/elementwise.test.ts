import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, randn, Generator, gradcheck, assertClose, noGrad,
  exp, log, sqrt, abs, pow, clamp, relu, leakyRelu, sigmoid, tanh, gelu, softplus,
  maximum, minimum, where, eq, ne, gt, ge, lt, le, add, sum, mul,
} from '@torchlet/core';

const gen = new Generator(1234);
const SHAPES: number[][] = [[], [5], [3, 4], [2, 3, 2]];

/** A float64 leaf requiring grad with standard normal values passed through `transform`. */
function input(shape: readonly number[], transform: (v: number) => number = (v) => v): Tensor {
  const t = randn(shape, { dtype: 'float64', generator: gen });
  for (let i = 0; i < t.data.length; i++) t.data[i] = transform(t.data[i]);
  t.requiresGrad = true;
  return t;
}

const positive = (v: number) => Math.abs(v) + 0.1;
const awayFromZero = (v: number) => (v >= 0 ? v + 0.1 : v - 0.1);
const f32 = (values: number[], shape?: number[]) => tensor(values, shape ? { shape } : {});
const f64 = (values: number[], shape?: number[]) => tensor(values, { dtype: 'float64', ...(shape ? { shape } : {}) });
const list = (t: Tensor) => Array.from(t.data);
const F32 = { rtol: 1e-6, atol: 1e-7 };
const EXACT = { rtol: 1e-14, atol: 1e-15 };

/** The gradient of x after backward of sum(fn(x)): the op's derivative elementwise. */
function derivative(fn: (x: Tensor) => Tensor, values: number[]): number[] {
  const x = f64(values);
  x.requiresGrad = true;
  sum(fn(x)).backward();
  return list(x.grad!);
}

// ---------- forward values against Math.* in both float dtypes ----------

const unaryCases: [string, (x: Tensor) => Tensor, (v: number) => number, (v: number) => number][] = [
  ['exp', exp, Math.exp, (v) => v],
  ['log', log, Math.log, positive],
  ['sqrt', sqrt, Math.sqrt, positive],
  ['abs', abs, Math.abs, (v) => v],
  ['relu', relu, (v) => Math.max(v, 0), (v) => v],
  ['sigmoid', sigmoid, (v) => 1 / (1 + Math.exp(-v)), (v) => v],
  ['tanh', tanh, Math.tanh, (v) => v],
];

for (const [name, op, reference, domain] of unaryCases) {
  test(`${name}: forward matches Math in float32 and float64, and is a Tensor method`, () => {
    const x64 = input([3, 4], domain).detach();
    const expected = list(x64).map(reference);
    const y64 = op(x64);
    assert.is(y64.dtype, 'float64');
    assert.equal(y64.shape, [3, 4]);
    assertClose(y64, expected, EXACT);
    const x32 = x64.float();
    const y32 = op(x32);
    assert.is(y32.dtype, 'float32');
    assertClose(y32, list(x32).map(reference), F32);
    const method = (x64 as unknown as Record<string, () => Tensor>)[name].call(x64);
    assertClose(method, expected, EXACT);
  });

  test(`${name}: gradcheck in float64 on several shapes`, () => {
    // away from 0: the kinks of abs and relu, and the poles of log and sqrt
    for (const shape of SHAPES) gradcheck(op, [input(shape, (v) => awayFromZero(domain(v)))]);
  });
}

test('unary ops on int32: exp/log/sqrt/sigmoid/tanh/gelu/softplus/leakyRelu give float32; abs and relu stay int32', () => {
  const x = tensor([-2, 0, 3], { dtype: 'int32' });
  for (const op of [exp, sqrt, log, sigmoid, tanh, gelu, softplus, leakyRelu]) assert.is(op(x).dtype, 'float32');
  assertClose(exp(x), [Math.exp(-2), 1, Math.exp(3)], F32);
  assert.is(abs(x).dtype, 'int32');
  assert.equal(list(abs(x)), [2, 0, 3]);
  assert.is(relu(x).dtype, 'int32');
  assert.equal(list(relu(x)), [0, 0, 3]);
  assertClose(leakyRelu(x, 0.5), [-1, 0, 3]);
});

test('exp/log/sqrt at special points give what Math gives (inf, nan), with no exception outside detectAnomaly', () => {
  const y = log(f64([0, -1, 1]));
  assert.equal(list(y), [-Infinity, NaN, 0]);
  assert.equal(list(sqrt(f64([-1, 0, 4]))), [NaN, 0, 2]);
  assert.equal(list(exp(f64([1000, -1000]))), [Infinity, 0]);
});

test('sigmoid is stable at large |x| and its gradient is y(1-y)', () => {
  const y = sigmoid(f64([-1000, -40, 0, 40, 1000]));
  assert.equal(list(y).map(Number.isFinite), [true, true, true, true, true]);
  assert.is(y.data[0], 0);
  assert.is(y.data[2], 0.5);
  assert.is(y.data[4], 1);
  assertClose([y.data[1]], [Math.exp(-40) / (1 + Math.exp(-40))], EXACT);
  const v = [-2, 0.5, 3];
  const s = v.map((t) => 1 / (1 + Math.exp(-t)));
  assertClose(derivative(sigmoid, v), s.map((t) => t * (1 - t)), EXACT);
  assertClose(derivative(tanh, v), v.map((t) => 1 - Math.tanh(t) ** 2), EXACT);
  assertClose(derivative(exp, v), v.map(Math.exp), EXACT);
  assertClose(derivative(log, [0.5, 2]), [2, 0.5], EXACT);
  assertClose(derivative(sqrt, [4, 0.25]), [0.25, 1], EXACT);
});

test('relu has gradient 0 at 0 and passes NaN through; abs has gradient sign(x) with 0 at 0', () => {
  assert.equal(list(relu(f64([NaN, -1, 2]))), [NaN, 0, 2]);
  assert.equal(derivative(relu, [-1, 0, 2]), [0, 0, 1]);
  assert.equal(derivative(abs, [-1, 0, 2]), [-1, 0, 1]);
});

// ---------- leakyRelu ----------

test('leakyRelu: default slope 0.01, custom slope, gradient slope at 0, method, gradcheck', () => {
  const x = f64([-2, 0, 3]);
  assertClose(leakyRelu(x), [-0.02, 0, 3], EXACT);
  assertClose(leakyRelu(x, 0.2), [-0.4, 0, 3], EXACT);
  assertClose(x.leakyRelu(0.2), [-0.4, 0, 3], EXACT);
  assertClose(x.leakyRelu(), [-0.02, 0, 3], EXACT);
  assertClose(leakyRelu(x, undefined), [-0.02, 0, 3], EXACT);
  assertClose(derivative((t) => leakyRelu(t, 0.2), [-2, 0, 3]), [0.2, 0.2, 1], EXACT);
  for (const shape of SHAPES) gradcheck((t) => leakyRelu(t, 0.3), [input(shape, awayFromZero)]);
  assert.throws(() => leakyRelu(x, NaN), /leakyRelu: negativeSlope must be a number, got NaN/);
  assert.throws(() => leakyRelu(x, '0.1' as never), /leakyRelu: expected arguments .*got \(Tensor float64 \[3\], string\)/);
});

// ---------- pow ----------

test('pow: forward with number and tensor exponents (broadcast), number base, int32 rules', () => {
  const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
  assertClose(pow(x, 2), [1, 4, 9, 16, 25, 36], EXACT);
  assertClose(x.pow(0.5), [1, 2, 3, 4, 5, 6].map(Math.sqrt), EXACT);
  const e = f64([1, 2, 3]);
  const y = pow(x, e);
  assert.equal(y.shape, [2, 3]);
  assertClose(y, [1, 4, 27, 4, 25, 216], EXACT);
  const col = f64([2, 3], [2, 1]);
  assert.equal(pow(col, e).shape, [2, 3]);
  assertClose(pow(col, e), [2, 4, 8, 3, 9, 27], EXACT);
  assertClose(pow(2, e), [2, 4, 8], EXACT);
  const xi = tensor([1, 2, 3], { dtype: 'int32' });
  assert.is(pow(xi, 2).dtype, 'int32');
  assert.equal(list(pow(xi, 2)), [1, 4, 9]);
  assert.is(pow(xi, 0.5).dtype, 'float32');
  assertClose(pow(xi, 0.5), [1, Math.SQRT2, Math.sqrt(3)], F32);
  assert.is(pow(x.float(), 2).dtype, 'float32');
  assert.throws(() => pow(xi, -1), /pow: integers to negative integer powers are not allowed \(exponent -1\)/);
  assert.throws(() => pow(xi, tensor([1, -2, 1], { dtype: 'int32' })), /pow: integers to negative integer powers/);
  assertClose(pow(xi.float(), -1), [1, 0.5, 1 / 3], F32);
  assert.throws(() => pow(x, f64([1, 2])), /pow: shapes \[2, 3\] and \[2\] cannot be broadcast together/);
  assert.throws(() => pow(x, 'a' as never), /pow: expected arguments .*\(Tensor, Tensor\).*got \(Tensor float64 \[2, 3\], string\)/);
});

test('pow: gradients to base and exponent by hand, with PyTorch conventions at 0', () => {
  const x = f64([2, 3]);
  x.requiresGrad = true;
  const e = f64([3, 0.5]);
  e.requiresGrad = true;
  sum(pow(x, e)).backward();
  assertClose(x.grad!, [3 * 4, 0.5 / Math.sqrt(3)], EXACT);
  assertClose(e.grad!, [8 * Math.log(2), Math.sqrt(3) * Math.log(3)], EXACT);
  // exponent 0: d/dx is 0 (not 0·0^-1 = NaN); base 0 with e >= 0: d/de is 0 (not 0·log 0 = NaN)
  const z = f64([0, 0, 5]);
  z.requiresGrad = true;
  const p = f64([0, 2, 0]);
  p.requiresGrad = true;
  sum(pow(z, p)).backward();
  assert.equal(list(z.grad!), [0, 0, 0]);
  assert.equal(list(p.grad!), [0, 0, Math.log(5)]);
});

test('pow: gradcheck with number exponents, tensor exponents and broadcasting', () => {
  for (const shape of SHAPES) {
    gradcheck((t) => pow(t, 3), [input(shape)]);
    gradcheck((t) => pow(t, -1.5), [input(shape, positive)]);
    gradcheck((a, b) => pow(a, b), [input(shape, positive), input(shape)]);
  }
  gradcheck((a, b) => pow(a, b), [input([3, 1], positive), input([4])]);
  gradcheck((a, b) => pow(a, b), [input([2, 3, 4], positive), input([3, 1])]);
  gradcheck((b) => pow(1.7, b), [input([2, 3])]);
  // only the base requires grad: the exponent's gradient is not computed
  gradcheck((a) => pow(a, f64([1, 2, 3, 0.5])), [input([2, 4], positive)]);
});

// ---------- clamp ----------

test('clamp: positional and options forms, one-sided, min > max gives max, NaN passes through', () => {
  const x = f64([-3, -1, 0, 1, 3, NaN]);
  const both = [-2, -1, 0, 1, 2, NaN];
  assert.equal(list(clamp(x, -2, 2)), both);
  assert.equal(list(clamp(x, { min: -2, max: 2 })), both);
  assert.equal(list(x.clamp(-2, 2)), both);
  assert.equal(list(x.clamp({ min: -2, max: 2 })), both);
  assert.equal(list(clamp(x, 0)), [0, 0, 0, 1, 3, NaN]);
  assert.equal(list(clamp(x, { max: 0 })), [-3, -1, 0, 0, 0, NaN]);
  assert.equal(list(clamp(x, null, 0)), [-3, -1, 0, 0, 0, NaN]);
  assert.equal(list(x.clamp(undefined, 0)), [-3, -1, 0, 0, 0, NaN]);
  assert.equal(list(clamp(x, 1, -1)), [-1, -1, -1, -1, -1, NaN]);
  assert.is(clamp(x.float(), 0).dtype, 'float32');
});

test('clamp: int32 stays int32 with integer bounds and becomes float32 with fractional ones', () => {
  const xi = tensor([-3, 0, 3], { dtype: 'int32' });
  assert.is(clamp(xi, -1, 1).dtype, 'int32');
  assert.equal(list(clamp(xi, -1, 1)), [-1, 0, 1]);
  const y = clamp(xi, { min: -1.5 });
  assert.is(y.dtype, 'float32');
  assert.equal(list(y), [-1.5, 0, 3]);
});

test('clamp: gradient 1 inside [min, max] with the bounds included, 0 outside; gradcheck', () => {
  assert.equal(derivative((t) => clamp(t, -1, 2), [-3, -1, 0.5, 2, 3]), [0, 1, 1, 1, 0]);
  assert.equal(derivative((t) => clamp(t, { min: 0 }), [-1, 0, 5]), [0, 1, 1]);
  assert.equal(derivative((t) => clamp(t, 1, -1), [-2, 0, 2]), [0, 0, 0]);
  // values kept away from the bounds ±0.5, where the derivative jumps
  const away = (v: number) => (Math.abs(Math.abs(v) - 0.5) < 0.05 ? v + 0.1 : v);
  for (const shape of SHAPES) {
    gradcheck((t) => clamp(t, -0.5, 0.5), [input(shape, away)]);
    gradcheck((t) => clamp(t, { max: 0.5 }), [input(shape, away)]);
  }
});

test('clamp: errors name the op', () => {
  const x = f64([1]);
  assert.throws(() => clamp(x, {}), /clamp: at least one of 'min' or 'max' must be given/);
  assert.throws(() => clamp(x, null, null), /clamp: at least one of 'min' or 'max' must be given/);
  assert.throws(() => clamp(x, { min: '1' } as never), /clamp: min must be a number, got 1/);
  assert.throws(() => clamp(x, { minimum: 0 } as never), /clamp: unknown option "minimum" \(expected "min", "max"\)/);
  assert.throws(() => clamp(x, 0, NaN), /clamp: max must be a number, got NaN/);
  assert.throws(() => clamp(x, 'a' as never), /clamp: expected arguments \(Tensor.*\) or .*got \(Tensor float64 \[1\], string\)/);
  assert.throws(() => (clamp as unknown as (x: Tensor) => Tensor)(x), /clamp: expected arguments/);
});

// ---------- gelu ----------

/** erf by its Maclaurin series: a slow reference, accurate to about 1e-13 for |z| <= 3 (its terms cancel). */
function referenceErf(z: number): number {
  let term = z;
  let s = z;
  for (let n = 1; n < 200; n++) {
    term *= (-z * z) / n;
    s += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * s;
}

test('gelu: exact form against reference values (computed to 30 digits) and a series erf', () => {
  const points: [number, number][] = [
    [-6, -5.9195258702261888e-9], [-3.5, -0.00081420177662433763], [-2.9, -0.0054108585711137114],
    [-1, -0.15865525393145705], [-0.3, -0.11462657334331421], [0, 0], [0.5, 0.34573123063700655],
    [1.7, 1.6242387133104768], [2.9, 2.8945891414288862], [4, 3.9998733150326675], [7, 6.9999999999910413],
  ];
  const y = gelu(f64(points.map((p) => p[0])));
  assertClose(y, points.map((p) => p[1]), { rtol: 1e-13, atol: 0 });
  const xs = Array.from({ length: 41 }, (_, i) => -4 + i * 0.2);
  const expected = xs.map((v) => 0.5 * v * (1 + referenceErf(v / Math.SQRT2)));
  assertClose(gelu(f64(xs)), expected, { rtol: 1e-12, atol: 1e-13 });
  assertClose(gelu(f64(xs).float()), expected, F32);
  assertClose(f64(xs).gelu(), expected, { rtol: 1e-12, atol: 1e-13 });
  assert.is(gelu(f64([Infinity])).data[0], Infinity);
  assert.ok(Number.isNaN(gelu(f64([NaN])).data[0]));
});

test('gelu: tanh approximation against its formula', () => {
  const xs = [-3, -1, -0.2, 0, 0.7, 2, 5];
  const c = Math.sqrt(2 / Math.PI);
  const expected = xs.map((v) => 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v ** 3))));
  assertClose(gelu(f64(xs), { approximate: 'tanh' }), expected, EXACT);
  assertClose(f64(xs).gelu({ approximate: 'tanh' }), expected, EXACT);
  assertClose(gelu(f64(xs), { approximate: 'none' }), gelu(f64(xs)), EXACT);
  assertClose(gelu(f64(xs), undefined), gelu(f64(xs)), EXACT);
  assertClose(softplus(f64(xs), undefined), softplus(f64(xs), {}), EXACT);
});

test('gelu: gradient by hand and gradcheck in both forms', () => {
  const phi = (v: number) => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
  const Phi = (v: number) => 0.5 * (1 + referenceErf(v / Math.SQRT2));
  const v = [-2, -0.5, 0, 1.5];
  assertClose(derivative(gelu, v), v.map((t) => Phi(t) + t * phi(t)), { rtol: 1e-12, atol: 1e-14 });
  for (const shape of SHAPES) {
    gradcheck((t) => gelu(t), [input(shape, (t) => 2.5 * t)]);
    gradcheck((t) => gelu(t, { approximate: 'tanh' }), [input(shape, (t) => 2.5 * t)]);
  }
});

test('gelu: option errors', () => {
  const x = f64([1]);
  assert.throws(() => gelu(x, { approximate: 'fast' as never }), /gelu: approximate must be 'none' or 'tanh', got "fast"/);
  assert.throws(() => gelu(x, { approx: 'tanh' } as never), /gelu: unknown option "approx" \(expected "approximate"\)/);
  assert.throws(() => gelu(x, 'tanh' as never), /gelu: expected arguments \(Tensor\) or \(Tensor, Object\).*got \(Tensor float64 \[1\], string\)/);
});

// ---------- softplus ----------

test('softplus: log(1 + exp(beta x)) / beta, linear above the threshold, stable for large negative x', () => {
  const xs = [-50, -2, 0, 1, 10, 25];
  assertClose(softplus(f64(xs)), xs.map((v) => (v > 20 ? v : Math.log(1 + Math.exp(v)))), EXACT);
  assertClose(softplus(f64(xs), { beta: 2 }), xs.map((v) => (2 * v > 20 ? v : Math.log(1 + Math.exp(2 * v)) / 2)), EXACT);
  // threshold 1: x = 1 is not above it (log form), x = 10 is (linear)
  assertClose(softplus(f64(xs), { threshold: 1 }), xs.map((v) => (v > 1 ? v : Math.log(1 + Math.exp(v)))), EXACT);
  assert.is(softplus(f64([-800])).data[0], 0);
  assertClose(f64(xs).softplus({ beta: 0.5 }), xs.map((v) => Math.log(1 + Math.exp(v / 2)) * 2), EXACT);
  assertClose(softplus(f64(xs).float()), xs.map((v) => (v > 20 ? v : Math.log(1 + Math.exp(v)))), F32);
});

test('softplus: gradient sigmoid(beta x) below the threshold and 1 above; gradcheck', () => {
  const xs = [-3, 0, 2, 30];
  const s = (v: number) => 1 / (1 + Math.exp(-v));
  assertClose(derivative(softplus, xs), [s(-3), 0.5, s(2), 1], EXACT);
  assertClose(derivative((t) => softplus(t, { beta: 3, threshold: 5 }), xs), [s(-9), 0.5, 1, 1], EXACT);
  assertClose(derivative(softplus, [-800]), [0], EXACT);
  for (const shape of SHAPES) {
    gradcheck((t) => softplus(t), [input(shape, (v) => 3 * v)]);
    gradcheck((t) => softplus(t, { beta: 2, threshold: 2 }), [input(shape, (v) => (Math.abs(2 * v - 2) < 0.05 ? v + 0.1 : v))]);
  }
});

test('softplus: option errors', () => {
  const x = f64([1]);
  assert.throws(() => softplus(x, { beta: 'x' } as never), /softplus: beta must be a number, got x/);
  assert.throws(() => softplus(x, { threshold: NaN }), /softplus: threshold must be a number, got NaN/);
  assert.throws(() => softplus(x, { alpha: 1 } as never), /softplus: unknown option "alpha" \(expected "beta", "threshold"\)/);
});

test('unary ops reject non-tensors, naming the op', () => {
  assert.throws(() => exp(2 as never), /exp: expected arguments \(Tensor\), got \(number 2\)/);
  assert.throws(() => log([1] as never), /log: expected arguments \(Tensor\), got \(Array\)/);
  assert.throws(() => relu(null as never), /relu: expected arguments \(Tensor\), got \(null\)/);
  assert.throws(() => (sigmoid as (...a: unknown[]) => Tensor)(f64([1]), 2), /sigmoid: expected arguments \(Tensor\), got \(Tensor float64 \[1\], number 2\)/);
});

// ---------- maximum / minimum ----------

/** Naive broadcasting reference for two operands of shapes [r, 1] and [c] (result [r, c]). */
function outer(a: number[], b: number[], f: (x: number, y: number) => number): number[] {
  return a.flatMap((x) => b.map((y) => f(x, y)));
}

test('maximum/minimum: forward with broadcasting, numbers, NaN propagation and dtype promotion', () => {
  const a = [-1, 2, 5];
  const b = [0, 3];
  const A = f64(a, [3, 1]);
  const B = f64(b);
  assert.equal(maximum(A, B).shape, [3, 2]);
  assert.equal(list(maximum(A, B)), outer(a, b, Math.max));
  assert.equal(list(minimum(A, B)), outer(a, b, Math.min));
  assert.equal(list(A.maximum(B)), outer(a, b, Math.max));
  assert.equal(list(A.minimum(B)), outer(a, b, Math.min));
  assert.equal(list(maximum(A, 1)), [1, 2, 5]);
  assert.equal(list(minimum(1, A)), [-1, 1, 1]);
  const n = maximum(f64([NaN, 1]), f64([0, NaN]));
  assert.ok(Number.isNaN(n.data[0]) && Number.isNaN(n.data[1]));
  assert.ok(Number.isNaN(minimum(f64([NaN]), 1).data[0]));
  const ai = tensor([1, 5], { dtype: 'int32' });
  assert.is(maximum(ai, tensor([2, 2], { dtype: 'int32' })).dtype, 'int32');
  assert.is(maximum(ai, f64([2, 2])).dtype, 'float64');
  assert.is(maximum(ai.float(), 2.5).dtype, 'float32');
  assert.throws(() => maximum(f64([1, 2]), f64([1, 2, 3])), /maximum: shapes \[2\] and \[3\] cannot be broadcast together/);
  assert.throws(() => minimum(1 as never, 2 as never), /minimum: expected arguments .*got \(number 1, number 2\)/);
});

test('maximum/minimum: gradient to the chosen operand, split half/half on ties (PyTorch)', () => {
  const a = f64([1, 5, 3]);
  const b = f64([2, 4, 3]);
  a.requiresGrad = true;
  b.requiresGrad = true;
  sum(maximum(a, b)).backward();
  assert.equal(list(a.grad!), [0, 1, 0.5]);
  assert.equal(list(b.grad!), [1, 0, 0.5]);
  a.grad = null;
  b.grad = null;
  sum(minimum(a, b)).backward();
  assert.equal(list(a.grad!), [1, 0, 0.5]);
  assert.equal(list(b.grad!), [0, 1, 0.5]);
  // broadcast: b of shape [] is compared with each element and collects every share it wins
  const c = f64([1, 2, 2, 3]);
  c.requiresGrad = true;
  const s = f64([2]).reshape([]);
  s.requiresGrad = true;
  sum(maximum(c, s)).backward();
  assert.equal(list(c.grad!), [0, 0.5, 0.5, 1]);
  assert.equal(list(s.grad!), [2]);
});

test('maximum/minimum: gradcheck on several shapes with broadcasting', () => {
  // distinct values: no ties, where the gradient is not differentiable
  const pairs: [number[], number[]][] = [[[], []], [[5], [5]], [[3, 4], [4]], [[3, 1], [1, 4]], [[2, 3, 2], [3, 1]], [[4], []]];
  for (const [sa, sb] of pairs) {
    gradcheck(maximum, [input(sa), input(sb)]);
    gradcheck(minimum, [input(sa), input(sb)]);
  }
  gradcheck((t) => maximum(t, 0.3), [input([3, 4])]);
  gradcheck((t) => minimum(-0.2, t), [input([3, 4])]);
});

// ---------- where ----------

test('where: selects by a nonzero condition, broadcasting condition, input and other; numbers allowed', () => {
  const cond = tensor([1, 0, 0, 2], { dtype: 'int32' });
  const a = f64([1, 2, 3, 4]);
  const b = f64([-1, -2, -3, -4]);
  assert.equal(list(where(cond, a, b)), [1, -2, -3, 4]);
  assert.equal(list(a.where(cond, b)), [1, -2, -3, 4]);
  assert.equal(list(where(cond, a, 0)), [1, 0, 0, 4]);
  assert.equal(list(where(cond, 9, b)), [9, -2, -3, 9]);
  assert.is(where(cond, a, 0).dtype, 'float64');
  const n = where(cond, 1, 0);
  assert.is(n.dtype, 'int32');
  assert.equal(list(n), [1, 0, 0, 1]);
  assert.is(where(cond, 1.5, 0).dtype, 'float32');
  assert.is(where(cond, tensor([1, 2, 3, 4], { dtype: 'int32' }), 0.5).dtype, 'float32');
  // float condition: NaN and negative numbers are nonzero (true), -0 is zero
  assert.equal(list(where(f64([NaN, -0, -2, 0]), a, b)), [1, -2, 3, -4]);
  // three-way broadcast: condition [2, 1, 1], input [3, 1], other [4] -> [2, 3, 4]
  const c3 = tensor([1, 0], { shape: [2, 1, 1], dtype: 'int32' });
  const x3 = f64([10, 20, 30], [3, 1]);
  const y3 = f64([1, 2, 3, 4]);
  const out = where(c3, x3, y3);
  assert.equal(out.shape, [2, 3, 4]);
  const expected: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expected.push(i === 0 ? (j + 1) * 10 : k + 1);
  assert.equal(list(out), expected);
  assert.throws(() => where(f64([1, 0, 1]), a, b), /where: condition \[3\], input \[4\] and other \[4\] cannot be broadcast together/);
  assert.throws(() => where(cond, f64([1, 2]), b), /where: condition \[4\], input \[2\] and other \[4\] cannot be broadcast together/);
  assert.throws(() => where(1 as never, a, b), /where: expected arguments .*got \(number 1, Tensor float64 \[4\], Tensor float64 \[4\]\)/);
});

test('where: gradient goes to input where the condition holds and to other elsewhere; the condition gets none', () => {
  const cond = f64([1, 0, 1]);
  cond.requiresGrad = true;
  const a = f64([1, 2, 3]);
  a.requiresGrad = true;
  const b = f64([4]);
  b.requiresGrad = true;
  const y = where(cond, a, b);
  assert.is(y.gradFn, 'whereBackward');
  sum(mul(y, f64([1, 10, 100]))).backward();
  assert.equal(list(a.grad!), [1, 0, 100]);
  assert.equal(list(b.grad!), [10]);
  assert.is(cond.grad, null);
  // only the condition requires grad: nothing to record
  assert.is(where(cond, f64([1, 2, 3]), 0).requiresGrad, false);
});

test('where: gradcheck with broadcasting among condition, input and other', () => {
  const cases: [number[], number[], number[]][] = [[[5], [5], [5]], [[3, 4], [4], [3, 1]], [[2, 1, 1], [3, 1], [4]], [[], [2, 3], [2, 3]]];
  for (const [sc, sa, sb] of cases) {
    const cond = gt(randn(sc, { generator: gen }), 0);
    gradcheck((a, b) => where(cond, a, b), [input(sa), input(sb)]);
    gradcheck((a) => where(cond, a, 0.5), [input(sa)]);
    gradcheck((b) => where(cond, -1, b), [input(sb)]);
  }
});

// ---------- comparisons ----------

const comparisons: [string, (a: Tensor | number, b: Tensor | number) => Tensor, (x: number, y: number) => boolean][] = [
  ['eq', eq, (x, y) => x === y],
  ['ne', ne, (x, y) => x !== y],
  ['gt', gt, (x, y) => x > y],
  ['ge', ge, (x, y) => x >= y],
  ['lt', lt, (x, y) => x < y],
  ['le', le, (x, y) => x <= y],
];

for (const [name, op, reference] of comparisons) {
  test(`${name}: bool with broadcasting and number operands, never requiring grad`, () => {
    const a = [1, 2, 3, NaN];
    const b = [2, 3];
    const A = f64(a, [4, 1]);
    A.requiresGrad = true;
    const B = f64(b).float();
    const y = op(A, B);
    assert.is(y.dtype, 'bool');
    assert.equal(y.shape, [4, 2]);
    assert.equal(list(y), outer(a, b, (x, z) => (reference(x, z) ? 1 : 0)));
    assert.is(y.requiresGrad, false);
    assert.is(y.gradFn, null);
    assert.equal(list(op(A, 2)), a.map((x) => (reference(x, 2) ? 1 : 0)));
    assert.equal(list(op(2, A)), a.map((x) => (reference(2, x) ? 1 : 0)));
    const method = (A as unknown as Record<string, (o: number) => Tensor>)[name].call(A, 2);
    assert.equal(list(method), a.map((x) => (reference(x, 2) ? 1 : 0)));
    const ints = tensor([1, 2, 3], { dtype: 'int32' });
    assert.equal(list(op(ints, 2)), [1, 2, 3].map((x) => (reference(x, 2) ? 1 : 0)));
    assert.throws(() => op(f64([1, 2]), f64([1, 2, 3])), new RegExp(`${name}: shapes \\[2\\] and \\[3\\] cannot be broadcast together`));
    assert.throws(() => op(f64([1]), 'x' as never), new RegExp(`${name}: expected arguments .*\\(Tensor, Tensor\\).*got \\(Tensor float64 \\[1\\], string\\)`));
  });
}

test('comparisons against a float32 tensor use the float32 value of a number operand, as PyTorch', () => {
  assert.equal(list(eq(f32([0.1, 0.2]), 0.1)), [1, 0]);
});

test('comparisons make masks that combine with arithmetic', () => {
  const x = f64([-2, -1, 0, 1, 2]);
  const mask = gt(x, 0);
  assertClose(mul(x, mask), [0, 0, 0, 1, 2]);
  assertClose(add(x, le(x, 0)), [-1, 0, 1, 1, 2]);
  noGrad(() => assert.equal(list(ge(x, x)), [1, 1, 1, 1, 1]));
});

test('a number operand is a 0-d tensor of exactly that value: -0 keeps its sign, NaN stays NaN', () => {
  const x = tensor([1, -2], { dtype: 'float64' });
  assert.ok(Object.is(mul(x, -0).data[0], -0) && Object.is(mul(x, -0).data[1], 0));
  assert.ok(Object.is(add(tensor([-0], { dtype: 'float64' }), -0).data[0], -0));
  assert.ok(Number.isNaN(add(x, NaN).data[1]));
});

test.run();

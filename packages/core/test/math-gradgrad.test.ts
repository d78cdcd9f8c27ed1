import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { Generator, type Tensor, grad, gradgradcheck, tensor } from '@torchlet/core';

// Issue 13's math ops to the second order: gradgradcheck (finite differences of the createGraph gradients, in
// float64) for every differentiable op of ops/trig.ts, elementwise-math.ts, activations-more.ts, reductions-more.ts,
// cumulative.ts and sort.ts, on small seeded shapes away from kinks and domain edges.

const gen = new Generator(1313);
function leaf(shape: number[], lo = -2, hi = 2, gap = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, () => {
    const v = lo + (hi - lo) * gen.random();
    // pushed off the kink by a random amount, so that no two values tie (a tie is a kink of amax and the inf-norm)
    return Math.abs(v) < gap ? Math.sign(v || 1) * (gap + 0.3 * gen.random()) : v;
  });
  return tensor(values, { shape, dtype: 'float64', requiresGrad: true });
}

type Fn = (...xs: Tensor[]) => Tensor;
const op = (name: string) => core[name as keyof typeof core] as unknown as Fn;

/** Each op with inputs inside its domain; `gap` keeps values off a kink at 0. */
const unary: Record<string, [number, number, number?]> = {
  sin: [-3, 3], cos: [-3, 3], tan: [-1.2, 1.2], asin: [-0.8, 0.8], acos: [-0.8, 0.8], atan: [-3, 3], sinh: [-2, 2], cosh: [-2, 2],
  asinh: [-3, 3], acosh: [1.2, 4], atanh: [-0.8, 0.8], log1p: [-0.7, 3], expm1: [-2, 2], log2: [0.2, 4], log10: [0.2, 4],
  exp2: [-2, 2], rsqrt: [0.3, 4], reciprocal: [0.4, 3], square: [-2, 2], erf: [-2.5, 2.5], silu: [-3, 3], mish: [-3, 3],
  selu: [-3, 3, 0.2], elu: [-3, 3, 0.2],
};

for (const [name, [lo, hi, gap]] of Object.entries(unary)) {
  test(`${name} is twice differentiable`, () => {
    gradgradcheck(op(name), [leaf([2, 3], lo, hi, gap)]);
  });
}

test('hardtanh, and the zero-gradient ops inside a product, are twice differentiable', () => {
  gradgradcheck((x) => core.hardtanh(x, -0.5, 1.5), [tensor([-1.2, -0.2, 0.4, 1.1, 2], { dtype: 'float64', requiresGrad: true })]);
  // f(x)·x² has second derivative 2·f(x) when f' = 0 (the zero gradients join the graph as constants)
  for (const name of ['floor', 'ceil', 'round', 'trunc', 'sign']) {
    gradgradcheck((x) => core.mul(op(name)(x), core.mul(x, x)), [leaf([4], -2, 2, 0.2)]);
  }
});

test('the binary ops are twice differentiable in both inputs, broadcasting', () => {
  gradgradcheck(core.atan2, [leaf([3, 1], -2, 2, 0.3), leaf([4], -2, 2, 0.3)]);
  gradgradcheck(core.hypot, [leaf([2, 3], -2, 2, 0.3), leaf([3], -2, 2, 0.3)]);
  gradgradcheck(core.logaddexp, [leaf([3, 1]), leaf([1, 4])]);
  gradgradcheck(core.xlogy, [leaf([2, 3]), leaf([3], 0.3, 3)]);
  gradgradcheck((a, b, w) => core.lerp(a, b, w), [leaf([2, 3]), leaf([3]), leaf([2, 1], -0.4, 1.4)]);
  gradgradcheck((a, b) => core.lerp(a, b, 0.7), [leaf([4]), leaf([4])]);
});

test('prod, std and norm are twice differentiable (prod also where x has zeros)', () => {
  gradgradcheck((x) => core.prod(x), [leaf([2, 3], -1.5, 1.5, 0.3)]);
  gradgradcheck((x) => core.prod(x, 1, true), [leaf([2, 3], -1.5, 1.5, 0.3)]);
  for (const data of [[2, 0, 3, -1.5], [0, 0, 2, 1.5]]) {
    gradgradcheck((x) => core.prod(x), [tensor(data, { dtype: 'float64', requiresGrad: true })]);
  }
  gradgradcheck((x) => core.std(x), [leaf([3, 3])]);
  gradgradcheck((x) => core.std(x, 1, { unbiased: false, keepdim: true }), [leaf([2, 4])]);
  for (const p of ['fro', 1, 2, Infinity, 3] as const) gradgradcheck((x) => core.norm(x, p, 1), [leaf([2, 3], -2, 2, 0.3)]);
  gradgradcheck((x) => core.norm(x), [leaf([2, 2])]);
});

test('amax/amin, cumsum and cumprod are twice differentiable (cumprod also through zeros)', () => {
  gradgradcheck((x) => core.mul(core.amax(x, 1), core.amax(x, 1)), [leaf([2, 3])]);
  gradgradcheck((x) => core.amin(x, [0, 1]), [leaf([2, 3])]);
  gradgradcheck((x) => core.cumsum(core.mul(x, x), 1), [leaf([2, 4])]);
  gradgradcheck((x) => core.cumprod(x, 1), [leaf([2, 4], -1.5, 1.5, 0.3)]);
  gradgradcheck((x) => core.cumprod(x, 0), [tensor([1.5, 0, 2, -1, 0, 0.5], { dtype: 'float64', requiresGrad: true })]);
});

test('sort and topk values are twice differentiable', () => {
  gradgradcheck((x) => core.mul(core.sort(x, 1).values, x), [leaf([2, 4])]);
  gradgradcheck((x) => { const t = core.topk(x, 2).values; return core.mul(t, t); }, [leaf([3, 4])]);
});

test('a chain of derivatives through the new ops is exact: d²/dx² sin = -sin, d³/dx³ of x·e^x... via exp2 and log2', () => {
  const x = tensor([0.3, -1.2, 2], { dtype: 'float64', requiresGrad: true });
  const [d1] = grad(core.sum(core.sin(x)), x, { createGraph: true });
  const [d2] = grad(core.sum(d1!), x, { createGraph: true });
  const [d3] = grad(core.sum(d2!), x);
  assert.equal(Array.from(d2!.data), Array.from(core.neg(core.sin(x.detach())).data));
  assert.equal(Array.from(d3!.data), Array.from(core.neg(core.cos(x.detach())).data));
  // d/dx log2(2^x) = 1 and its second derivative is 0, up to rounding
  const [e1] = grad(core.sum(core.log2(core.exp2(x))), x, { createGraph: true });
  const [e2] = grad(core.sum(e1!), x);
  for (const v of e1!.data) assert.ok(Math.abs(v - 1) < 1e-14, `first derivative ${v}`);
  for (const v of e2!.data) assert.ok(Math.abs(v) < 1e-13, `second derivative ${v}`);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { Generator, type Tensor, assertClose, gradcheck, tensor } from '@torchlet/core';

// Issue 13's math ops: every differentiable one gradchecked in float64 on small seeded shapes (inputs kept inside
// each domain and away from kinks), the dtype rules, the tuple sort/topk return, and the errors for bad input.
// Values against PyTorch are in math-reference.test.ts.

const gen = new Generator(13);
/** A seeded float64 leaf with values in [lo, hi), requiring grad. */
function leaf(shape: number[], lo = -2, hi = 2): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => lo + (hi - lo) * gen.random()), { shape, dtype: 'float64', requiresGrad: true });
}
/** Values in [lo, hi) whose magnitude is at least `gap` (away from the kink at 0, for sign-sensitive ops). */
function awayFromZero(shape: number[], lo = -2, hi = 2, gap = 0.2): Tensor {
  const t = leaf(shape, lo, hi);
  const d = t.data;
  // pushed off by a random amount, so that no two values tie (a tie is a kink of amax and the inf-norm)
  for (let i = 0; i < d.length; i++) if (Math.abs(d[i]) < gap) d[i] = Math.sign(d[i] || 1) * (gap + 0.3 * gen.random());
  return t;
}

type Fn = (...xs: Tensor[]) => Tensor;
const unaryDomains: Record<string, [number, number]> = {
  sin: [-3, 3], cos: [-3, 3], tan: [-1.3, 1.3], asin: [-0.9, 0.9], acos: [-0.9, 0.9], atan: [-3, 3], sinh: [-2, 2], cosh: [-2, 2],
  asinh: [-3, 3], acosh: [1.1, 4], atanh: [-0.9, 0.9], log1p: [-0.8, 3], expm1: [-2, 2], log2: [0.1, 4], log10: [0.1, 4], exp2: [-2, 2],
  rsqrt: [0.2, 4], reciprocal: [0.3, 3], square: [-2, 2], erf: [-2.5, 2.5], silu: [-3, 3], mish: [-3, 3], selu: [-3, 3], elu: [-3, 3],
  hardtanh: [-2, 2],
};

test('every unary op has the gradient its finite differences give (float64)', () => {
  for (const [name, [lo, hi]] of Object.entries(unaryDomains)) {
    const f = core[name as keyof typeof core] as unknown as Fn;
    // elu, selu and hardtanh have kinks (at 0, at ±1): keep off them
    const offKinks = name === 'hardtanh' ? tensor([-1.7, -0.6, 0.2, 0.8, 1.4, -0.1], { dtype: 'float64', requiresGrad: true }) : awayFromZero([2, 3], lo, hi);
    const x = ['elu', 'selu', 'hardtanh'].includes(name) ? offKinks : leaf([2, 3], lo, hi);
    try {
      gradcheck(f, [x]);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
  gradcheck((x) => core.elu(x, 0.3), [awayFromZero([5])]);
  gradcheck((x) => core.hardtanh(x, { minVal: -0.5, maxVal: 1.5 }), [tensor([-1, -0.2, 0.3, 1.2, 2], { dtype: 'float64', requiresGrad: true })]);
});

test('rounding ops and sign have zero gradient, as in PyTorch', () => {
  for (const name of ['floor', 'ceil', 'round', 'trunc', 'sign'] as const) {
    const x = leaf([4]);
    const f = core[name] as unknown as Fn;
    const y = core.mul(f(x), x); // d/dx (f(x)·x) = f(x) when f' = 0
    y.backward(core.onesLike(y));
    assert.equal(x.grad!.tolist(), f(x.detach()).tolist(), name);
  }
});

test('binary ops are gradchecked in both inputs, broadcasting', () => {
  gradcheck(core.atan2, [leaf([3, 1]), leaf([4])]);
  gradcheck(core.hypot, [awayFromZero([2, 3]), leaf([3])]);
  gradcheck(core.logaddexp, [leaf([3, 1]), leaf([1, 4])]);
  gradcheck(core.xlogy, [leaf([2, 3]), leaf([3], 0.2, 3)]);
  gradcheck((a, b, w) => core.lerp(a, b, w), [leaf([2, 3]), leaf([3]), leaf([2, 1], -0.5, 1.5)]);
  gradcheck((a, b) => core.lerp(a, b, 0.7), [leaf([4]), leaf([4])]);
  gradcheck((a) => core.atan2(2, a), [awayFromZero([4])]);
});

test('reductions are gradchecked over all dims, one dim, several dims, with keepdim', () => {
  gradcheck((x) => core.prod(x), [awayFromZero([2, 3], -1.5, 1.5)]);
  gradcheck((x) => core.prod(x, 1, true), [awayFromZero([2, 3, 2], -1.5, 1.5)]);
  gradcheck((x) => core.std(x), [leaf([3, 4])]);
  gradcheck((x) => core.std(x, [0, 2], { unbiased: false, keepdim: true }), [leaf([2, 3, 2])]);
  for (const p of ['fro', 1, 2, Infinity, -Infinity, 3, 0.5] as const) {
    gradcheck((x) => core.norm(x, p), [awayFromZero([2, 3])]);
    gradcheck((x) => core.norm(x, p, 1, true), [awayFromZero([2, 3])]);
  }
  gradcheck((x) => core.norm(x, { dim: [0, 2] }), [leaf([2, 2, 3])]);
  gradcheck((x) => core.amax(x), [leaf([2, 3])]);
  gradcheck((x) => core.amax(x, [0, 2], true), [leaf([2, 3, 2])]);
  gradcheck((x) => core.amin(x, 1), [leaf([2, 3])]);
  gradcheck((x) => core.cumsum(x, 1), [leaf([2, 4])]);
  gradcheck((x) => core.cumsum(x, 0), [leaf([3, 2])]);
  gradcheck((x) => core.cumprod(x, 1), [awayFromZero([2, 4], -1.5, 1.5)]);
  gradcheck((x) => core.cumprod(x, -1), [awayFromZero([5])]);
});

test('prod and cumprod have exact gradients where x has one zero or several', () => {
  for (const data of [[2, 0, 3, -1], [0, 0, 2, 3], [1.5, -2, 0.5, 0], [0, 1.5, 2, 0.5]]) {
    const x = tensor(data, { dtype: 'float64', requiresGrad: true });
    gradcheck((t) => core.prod(t), [x]);
    gradcheck((t) => core.cumprod(t, 0), [x]);
  }
  gradcheck((t) => core.prod(t, 1), [tensor([[2, 0, 3], [1, 2, 3], [0, 0, 1]], { dtype: 'float64', requiresGrad: true })]);
  gradcheck((t) => core.cumprod(t, 1), [tensor([[2, 0, 3, 1.5], [1, 2, 3, 0.5], [0, 2, 0, 1]], { dtype: 'float64', requiresGrad: true })]);
  const zero = tensor(0, { dtype: 'float64', requiresGrad: true });
  const [g0] = core.grad(core.cumprod(zero, 0), zero, { createGraph: true });
  assert.equal(g0!.item(), 1, 'a 0-d cumprod is the identity, at 0 too');
});

test('ties share the gradient of amax/amin and of the inf-norm evenly; a zero norm has gradient 0', () => {
  const x = tensor([[3, 1, 3], [-2, -2, 0]], { dtype: 'float64', requiresGrad: true });
  core.amax(x, 1).sum().backward();
  assert.equal(x.grad!.tolist(), [[0.5, 0, 0.5], [0, 0, 1]]);
  const z = tensor([[0, 0], [3, 4]], { dtype: 'float64', requiresGrad: true });
  core.norm(z, 2, 1).sum().backward();
  assertClose(z.grad!, [0, 0, 0.6, 0.8], { atol: 1e-15 });
  const c = tensor([[2, 2, 2]], { dtype: 'float64', requiresGrad: true });
  core.std(c, 1).sum().backward();
  assert.equal(c.grad!.tolist(), [[0, 0, 0]], 'a constant slice has std gradient 0, as PyTorch');
});

test('sort and topk return [values, indices] with .values and .indices; the gradient goes through the values', () => {
  const x = tensor([[3, -1, 2], [0.5, 4, -2]], { dtype: 'float64', requiresGrad: true });
  const s = core.sort(x, 1, true);
  const [values, indices] = s;
  assert.ok(values === s.values && indices === s.indices);
  assert.equal(values.tolist(), [[3, 2, -1], [4, 0.5, -2]]);
  assert.equal([indices.dtype, indices.tolist()], ['int32', [[0, 2, 1], [1, 0, 2]]]);
  const t = core.topk(x, 2, { dim: 0, largest: false });
  assert.equal([t.values.tolist(), t.indices.tolist()], [[[0.5, -1, -2], [3, 4, 2]], [[1, 0, 1], [0, 1, 0]]]);
  gradcheck((a) => core.sort(a, 0).values, [leaf([3, 2])]);
  gradcheck((a) => core.sort(a, { descending: true }).values, [leaf([2, 4])]);
  gradcheck((a) => core.topk(a, 2).values, [leaf([3, 4])]);
  gradcheck((a) => core.topk(a, 1, 0, false).values, [leaf([3, 2])]);
  assert.equal(core.topk(x, 0).values.shape, [2, 0]);
  const scalar = core.sort(tensor(5));
  assert.equal([scalar.values.shape, scalar.indices.item()], [[], 0]);
  assert.equal(core.sort(tensor([2, 1, 2, 1, 2]), { stable: true }).indices.tolist(), [1, 3, 0, 2, 4], 'equal values keep their order');
});

test('dtype rules: int32 becomes float32 for fractional results, stays int32 for rounding, sign, square, cumsum and prod', () => {
  const i = tensor([-3, 0, 2], { dtype: 'int32' });
  for (const name of ['sin', 'log1p', 'rsqrt', 'reciprocal', 'erf', 'exp2'] as const) assert.equal((core[name] as Fn)(i).dtype, 'float32', name);
  for (const name of ['floor', 'ceil', 'trunc', 'round', 'sign', 'square'] as const) assert.equal((core[name] as Fn)(i).dtype, 'int32', name);
  assert.equal(core.atan2(i, i).dtype, 'float32');
  assert.equal([core.cumsum(i, 0).dtype, core.cumsum(i, 0).tolist()], ['int32', [-3, -3, -1]]);
  assert.equal([core.prod(i).dtype, core.prod(tensor([-3, 2], { dtype: 'int32' })).item()], ['int32', -6]);
  assert.equal(core.sin(tensor([1], { dtype: 'float64' })).dtype, 'float64');
  assert.equal(core.sign(tensor([-0, 0, NaN, -Infinity])).tolist(), [0, 0, 0, -1]);
  assert.equal(core.round(tensor([0.5, 1.5, 2.5, -0.5, -1.5])).tolist(), [0, 2, 2, -0, -2]);
  assert.equal(core.round(tensor([1.2345, 125], { dtype: 'float64' }), { decimals: 2 }).tolist(), [1.23, 125]);
});

test('int32 running sums and products that leave int32 are refused, not wrapped', () => {
  const big = tensor([2 ** 20, 2 ** 20], { dtype: 'int32' });
  assert.throws(() => core.cumprod(big, 0), /cumprod: the running product 1099511627776 of int32 values does not fit int32/);
  assert.throws(() => core.prod(big), /prod: the running product 1099511627776 of int32 values does not fit int32/);
  assert.throws(() => core.cumsum(tensor([2 ** 30, 2 ** 30], { dtype: 'int32' }), 0), /cumsum: the running sum 2147483648/);
});

test('bad input is refused naming the op and what came', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.throws(() => core.sin('a' as never), /^sin: expected arguments \(Tensor\), got \(string\)/);
  assert.throws(() => core.atan2(x, tensor([1, 2])), /atan2: shapes \[2, 3\] and \[2\] cannot be broadcast together/);
  assert.throws(() => core.topk(x, 4), /topk: k must be an integer in \[0, 3\]/);
  assert.throws(() => core.sort(x, 2), /sort: dim 2 is out of range/);
  assert.throws(() => core.sort(x, { descending: 1 } as never), /sort: descending must be a boolean/);
  assert.throws(() => core.norm(x, 'nuc' as never), /norm: p must be a number or 'fro', got "nuc" \(the nuclear norm is not supported\)/);
  assert.throws(() => core.norm(x, 'fro', [0, 1, 2]), /norm: dim 2 is out of range/);
  assert.throws(() => core.norm(core.ones([2, 2, 2]), 'fro', [0, 1, 2]), /norm: the Frobenius norm takes at most 2 dims/);
  assert.throws(() => core.norm(tensor([1], { dtype: 'int32' })), /norm: expected a floating-point tensor, got int32/);
  assert.throws(() => core.amax(core.zeros([2, 0]), 1), /amax: cannot reduce over dim 1 of size 0/);
  assert.throws(() => core.hardtanh(x, 1, -1), /hardtanh: maxVal \(-1\) must not be less than minVal \(1\)/);
  assert.throws(() => core.elu(x, { alhpa: 1 } as never), /elu: unknown option "alhpa" .*did you mean "alpha"\?/);
  assert.throws(() => core.silu(tensor([1], { dtype: 'int32' })), /silu: expected a floating-point tensor, got int32/);
  assert.throws(() => core.round(x, { decimals: 0.5 }), /round: decimals must be an integer, got 0.5/);
  assert.throws(() => core.std(x, 1, { unbaised: true } as never), /std: unknown option "unbaised" .*did you mean "unbiased"\?/);
  assert.throws(() => core.lerp(x, tensor([1, 2], { dtype: 'float64' }), 0.5), /lerp: expected start and end of one dtype, got float32 and float64/);
  assert.throws(() => core.cumsum(x, { dims: 1 } as never), /cumsum: unknown option "dims" .*did you mean "dim"\?/);
});

test('Tensor methods are the functions with the tensor first, reductions taking dim and keepdim by name', () => {
  const x = tensor([[1, -2, 3], [4, 0.5, -6]], { dtype: 'float64' });
  assert.equal(x.sin().tolist(), core.sin(x).tolist());
  assert.equal(x.atan2(2).tolist(), core.atan2(x, 2).tolist());
  assert.equal(x.lerp(core.zerosLike(x), 0.5).tolist(), [[0.5, -1, 1.5], [2, 0.25, -3]]);
  const amax = x.amax as unknown as (...a: unknown[]) => Tensor;
  assert.equal(amax.call(x, { dim: 1, keepdim: true }).tolist(), [[3], [4]]);
  const prod = x.prod as unknown as (...a: unknown[]) => Tensor;
  assert.equal(prod.call(x, 1, { keepdim: true }).tolist(), [[-6], [-12]]);
  const std = x.std as unknown as (...a: unknown[]) => Tensor;
  assert.equal(std.call(x, { dim: 1, unbiased: false }).tolist(), core.std(x, 1, { unbiased: false }).tolist());
  assert.equal(x.norm(1).item(), 16.5);
  assert.equal(x.topk(1).values.tolist(), [[3], [4]]);
  assert.equal(x.cumsum(1).tolist(), [[1, -1, 2], [4, 4.5, -1.5]]);
  assert.equal(x.hardtanh().tolist(), [[1, -1, 1], [1, 0.5, -1]]);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, randn, manualSeed, gradcheck, assertClose, noGrad,
  sum, mean, sumToShape, var as variance, max, min, argmax, argmin, logsumexp, softmax, logSoftmax,
} from '@torchlet/core';

// every test draws the same numbers however the test files are run together
test.before.each(() => manualSeed(1234));

const f64 = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });

/**
 * Naive reference for any reduction: groups the elements by their position outside `dims` (elements of a group in
 * row-major order over the reduced dims) and applies `fn` to each group.
 */
function reduceRef(x: Tensor, dims: number[] | null, keepdim: boolean, fn: (values: number[]) => number): { shape: number[]; values: number[] } {
  const nd = x.ndim;
  const reduced = dims === null ? x.shape.map((_, i) => i) : dims.map((d) => (d < 0 ? d + nd : d));
  const outShape = x.shape.flatMap((s, i) => (reduced.includes(i) ? (keepdim ? [1] : []) : [s]));
  const groups: number[][] = [];
  const idx = new Array<number>(nd).fill(0);
  for (let flat = 0; flat < x.numel(); flat++) {
    let rem = flat;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = rem % x.shape[d];
      rem = Math.floor(rem / x.shape[d]);
    }
    let key = 0;
    for (let d = 0; d < nd; d++) if (!reduced.includes(d)) key = key * x.shape[d] + idx[d];
    (groups[key] ??= []).push(x.data[flat]);
  }
  const count = outShape.reduce((a, b) => a * b, 1);
  return { shape: outShape, values: Array.from({ length: count }, (_, k) => fn(groups[k] ?? [])) };
}

const total = (v: number[]) => v.reduce((a, b) => a + b, 0);
const average = (v: number[]) => total(v) / v.length;
const varianceOf = (unbiased: boolean) => (v: number[]) => {
  const m = average(v);
  return total(v.map((a) => (a - m) ** 2)) / (v.length - (unbiased ? 1 : 0));
};
const firstIndexOf = (better: (a: number, b: number) => boolean) => (v: number[]) => {
  let k = 0;
  for (let i = 1; i < v.length; i++) if (better(v[i], v[k])) k = i;
  return k;
};
const naiveLogSumExp = (v: number[]) => Math.log(total(v.map(Math.exp)));

function checkAgainst(actual: Tensor, expected: { shape: number[]; values: number[] }, atol = 1e-10): void {
  assert.equal([...actual.shape], expected.shape);
  assertClose(actual, expected.values, { atol, rtol: 1e-6 });
}

const DIM_CASES: { dims: number | number[] | null; keepdim: boolean }[] = [
  { dims: null, keepdim: false },
  { dims: null, keepdim: true },
  { dims: 0, keepdim: false },
  { dims: 1, keepdim: true },
  { dims: -1, keepdim: false },
  { dims: [0, 2], keepdim: false },
  { dims: [-1, -3], keepdim: true },
  { dims: [1, 0], keepdim: true },
];
const asList = (d: number | number[] | null) => (d === null ? null : typeof d === 'number' ? [d] : d);

test('sum and mean match a naive reduction for every dim/keepdim combination, negative dims included', () => {
  const x = randn([2, 3, 4], { dtype: 'float64' });
  for (const { dims, keepdim } of DIM_CASES) {
    checkAgainst(sum(x, dims, keepdim), reduceRef(x, asList(dims), keepdim, total));
    checkAgainst(mean(x, dims, keepdim), reduceRef(x, asList(dims), keepdim, average));
    checkAgainst(x.sum(dims, keepdim), reduceRef(x, asList(dims), keepdim, total));
  }
  assert.equal(tensor([[1, 2], [3, 4]]).sum().item(), 10);
  assert.equal(tensor([[1, 2], [3, 4]]).mean(0).tolist(), [2, 3]);
  assert.equal(tensor([[1, 2], [3, 4]], { dtype: 'int32' }).sum(1).tolist(), [3, 7]);
  assert.equal(sum(tensor(5)).shape, []);
});

test('sum and mean are gradchecked on several shapes, dims and keepdim', () => {
  for (const shape of [[5], [2, 3], [2, 3, 4], [1, 3, 1, 2]]) {
    for (const { dims, keepdim } of DIM_CASES) {
      const list = asList(dims);
      if (list && list.some((d) => d >= shape.length || d < -shape.length)) continue;
      const x = f64(shape);
      gradcheck((t) => sum(t, dims, keepdim), [x]);
      gradcheck((t) => mean(t, dims, keepdim), [x]);
    }
  }
});

test('sum and mean reject out-of-range and repeated dims, and mean rejects int32', () => {
  const x = tensor([[1, 2], [3, 4]]);
  assert.throws(() => sum(x, 2), /sum: dim 2 is out of range for a tensor with 2 dimension\(s\) \(expected an integer in \[-2, 1\]\)/);
  assert.throws(() => mean(x, -3), /mean: dim -3 is out of range/);
  assert.throws(() => sum(x, [0, -2]), /sum: dim \[0,-2\] repeats a dimension/);
  assert.throws(() => mean(tensor([1, 2], { dtype: 'int32' })), /mean: expected a floating-point tensor, got int32/);
  assert.throws(() => sum(x, 'a' as never), /sum: expected arguments/);
});

test('reductions of a 0-d tensor over dim 0 / -1 return it, with gradient 1', () => {
  for (const reduce of [(t: Tensor) => sum(t, 0), (t: Tensor) => mean(t, -1), (t: Tensor) => logsumexp(t, 0), (t: Tensor) => max(t, 0).values, (t: Tensor) => sum(t, 0, true)]) {
    const x = tensor(2.5, { requiresGrad: true });
    const y = reduce(x);
    assert.equal(y.shape, []);
    assert.is(y.item(), 2.5);
    y.backward();
    assert.is(x.grad!.item(), 1);
  }
  const x = tensor(2.5, { requiresGrad: true });
  variance(x, 0, { unbiased: false }).backward();
  assert.is(x.grad!.item(), 0);
  assert.throws(() => sum(x, 1), /sum: dim 1 is out of range for a tensor with 0 dimension\(s\) \(expected an integer in \[-1, 0\]\)/);
});

test('sumToShape sums a broadcast gradient back to the original shape', () => {
  const g = tensor([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]);
  assert.equal(sumToShape(g, [2, 3]).tolist(), [[8, 10, 12], [14, 16, 18]]);
  assert.equal(sumToShape(g, [2, 1, 3]).tolist(), [[[5, 7, 9]], [[17, 19, 21]]]);
  assert.equal(sumToShape(g, [1]).tolist(), [78]);
  assert.is(sumToShape(g, [2, 2, 3]), g);
  assert.throws(() => sumToShape(g, [1, 2, 2, 3]), /sumToShape: cannot reduce shape \[2, 2, 3\] to \[1, 2, 2, 3\]/);
  assert.throws(() => sumToShape(g, [4]), /sumToShape: cannot reduce shape \[2, 2, 3\] to \[4\]/);
});

test('var matches a naive two-pass variance, biased and unbiased, with keepdim', () => {
  const x = randn([3, 4, 2], { dtype: 'float64' });
  for (const { dims, keepdim } of DIM_CASES) {
    for (const unbiased of [true, false]) {
      checkAgainst(variance(x, dims, { unbiased, keepdim }), reduceRef(x, asList(dims), keepdim, varianceOf(unbiased)));
    }
  }
  // [1, 2, 3, 4]: mean 2.5, squared deviations sum to 5
  const v = tensor([1, 2, 3, 4]);
  assertClose(variance(v), [5 / 3]);
  assertClose(v.var({ unbiased: false }), [5 / 4]);
  assertClose(tensor([[1, 3], [2, 6]]).var(1), [2, 8]);
  assert.equal(tensor([[1, 3], [2, 6]]).var(0, { keepdim: true }).shape, [1, 2]);
  assert.equal(tensor([[1, 3], [2, 6]]).var().shape, []);
  assert.ok(Number.isNaN(tensor([7]).var().item()), 'one sample, unbiased: 0/0');
  assert.is(tensor([7]).var({ unbiased: false }).item(), 0);
  // shifted data: the two-pass algorithm keeps its precision
  assertClose(tensor([1e8 + 1, 1e8 + 2, 1e8 + 3], { dtype: 'float64' }).var(), [1], { atol: 1e-9 });
});

test('var is gradchecked on several shapes', () => {
  for (const [shape, dims, unbiased] of [[[6], null, true], [[3, 4], 1, false], [[2, 3, 4], [0, 2], true], [[2, 3, 2], -2, true]] as const) {
    const x = f64([...shape]);
    gradcheck((t) => variance(t, dims as number | number[] | null, { unbiased, keepdim: false }), [x]);
    gradcheck((t) => variance(t, dims as number | number[] | null, { unbiased, keepdim: true }), [x]);
  }
});

test('var rejects int32, unknown options and non-boolean options', () => {
  assert.throws(() => variance(tensor([1, 2], { dtype: 'int32' })), /var: expected a floating-point tensor, got int32/);
  assert.throws(() => variance(tensor([1, 2]), 0, { correction: 0 } as never), /var: unknown option "correction"/);
  assert.throws(() => variance(tensor([1, 2]), { unbiased: 1 } as never), /var: options unbiased and keepdim must be booleans, got number/);
  assert.throws(() => variance(tensor([1, 2]), 1), /var: dim 1 is out of range/);
});

test('max/min over the whole tensor: value, and the gradient split evenly among the ties (PyTorch 1.13)', () => {
  const x = tensor([[1, 5, 5], [-2, 0, -2]], { requiresGrad: true });
  const m = max(x);
  assert.equal(m.shape, []);
  assert.is(m.item(), 5);
  assert.is(m.gradFn, 'maxBackward');
  m.backward();
  assert.equal(x.grad!.tolist(), [[0, 0.5, 0.5], [0, 0, 0]]);
  x.grad = null;
  const n = x.min();
  assert.is(n.item(), -2);
  n.backward(tensor(3));
  assert.equal(x.grad!.tolist(), [[0, 0, 0], [1.5, 0, 1.5]]);
  const y = tensor([NaN, 1, NaN, NaN], { requiresGrad: true });
  max(y).backward();
  assert.equal(Array.from(y.grad!.data, (v) => v.toFixed(4)), ['0.3333', '0.0000', '0.3333', '0.3333'], 'the NaNs are the ties');
  assert.ok(Number.isNaN(max(tensor([1, NaN, 3])).item()), 'NaN propagates, as in PyTorch');
  for (const shape of [[7], [3, 4], [2, 2, 3]]) {
    gradcheck((t) => max(t), [f64(shape)]);
    gradcheck((t) => min(t), [f64(shape)]);
  }
});

test('max/min along a dim return values and int32 indices of the first extremum', () => {
  const x = randn([3, 4, 5], { dtype: 'float64' });
  for (const dim of [0, 1, 2, -1]) {
    for (const keepdim of [false, true]) {
      const r = max(x, dim, keepdim);
      checkAgainst(r.values, reduceRef(x, [dim], keepdim, (v) => Math.max(...v)));
      checkAgainst(r.indices, reduceRef(x, [dim], keepdim, firstIndexOf((a, b) => a > b)));
      assert.is(r.indices.dtype, 'int32');
      const s = x.min(dim, keepdim);
      checkAgainst(s.values, reduceRef(x, [dim], keepdim, (v) => Math.min(...v)));
      checkAgainst(s.indices, reduceRef(x, [dim], keepdim, firstIndexOf((a, b) => a < b)));
    }
  }
  const ties = tensor([[2, 7, 7], [3, 3, 1]], { requiresGrad: true });
  const r = ties.max(1);
  assert.equal(r.values.tolist(), [7, 3]);
  assert.equal(r.indices.tolist(), [1, 0]);
  r.values.backward(tensor([10, 20]));
  assert.equal(ties.grad!.tolist(), [[0, 10, 0], [20, 0, 0]]);
  assert.equal(max(tensor([[1, NaN, 3]]), 1).indices.tolist(), [1]);
  assert.equal(max(tensor([[4, 9], [8, 2]], { dtype: 'int32' }), 0).values.tolist(), [8, 9]);
  assert.equal(max(tensor([[4, 9], [8, 2]], { dtype: 'int32' }), 0).values.dtype, 'int32');
  assert.equal(max(tensor(3), 0).values.item(), 3);
  assert.equal(max(tensor([[1, 2]]), 1, true).values.shape, [1, 1]);
});

test('max/min along a dim are gradchecked (values), keepdim too', () => {
  for (const [shape, dim] of [[[5], 0], [[3, 4], 1], [[3, 4], -2], [[2, 3, 4], 1]] as const) {
    for (const keepdim of [false, true]) {
      gradcheck((t) => max(t, dim, keepdim).values, [f64([...shape])]);
      gradcheck((t) => min(t, dim, keepdim).values, [f64([...shape])]);
    }
  }
});

test('max/min reject bad dims, empty reductions and bad arguments', () => {
  assert.throws(() => max(tensor([[1, 2]]), 2), /max: dim 2 is out of range for a tensor with 2 dimension/);
  assert.throws(() => min(tensor([[1, 2]]), -3), /min: dim -3 is out of range/);
  assert.throws(() => max(tensor([])), /max: cannot reduce an empty tensor of shape \[0\] without a dim/);
  assert.throws(() => max(tensor([[], []]), 1), /max: cannot reduce over dim 1 of size 0 \(shape \[2, 0\]\)/);
  assert.equal(max(tensor([[], []]), 0).values.shape, [0]);
  assert.throws(() => max(tensor([1, 2]), [0] as never), /max: expected arguments/);
  assert.throws(() => (max as (x: unknown) => Tensor)([1, 2]), /max: expected arguments \(Tensor\)/);
});

test('argmax/argmin: along a dim, over the flattened tensor, keepdim, ties to the first, never differentiable', () => {
  const x = randn([3, 4, 5], { dtype: 'float64', requiresGrad: true });
  for (const dim of [0, 1, -1]) {
    for (const keepdim of [false, true]) {
      checkAgainst(argmax(x, dim, keepdim), reduceRef(x, [dim], keepdim, firstIndexOf((a, b) => a > b)));
      checkAgainst(argmin(x, dim, keepdim), reduceRef(x, [dim], keepdim, firstIndexOf((a, b) => a < b)));
    }
  }
  checkAgainst(argmax(x), reduceRef(x, null, false, firstIndexOf((a, b) => a > b)));
  checkAgainst(x.argmin(), reduceRef(x, null, false, firstIndexOf((a, b) => a < b)));
  const t = tensor([[1, 9, 9], [9, 0, 0]]);
  assert.equal(t.argmax().item(), 1);
  assert.equal(t.argmin().item(), 4);
  assert.equal(t.argmax(null, true).shape, [1, 1]);
  assert.equal(t.argmax(0).tolist(), [1, 0, 0]);
  assert.equal(t.argmin(1, true).tolist(), [[0], [1]]);
  const a = argmax(x, 1);
  assert.is(a.dtype, 'int32');
  assert.is(a.requiresGrad, false);
  assert.is(a.gradFn, null);
  assert.throws(() => argmax(tensor([])), /argmax: cannot reduce an empty tensor/);
  assert.throws(() => argmin(tensor([[1]]), 5), /argmin: dim 5 is out of range/);
  assert.throws(() => argmax(tensor([[1]]), [0, 1] as never), /argmax: expected arguments/);
});

test('logsumexp matches the naive formula, is stable for large magnitudes and handles infinities', () => {
  const x = randn([3, 4, 2], { dtype: 'float64' });
  for (const { dims, keepdim } of DIM_CASES) {
    if (dims === null) continue;
    checkAgainst(logsumexp(x, dims, keepdim), reduceRef(x, asList(dims), keepdim, naiveLogSumExp));
  }
  assertClose(tensor([1000, 1000]).logsumexp(0), [1000 + Math.LN2], { atol: 1e-3 });
  assertClose(tensor([-1000, -1000], { dtype: 'float64' }).logsumexp(0), [-1000 + Math.LN2], { atol: 1e-9 });
  assertClose(tensor([[1000, 0], [-1000, 0]], { dtype: 'float64' }).logsumexp(1), [1000, 0], { atol: 1e-9 });
  assert.equal(logsumexp(tensor([Infinity, 1]), 0).item(), Infinity);
  assert.equal(logsumexp(tensor([-Infinity, -Infinity]), 0).item(), -Infinity);
  assert.equal(logsumexp(tensor([[], []]), 1).tolist(), [-Infinity, -Infinity]);
  assert.equal(logsumexp(tensor(2), 0).item(), 2);
});

test('logsumexp is gradchecked (its gradient is g · softmax)', () => {
  for (const [shape, dim] of [[[5], 0], [[3, 4], 1], [[3, 4], -2], [[2, 3, 4], [0, 2]]] as const) {
    for (const keepdim of [false, true]) gradcheck((t) => logsumexp(t, dim as number | number[], keepdim), [f64([...shape])]);
  }
  const x = tensor([0, Math.log(3)], { dtype: 'float64', requiresGrad: true });
  x.logsumexp(0).backward();
  assertClose(x.grad!, [0.25, 0.75]);
});

test('logsumexp rejects int32, a missing dim and bad dims', () => {
  assert.throws(() => logsumexp(tensor([1], { dtype: 'int32' }), 0), /logsumexp: expected a floating-point tensor, got int32/);
  assert.throws(() => (logsumexp as (x: Tensor) => Tensor)(tensor([1])), /logsumexp: expected arguments/);
  assert.throws(() => logsumexp(tensor([1]), 1), /logsumexp: dim 1 is out of range/);
});

const naiveSoftmaxRows = (v: number[]) => {
  const e = v.map(Math.exp);
  const s = total(e);
  return e.map((a) => a / s);
};

/** softmax along dim by moving that dim last, with plain loops: the reference for both softmax ops. */
function softmaxRef(x: Tensor, dim: number, log: boolean): number[] {
  const d = dim < 0 ? dim + x.ndim : dim;
  const inner = x.shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const n = x.shape[d];
  const outer = x.numel() / (n * inner);
  const out = new Array<number>(x.numel());
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => o * n * inner + k * inner + i;
      const row = naiveSoftmaxRows(Array.from({ length: n }, (_, k) => x.data[at(k)]));
      row.forEach((p, k) => (out[at(k)] = log ? Math.log(p) : p));
    }
  }
  return out;
}

test('softmax and logSoftmax match a naive reference along every dim, negative dims too', () => {
  const x = randn([2, 3, 4], { dtype: 'float64' });
  for (const dim of [0, 1, 2, -1, -3]) {
    assertClose(softmax(x, dim), softmaxRef(x, dim, false), { atol: 1e-12 });
    assertClose(logSoftmax(x, dim), softmaxRef(x, dim, true), { atol: 1e-12 });
    assertClose(sum(softmax(x, dim), dim), 1, { atol: 1e-12 });
  }
  assertClose(tensor([1, 2, 3]).softmax(0), [0.09003057, 0.24472847, 0.66524096]);
  assertClose(tensor([[1, 2, 3]]).logSoftmax(-1), [-2.40760596, -1.40760596, -0.40760596]);
  assert.equal(softmax(tensor(5), 0).item(), 1);
  assert.equal(softmax(tensor([[], []]), 1).shape, [2, 0]);
  const x32 = randn([3, 5]);
  assert.is(softmax(x32, 1).dtype, 'float32');
  assertClose(softmax(x32, 1), softmaxRef(x32, 1, false), { atol: 1e-6 });
});

test('softmax and logSoftmax are stable for logits of ±1000', () => {
  const x = tensor([[1000, 1000, -1000], [-1000, -1000, -1000]]);
  assertClose(softmax(x, 1), [0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]);
  assertClose(logSoftmax(x, 1), [-Math.LN2, -Math.LN2, -2000 - Math.LN2, -Math.log(3), -Math.log(3), -Math.log(3)], { atol: 1e-4 });
  const y = tensor([[1000, 0]], { dtype: 'float64', requiresGrad: true });
  logSoftmax(y, 1).sum().backward();
  assertClose(y.grad!, [1 - 2, 1 - 0], { atol: 1e-12 });
  assert.ok(Array.from(softmax(tensor([1, NaN]), 0).data).every((v) => Number.isNaN(v)), 'a NaN row is NaN, as in PyTorch');
});

test('softmax and logSoftmax are gradchecked on several shapes and dims', () => {
  for (const [shape, dim] of [[[5], 0], [[3, 4], 1], [[3, 4], 0], [[2, 3, 4], 1], [[2, 3, 4], -1], [[2, 1, 3], -2]] as const) {
    gradcheck((t) => softmax(t, dim), [f64([...shape])]);
    gradcheck((t) => logSoftmax(t, dim), [f64([...shape])]);
    gradcheck((t) => t.softmax(dim).mul(t), [f64([...shape])]);
  }
});

test('softmax backward refuses an output modified in place after forward', () => {
  const x = f64([2, 3]);
  const y = softmax(x, 1);
  const z = sum(y);
  noGrad(() => y._bumpVersion());
  assert.throws(() => z.backward(), /softmax: a tensor saved for backward .* was modified by an in-place operation/);
});

test('softmax and logSoftmax reject int32, a missing dim and out-of-range dims', () => {
  assert.throws(() => softmax(tensor([1, 2], { dtype: 'int32' }), 0), /softmax: expected a floating-point tensor, got int32/);
  assert.throws(() => logSoftmax(tensor([1, 2], { dtype: 'int32' }), 0), /logSoftmax: expected a floating-point tensor, got int32/);
  assert.throws(() => (softmax as (x: Tensor) => Tensor)(tensor([1, 2])), /softmax: expected arguments \(Tensor, number\)/);
  assert.throws(() => logSoftmax(tensor([[1, 2]]), 2), /logSoftmax: dim 2 is out of range for a tensor with 2 dimension/);
  assert.throws(() => softmax(tensor([[1, 2]]), -3), /softmax: dim -3 is out of range/);
});

test.run();

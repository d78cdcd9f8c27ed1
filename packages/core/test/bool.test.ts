// The bool dtype (issue 10): creation, casts, promotion, comparisons, logical ops, any/all, masks, printing. Values
// marked "PyTorch" come from fixtures/bool-reference.json, written by scripts/reference/bool_dtype.py (PyTorch 1.13).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DType, Tensor, add, all, any, arange, copy_, eq, eye, fill_, full, fullLike, gt, isfinite, isinf, isnan, logicalAnd, logicalNot, logicalOr, logicalXor, lt,
  crossEntropy, dropout, layerNorm, maskedFill, matmul, max, mean, mseLoss, mul, neg, noGrad, ones, randn, scaledDotProductAttention, softmax,
  sub, sum, tensor, to, where, zeros, triu, pad, exp, sigmoid, clamp, pow, batchNorm, conv2d, defineOp,
} from '@torchlet/core';

const reference = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bool-reference.json'), 'utf8')) as {
  resultType: { a: DType; a0d: boolean; b: DType; b0d: boolean; result: DType }[];
  casts: Record<'fromFloat32' | 'fromInt32', boolean[]> & Record<'toFloat64' | 'toInt32', number[]>;
  logic: Record<string, unknown>;
};
const decode = (v: unknown): number => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : (v as number));
const bools = (t: Tensor): boolean[] => Array.from(t.data, (v) => v === 1);

test('tensor([true, false]) and { dtype: "bool" } make Uint8Array storage of 0/1; zeros, ones, full, eye take bool', () => {
  const t = tensor([[true, false], [false, true]]);
  assert.is(t.dtype, 'bool');
  assert.instance(t.data, Uint8Array);
  assert.equal(t.shape, [2, 2]);
  assert.equal(Array.from(t.data), [1, 0, 0, 1]);
  assert.equal(Array.from(tensor([1, 0, -3, 0.5, NaN], { dtype: 'bool' }).data), [1, 0, 1, 1, 1]);
  assert.is(tensor(true).dtype, 'bool');
  assert.is(tensor(true).ndim, 0);
  // booleans among numbers count as 1 and 0, in the default dtype
  assert.equal(Array.from(tensor([true, 2]).data), [1, 2]);
  assert.is(tensor([true, 2]).dtype, 'float32');
  assert.is(tensor(new Uint8Array([0, 1])).dtype, 'bool');
  assert.equal(Array.from(ones([3], { dtype: 'bool' }).data), [1, 1, 1]);
  assert.equal(Array.from(zeros(2, { dtype: 'bool' }).data), [0, 0]);
  assert.equal(Array.from(full([2], true).data), [1, 1]);
  assert.is(full([2], true).dtype, 'bool');
  assert.equal(Array.from(full([2], 7, { dtype: 'bool' }).data), [1, 1]);
  assert.equal(Array.from(fullLike(tensor([false]), 5).data), [1]);
  assert.equal(Array.from(eye(2, { dtype: 'bool' }).data), [1, 0, 0, 1]);
  assert.throws(() => arange(3, { dtype: 'bool' }), /arange: dtype bool is not supported/);
  assert.throws(() => randn([2], { dtype: 'bool' }), /randn: expected a floating dtype, got bool/);
});

test('requiresGrad is refused on bool, and bool results of ops never require grad', () => {
  const t = tensor([true]);
  assert.throws(() => { t.requiresGrad = true; }, /requiresGrad: only floating-point tensors can require gradients, got dtype bool/);
  assert.throws(() => tensor([true], { requiresGrad: true }), /got dtype bool/);
  const x = randn([3], { requiresGrad: true });
  for (const y of [gt(x, 0), to(x, 'bool'), x.bool(), logicalNot(x), any(x), logicalAnd(x, x)]) {
    assert.is(y.dtype, 'bool');
    assert.is(y.requiresGrad, false);
    assert.is(y.gradFn, null);
  }
});

test('casts to and from bool as PyTorch: nonzero (NaN too) is true, true is 1', () => {
  const floats = [0, -0, 0.5, -2, NaN, Infinity, 1e-45];
  assert.equal(bools(tensor(floats).to('bool')), reference.casts.fromFloat32);
  assert.equal(bools(tensor([0, 1, -1, 256, 2 ** 31 - 1], { dtype: 'int32' }).bool()), reference.casts.fromInt32);
  const b = tensor([true, false, true]);
  assert.equal(Array.from(b.double().data), reference.casts.toFloat64);
  assert.equal(Array.from(b.int().data), reference.casts.toInt32);
  assert.is(b.float().dtype, 'float32');
  assert.equal(Array.from(b.clone().data), [1, 0, 1]);
  assert.is(b.clone().dtype, 'bool');
  assert.throws(() => b.to('uint8' as never), /to: unknown dtype "uint8" \(expected bool, int32, float32 or float64\)/);
});

test('torch.result_type over every pair of dtypes, dimensioned or 0-d (PyTorch)', () => {
  const make = (dtype: DType, zeroD: boolean) => (zeroD ? tensor(1, { dtype }) : tensor([1, 1], { dtype }));
  const wrong = reference.resultType.filter((c) => add(make(c.a, c.a0d), make(c.b, c.b0d)).dtype !== c.result);
  assert.equal(wrong, []);
  assert.is(reference.resultType.length, 64);
  // a JS number meeting bool: an integer is int32, a fraction float32 (PyTorch's wrapped int and float)
  assert.is(add(tensor([true]), 1).dtype, 'int32');
  assert.is(add(tensor([true]), 0.5).dtype, 'float32');
  assert.is(eq(tensor([true, false]), 1).dtype, 'bool');
  assert.equal(bools(eq(tensor([true, false]), 1)), [true, false]);
});

test('arithmetic on bool as PyTorch: add is or, mul is and, sub and neg are refused (PyTorch)', () => {
  const { logic } = reference;
  const a = tensor([true, true, false]);
  const b = tensor([true, false, false]);
  assert.is(add(a, b).dtype, logic.addBoolDtype);
  assert.equal(bools(add(a, b)), logic.addBool);
  assert.equal(bools(mul(a, b)), logic.mulBool);
  assert.equal(Array.from(add(a, b).data), [1, 1, 0]); // never 2 in bool storage
  assert.throws(() => sub(a, b), /sub: subtracting two bool tensors is not supported, as in PyTorch; use logicalXor/);
  assert.throws(() => neg(a), /neg: negating a bool tensor is not supported, as in PyTorch; use logicalNot/);
  assert.equal(Array.from(sub(a, tensor([1, 1, 1], { dtype: 'int32' })).data), [0, 0, -1]);
  assert.throws(() => mean(a), /mean: expected a floating-point tensor, got bool/);
});

test('comparisons return bool; sum of a bool counts as int32 (PyTorch: int64)', () => {
  const { logic } = reference;
  const a = tensor((logic.a as unknown[][]).map((row) => row.map(decode)));
  const positive = gt(a, 0);
  assert.is(positive.dtype, 'bool');
  assert.equal(positive.shape, [2, 3]);
  const counts = sum(positive, 1);
  assert.is(counts.dtype, 'int32');
  assert.equal(Array.from(counts.data), logic.sumOfBool);
  assert.is(positive.sum().item(), 2);
  assert.equal(Array.from(positive.sum({ dim: 0, keepdim: true }).data), [0, 1, 1]);
  // max of bool stays bool
  assert.is(max(positive).dtype, 'bool');
  assert.equal(Array.from(max(positive, 1).values.data), [1, 1]);
});

test('logicalAnd/Or/Xor/Not and any/all with dim and keepdim (PyTorch)', () => {
  const { logic } = reference;
  const a = tensor((logic.a as unknown[][]).map((row) => row.map(decode)));
  const b = tensor(logic.b as number[]);
  assert.equal(bools(logicalAnd(a, b)), logic.and);
  assert.equal(bools(logicalOr(a, b)), logic.or);
  assert.equal(bools(logicalXor(a, b)), logic.xor);
  assert.equal(bools(logicalNot(a)), logic.not);
  assert.equal(bools(a.logicalAnd(b)), logic.and);
  assert.equal(bools(a.logicalNot()), logic.not);
  assert.equal(bools(logicalOr(a, 0)), bools(a.bool()));
  assert.equal([...bools(any(a)), ...bools(all(a))], logic.anyAll);
  assert.equal(bools(any(a, 1)), logic.any1);
  const kept = all(a, 0, true);
  assert.equal(kept.shape, logic.all0keepShape);
  assert.equal(bools(kept), logic.all0keep);
  assert.equal(bools(a.all({ dim: 0, keepdim: true })), logic.all0keep);
  assert.equal(bools(all(a, { dim: 0, keepdim: true })), logic.all0keep);
  assert.equal(bools(a.any(1)), logic.any1);
  assert.equal([...bools(any(zeros(0))), ...bools(all(zeros(0)))], logic.emptyAnyAll);
  assert.equal(any(a).shape, []);
  assert.throws(() => logicalAnd(a, tensor([1, 2])), /logicalAnd: shapes \[2, 3\] and \[2\] cannot be broadcast together/);
  assert.throws(() => any(a, { dims: 1 } as never), /any: unknown option "dims" \(expected "dim", "keepdim"\): did you mean "dim"\?/);
  assert.throws(() => all(a, 0, 'yes' as never), /all: keepdim must be a boolean, got string/);
});

test('isnan, isinf, isfinite: bool results, PyTorch\'s definitions, for every dtype', () => {
  const values = [0, -1.5, NaN, Infinity, -Infinity, 3e38];
  for (const dtype of ['float32', 'float64'] as const) {
    const x = tensor(values, { dtype });
    assert.equal(bools(isnan(x)), values.map(Number.isNaN));
    assert.equal(bools(isinf(x)), values.map((v) => v === Infinity || v === -Infinity));
    assert.equal(bools(isfinite(x)), values.map(Number.isFinite));
    assert.equal(bools(x.isfinite()), values.map(Number.isFinite));
    assert.is(isnan(x).dtype, 'bool');
  }
  const i = tensor([[1, -2]], { dtype: 'int32' });
  assert.equal([bools(isnan(i)), bools(isinf(i)), bools(isfinite(i))], [[false, false], [false, false], [true, true]]);
  assert.equal(isinf(i).shape, [1, 2]);
  const b = tensor([true, false]);
  assert.equal([bools(isnan(b)), bools(isinf(b)), bools(isfinite(b))], [[false, false], [false, false], [true, true]]);
  assert.throws(() => (isnan as (...a: unknown[]) => unknown)(b, 1), /isnan: takes at most 1 arguments, got 2/);
  assert.throws(() => isfinite([1] as never), /isfinite: expected a Tensor, got object/);
});

test('masks take bool: index([mask]), maskedFill, where; int32 0/1 masks still work', () => {
  const x = arange(6).reshape([2, 3]);
  const mask = gt(x, 2.5);
  assert.equal(x.index([mask]).tolist(), [3, 4, 5]);
  assert.equal(x.index([':', tensor([true, false, true])]).tolist(), [[0, 2], [3, 5]]);
  assert.equal(x.index([{ mask: mask.int() }]).tolist(), [3, 4, 5]);
  assert.equal(maskedFill(x, mask, -1).tolist(), [[0, 1, 2], [-1, -1, -1]]);
  assert.equal(maskedFill(x, mask.int(), -1).tolist(), [[0, 1, 2], [-1, -1, -1]]);
  assert.equal(where(mask, x, 10).tolist(), [[10, 10, 10], [3, 4, 5]]);
  assert.equal(where(mask.int(), x, 10).tolist(), [[10, 10, 10], [3, 4, 5]]);
  // maskedFill keeps x's dtype, as PyTorch (bool stays bool, an int32 x truncates the value)
  const flags = maskedFill(tensor([false, true]), tensor([true, false]), 5);
  assert.is(flags.dtype, 'bool');
  assert.equal(Array.from(flags.data), [1, 1]);
  assert.equal(maskedFill(tensor([1, 2], { dtype: 'int32' }), tensor([true, false]), 0.5).tolist(), [0, 2]);
  // triu/tril and pad keep bool, a pad value is stored as bool
  const t = triu(tensor([[true, true], [true, true]]));
  assert.is(t.dtype, 'bool');
  assert.equal(Array.from(t.data), [1, 1, 0, 1]);
  assert.equal(Array.from(pad(tensor([false]), [1, 1], { value: 2 }).data), [1, 0, 1]);
  // where of two bool operands stays bool
  const w = where(tensor([true, false]), tensor([true, true]), tensor([false, false]));
  assert.is(w.dtype, 'bool');
  assert.equal(bools(w), [true, false]);
  assert.equal(x.index([tensor([true, false])]).tolist(), [[0, 1, 2]]);
  assert.throws(() => x.index([tensor([true, false, true])]), /index: a mask must be bool \(or int32 0\/1\) and shaped like the dims it covers \[2\], got bool \[3\]/);
  // the gradient flows through a bool-masked index
  const leaf = randn([2, 3], { requiresGrad: true });
  leaf.index([mask]).sum().backward();
  assert.equal(Array.from(leaf.grad!.data), [0, 0, 0, 1, 1, 1]);
});

test('attention masks: bool true = takes part (scaledDotProductAttention, as PyTorch 2), same as the int32 form', () => {
  const q = randn([1, 3, 4]);
  const allowed = tensor([[true, false, false], [true, true, false], [true, true, true]]);
  const withBool = scaledDotProductAttention(q, q, q, { attnMask: allowed });
  const withInt = scaledDotProductAttention(q, q, q, { attnMask: allowed.int() });
  const causal = scaledDotProductAttention(q, q, q, { isCausal: true });
  assert.equal(withBool.tolist(), withInt.tolist());
  assert.equal(withBool.tolist(), causal.tolist());
});

test('ops that need floating point refuse bool with the dtype named, never computing into 0/1 storage', () => {
  const b = tensor([[true, false], [false, true]]);
  assert.throws(() => softmax(b, 1), /softmax: expected a floating-point tensor, got bool/);
  assert.throws(() => matmul(b, b), /matmul: expected floating-point tensors, got bool and bool/);
  assert.throws(() => layerNorm(b, [2]), /layerNorm: expected a floating-point input, got bool/);
  assert.throws(() => dropout(b, 0.5), /dropout: expected a floating-point tensor, got bool/);
  assert.throws(() => crossEntropy(b, tensor([0, 1], { dtype: 'int32' })), /crossEntropy: expected floating-point input, got bool/);
  assert.throws(() => mseLoss(b, b), /mseLoss: expected floating-point input and target, got bool and bool/);
});

test('in-place writes into bool storage store nonzero as true', () => {
  const b = tensor([false, false, false]);
  noGrad(() => fill_(b, 2));
  assert.equal(Array.from(b.data), [1, 1, 1]);
  noGrad(() => copy_(b, tensor([0, 0.5, -3])));
  assert.equal(Array.from(b.data), [0, 1, 1]);
  // add_ is or, mul_ is and (PyTorch); a non-bool other cannot be written into bool, sub_ is refused
  const c = tensor([true, false, false]);
  c.add_(tensor([true, true, false]));
  assert.equal(Array.from(c.data), [1, 1, 0]);
  c.add_(tensor([false, false, true]), { alpha: 0 });
  assert.equal(Array.from(c.data), [1, 1, 0]);
  c.mul_(tensor([true, false, true]));
  assert.equal(Array.from(c.data), [1, 0, 0]);
  assert.throws(() => c.add_(2), /add_: the result of self of dtype bool and other 2 can't be written into self of dtype bool/);
  assert.throws(() => c.mul_(tensor([2, 2, 2])), /mul_: the result of self of dtype bool and other of dtype float32 can't be written/);
  assert.throws(() => c.sub_(c), /sub_: subtracting from a bool tensor is not supported/);
  // a bool other adds into int32 and float32 as 0/1
  assert.equal(tensor([1, 2], { dtype: 'int32' }).add_(tensor([true, false])).tolist(), [2, 2]);
  assert.equal(tensor([0.5, 2]).mul_(tensor([true, false])).tolist(), [0.5, 0]);
  assert.throws(() => c.add_(tensor([true, false])), /add_: other of shape \[2\] cannot be broadcast to self's shape \[3\]/);
});

test('printing shows true/false (PyTorch: True/False), with no dtype unless empty', () => {
  assert.is(String(tensor([true, false])), 'tensor([ true, false])');
  assert.is(String(tensor([[true], [false]])), 'tensor([[ true],\n        [false]])');
  assert.is(String(tensor(true)), 'tensor(true)');
  assert.is(String(zeros([0], { dtype: 'bool' })), 'tensor([], size=[0], dtype=bool)');
  assert.is(String(lt(tensor([1, 2]), 2)), 'tensor([ true, false])');
});

test('float-only ops turn bool into float32 or refuse it; tolist gives booleans; a bool output is never recorded', () => {
  const b = tensor([true, false]);
  assert.is(exp(b).dtype, 'float32');
  assert.equal(Array.from(exp(b).data), [Math.fround(Math.E), 1]);
  assert.equal(Array.from(sigmoid(b).data), [Math.fround(1 / (1 + Math.exp(-1))), 0.5]);
  assert.throws(() => clamp(b, 2), /clamp: not supported on bool tensors/);
  assert.throws(() => pow(b, tensor(-1, { dtype: 'int32' })), /pow: integers to negative integer powers are not allowed/);
  assert.throws(() => batchNorm(tensor([[true], [false]]), { training: true }), /batchNorm: expected a floating-point input, got bool/);
  assert.throws(() => conv2d(tensor([true], { shape: [1, 1, 1, 1] }), randn([1, 1, 1, 1])), /conv2d: expected input, weight and bias of one floating dtype, got bool/);
  assert.equal(tensor([[true, false]]).tolist(), [[true, false]]);
  assert.is(tensor(true).tolist(), true);
  const isPositive = defineOp({ name: 'isPositive', signatures: ['Tensor'], forward: (_ctx, x: Tensor) => gt(x, 0), backward: (_ctx, g) => [g] });
  const y = isPositive(randn([2], { requiresGrad: true }));
  assert.is(y.requiresGrad, false);
  assert.is(y.gradFn, null);
});

test.run();

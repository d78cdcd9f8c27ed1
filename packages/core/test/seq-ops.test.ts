import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Tensor, assertClose, causalMask, embedding, gradcheck, layerNorm, manualSeed, randint, randn, scaledDotProductAttention, tensor,
} from '@torchlet/core';

manualSeed(11);
const f64 = { dtype: 'float64' as const, requiresGrad: true };

test('embedding picks rows for indices of any shape, and its gradient scatter-adds repeated indices', () => {
  const w = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64', requiresGrad: true });
  const idx = tensor([[0, 2], [2, 2]], { dtype: 'int32' });
  const out = embedding(idx, w);
  assert.equal(out.shape, [2, 2, 2]);
  assert.equal(out.tolist(), [[[1, 2], [5, 6]], [[5, 6], [5, 6]]]);
  out.sum().backward();
  assert.equal(w.grad!.tolist(), [[1, 1], [0, 0], [3, 3]]);
  assert.equal(embedding(tensor(1, { dtype: 'int32' }), w).tolist(), [3, 4]);
  const many = randint(0, 5, [3, 4], { dtype: 'int32' });
  gradcheck((weight) => embedding(many, weight), [randn([5, 3], f64)]);
});

test('embedding with paddingIdx returns the padding row but gives it no gradient (negative index counts from the end)', () => {
  const w = tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64', requiresGrad: true });
  const idx = tensor([1, 2, 1, 0], { dtype: 'int32' });
  const out = embedding(idx, w, { paddingIdx: -2 });
  assert.equal(out.tolist(), [[3, 4], [5, 6], [3, 4], [1, 2]]);
  out.mul(tensor([[1, 1], [2, 2], [3, 3], [4, 4]], { dtype: 'float64' })).sum().backward();
  assert.equal(w.grad!.tolist(), [[4, 4], [0, 0], [2, 2]]);
});

test('embedding refuses bad indices, weights and paddingIdx, naming the op', () => {
  const w = randn([4, 2]);
  assert.throws(() => embedding(tensor([0, 4], { dtype: 'int32' }), w), /embedding: index 4 is out of range for a weight of 4 embeddings/);
  assert.throws(() => embedding(tensor([-1], { dtype: 'int32' }), w), /embedding: index -1 is out of range/);
  assert.throws(() => embedding(tensor([0.5]), w), /embedding: indices must be int32, got float32/);
  assert.throws(() => embedding(tensor([0], { dtype: 'int32' }), randn([4])), /embedding: weight must be 2-D/);
  assert.throws(() => embedding(tensor([0], { dtype: 'int32' }), w, { paddingIdx: 4 }), /embedding: paddingIdx must be an integer in \[-4, 3\]/);
  assert.throws(() => embedding(tensor([0], { dtype: 'int32' }), w, { padding: 1 } as object), /embedding: unknown option "padding"/);
});

/** Layer norm over the last `k` dims from the definition, in float64. */
function naiveLayerNorm(x: Tensor, k: number, eps: number): number[] {
  const n = x.shape.slice(x.ndim - k).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let r = 0; r < x.numel() / n; r++) {
    const row = Array.from(x.data.subarray(r * n, (r + 1) * n));
    const m = row.reduce((a, b) => a + b, 0) / n;
    const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / n;
    for (const value of row) out.push((value - m) / Math.sqrt(v + eps));
  }
  return out;
}

test('layerNorm matches the definition and is gradchecked in x, weight and bias', () => {
  const x = randn([3, 4, 5], { dtype: 'float64' }).mul(2).add(1);
  assertClose(layerNorm(x, 5), naiveLayerNorm(x, 1, 1e-5), { atol: 1e-12, rtol: 1e-12 });
  assertClose(layerNorm(x, [4, 5], { eps: 0.1 }), naiveLayerNorm(x, 2, 0.1), { atol: 1e-12, rtol: 1e-12 });
  gradcheck((a, w, b) => layerNorm(a, [5], { weight: w, bias: b }), [randn([3, 4, 5], f64), randn([5], f64), randn([5], f64)]);
  gradcheck((a, w) => layerNorm(a, [2, 3], { weight: w, eps: 1e-3 }), [randn([4, 2, 3], f64), randn([2, 3], f64)]);
});

test('layerNorm refuses shapes that do not fit, naming the op', () => {
  const x = randn([2, 3]);
  assert.throws(() => layerNorm(x, 4), /layerNorm: input of shape \[2, 3\] does not end in normalizedShape \[4\]/);
  assert.throws(() => layerNorm(x, 3, { weight: randn([2]) }), /layerNorm: weight must have shape \[3\], got \[2\]/);
  assert.throws(() => layerNorm(x, 3, { bias: randn([3], { dtype: 'float64' }) }), /layerNorm: bias has dtype float64 but the input is float32/);
  assert.throws(() => layerNorm(x, []), /layerNorm: normalizedShape must be a non-empty list/);
  assert.throws(() => layerNorm(x, 3, { eps: -1 }), /layerNorm: eps must be a non-negative number/);
});

/** softmax(q kᵀ/sqrt(d) + mask) v written out with loops, for one [L, E] x [S, E] x [S, Ev] problem. */
function naiveAttention(q: number[][], k: number[][], v: number[][], allowed: (i: number, j: number) => boolean): number[][] {
  const d = q[0].length;
  return q.map((qi, i) => {
    const s = k.map((kj, j) => (allowed(i, j) ? qi.reduce((a, x, e) => a + x * kj[e], 0) / Math.sqrt(d) : -Infinity));
    const m = Math.max(...s);
    const p = s.map((x) => Math.exp(x - m));
    const z = p.reduce((a, b) => a + b, 0);
    return v[0].map((_, e) => p.reduce((a, pj, j) => a + (pj / z) * v[j][e], 0));
  });
}

test('scaledDotProductAttention matches the definition, with isCausal and with boolean and additive masks', () => {
  const q = randn([2, 4, 3], { dtype: 'float64' });
  const k = randn([2, 5, 3], { dtype: 'float64' });
  const v = randn([2, 5, 2], { dtype: 'float64' });
  const rows = (t: Tensor, b: number) => (t.tolist() as number[][][])[b];
  const causal = scaledDotProductAttention(q, k, v, { isCausal: true });
  const boolMask = tensor([[1, 0, 1, 1, 0], [1, 1, 1, 1, 1], [0, 0, 0, 0, 1], [1, 1, 0, 0, 0]], { dtype: 'int32' });
  const masked = scaledDotProductAttention(q, k, v, { attnMask: boolMask });
  const additive = scaledDotProductAttention(q, k, v, { attnMask: boolMask.double().sub(1).mul(1e30) });
  for (let b = 0; b < 2; b++) {
    assertClose(rows(causal, b).flat(), naiveAttention(rows(q, b), rows(k, b), rows(v, b), (i, j) => j <= i).flat(), { atol: 1e-12 });
    const want = naiveAttention(rows(q, b), rows(k, b), rows(v, b), (i, j) => boolMask.data[i * 5 + j] !== 0).flat();
    assertClose(rows(masked, b).flat(), want, { atol: 1e-12 });
    assertClose(rows(additive, b).flat(), want, { atol: 1e-12 });
  }
  assert.equal(causalMask(2, 3).tolist(), [[1, 0, 0], [1, 1, 0]]);
});

test('scaledDotProductAttention is gradchecked in query, key and value, with a mask and a custom scale', () => {
  const mask = randn([3, 4], { dtype: 'float64' });
  gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { attnMask: mask, scale: 0.3 }), [randn([2, 3, 2], f64), randn([2, 4, 2], f64), randn([2, 4, 3], f64)]);
  gradcheck((q, k, v) => scaledDotProductAttention(q, k, v, { isCausal: true }), [randn([1, 2, 4, 3], f64), randn([1, 2, 4, 3], f64), randn([1, 2, 4, 3], f64)]);
});

test('scaledDotProductAttention refuses mismatched shapes and masks, naming the op', () => {
  const q = randn([2, 3]);
  assert.throws(() => scaledDotProductAttention(q, randn([4, 2]), randn([4, 3])), /scaledDotProductAttention: query \[2, 3\] and key \[4, 2\] must have the same last dim/);
  assert.throws(() => scaledDotProductAttention(q, randn([4, 3]), randn([5, 3])), /scaledDotProductAttention: key \[4, 3\] and value \[5, 3\] must have the same length/);
  assert.throws(() => scaledDotProductAttention(q, randn([4, 3]), randn([4, 3]), { attnMask: randn([3, 4]) }), /attnMask of shape \[3, 4\] does not fit the scores \[2, 4\]/);
  assert.throws(() => scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: randn([2, 2]) }), /either attnMask or isCausal/);
  assert.throws(() => scaledDotProductAttention(randn([3]), q, q), /query must be at least 2-D/);
});

test.run();

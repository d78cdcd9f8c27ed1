import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, randn, gradcheck, assertClose, manualSeed, matmul, linear, broadcastShapes } from '@torchlet/core';

manualSeed(5);
const rnd = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });

/**
 * torch.matmul from its definition: 1-D operands become [1, K] / [K, 1], batch dims broadcast, then one
 * triple loop per batch element; the added dims are dropped at the end.
 */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; data: number[] } {
  const as = a.ndim === 1 ? [1, a.shape[0]] : [...a.shape];
  const bs = b.ndim === 1 ? [b.shape[0], 1] : [...b.shape];
  const [M, K] = as.slice(-2);
  const N = bs[bs.length - 1];
  const aBatch = as.slice(0, -2);
  const bBatch = bs.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch)!;
  const count = batch.reduce((x, y) => x * y, 1);
  const data: number[] = [];
  /** Flat batch offset (in matrices) of batch position n read as broadcast from `own` to `batch`. */
  const batchOffset = (n: number, own: number[]): number => {
    let off = 0;
    let stride = 1;
    let rem = n;
    for (let d = batch.length - 1; d >= 0; d--) {
      const i = rem % batch[d];
      rem = Math.floor(rem / batch[d]);
      const od = d - (batch.length - own.length);
      if (od >= 0) {
        if (own[od] !== 1) off += i * stride;
        stride *= own[od];
      }
    }
    return off;
  };
  for (let n = 0; n < count; n++) {
    const ao = batchOffset(n, aBatch) * M * K;
    const bo = batchOffset(n, bBatch) * K * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a.data[ao + i * K + k] * b.data[bo + k * N + j];
        data.push(s);
      }
    }
  }
  const shape = [...batch];
  if (a.ndim > 1) shape.push(M);
  if (b.ndim > 1) shape.push(N);
  return { shape, data };
}

const cases: [string, number[], number[]][] = [
  ['1-D · 1-D (dot)', [5], [5]],
  ['1-D · 2-D', [3], [3, 4]],
  ['2-D · 1-D', [4, 3], [3]],
  ['2-D · 2-D', [3, 5], [5, 2]],
  ['2-D · 2-D, sizes past the 4×4 tile', [9, 7], [7, 6]],
  ['batched 3-D · 3-D', [2, 3, 4], [2, 4, 5]],
  ['broadcast batch [2, 1, 3, 4] · [5, 4, 2]', [2, 1, 3, 4], [5, 4, 2]],
  ['batched · 2-D', [3, 2, 4], [4, 3]],
  ['2-D · batched', [2, 4], [3, 4, 2]],
  ['batched · 1-D', [2, 3, 4], [4]],
  ['1-D · batched', [4], [2, 4, 3]],
];

test('matmul forward matches torch.matmul semantics on every case', () => {
  for (const [name, sa, sb] of cases) {
    for (const dtype of ['float32', 'float64'] as const) {
      const a = randn(sa, { dtype });
      const b = randn(sb, { dtype });
      const y = matmul(a, b);
      const ref = naiveMatmul(a, b);
      assert.equal(y.shape, ref.shape, name);
      assert.is(y.dtype, dtype);
      assertClose(y, ref.data, dtype === 'float32' ? { atol: 1e-5, rtol: 1e-5 } : { atol: 1e-12, rtol: 1e-12 });
    }
  }
});

test('matmul on hand-computed values', () => {
  assert.equal(matmul(tensor([1, 2, 3]), tensor([4, 5, 6])).tolist(), 32);
  assert.equal(matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])).tolist(), [[19, 22], [43, 50]]);
  assert.equal(matmul(tensor([1, 2]), tensor([[5, 6], [7, 8]])).tolist(), [19, 22]);
  assert.equal(tensor([[1, 2], [3, 4]]).matmul(tensor([1, 1])).tolist(), [3, 7]);
  assert.equal(matmul(tensor([1, 2]), tensor([[5, 6], [7, 8]])).shape, [2]);
  assert.equal(matmul(randn([0, 3]), randn([3, 2])).shape, [0, 2]);
});

test('matmul gradcheck on every case', () => {
  for (const [name, sa, sb] of cases) {
    try {
      gradcheck((a, b) => matmul(a, b), [rnd(sa), rnd(sb)]);
    } catch (e) {
      assert.unreachable(`${name}: ${(e as Error).message}`);
    }
  }
  // the same operand on both sides, so both gradients flow into one leaf
  gradcheck((a) => matmul(a, a), [rnd([2, 3, 3])]);
  // only one side requires grad
  const frozen = randn([4, 2], { dtype: 'float64' });
  gradcheck((a) => matmul(a, frozen), [rnd([3, 4])]);
  gradcheck((b) => matmul(frozen, b), [rnd([2, 5])]);
});

test('matmul errors', () => {
  assert.throws(() => matmul(tensor(2), randn([2])), /matmul: both arguments need at least 1 dimension, got shapes \[\] and \[2\]/);
  assert.throws(() => matmul(randn([2]), tensor(2)), /matmul: both arguments need at least 1 dimension/);
  assert.throws(() => matmul(randn([2, 3]), randn([4, 5])), /matmul: shapes \[2, 3\] and \[4, 5\] cannot be multiplied \(3 != 4\)/);
  assert.throws(() => matmul(randn([3]), randn([4])), /matmul: shapes \[3\] and \[4\] cannot be multiplied \(3 != 4\)/);
  assert.throws(() => matmul(randn([2, 2, 3]), randn([3, 3, 2])), /matmul: batch dimensions of \[2, 2, 3\] and \[3, 3, 2\] cannot be broadcast together/);
  const i = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
  assert.throws(() => matmul(i, i), /matmul: expected floating-point tensors, got int32 and int32/);
  assert.throws(() => matmul(randn([2, 2]), i), /matmul: expected floating-point tensors, got float32 and int32/);
});

// ----- linear

/** y[r][o] = Σi x[r][i]·w[o][i] + b[o] over the rows r of x seen as [rows, in]. */
function naiveLinear(x: Tensor, w: Tensor, b: Tensor | null): number[] {
  const [O, I] = w.shape;
  const rows = x.numel() / I;
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < O; o++) {
      let s = b ? b.data[o] : 0;
      for (let i = 0; i < I; i++) s += x.data[r * I + i] * w.data[o * I + i];
      out.push(s);
    }
  }
  return out;
}

test('linear forward against the naive loop, with and without bias, 1-D, 2-D and 3-D input', () => {
  for (const xs of [[5], [3, 5], [2, 3, 5], [2, 2, 2, 5]]) {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = randn(xs, { dtype });
      const w = randn([6, 5], { dtype });
      const b = randn([6], { dtype });
      const tol = dtype === 'float32' ? { atol: 1e-5, rtol: 1e-5 } : { atol: 1e-12, rtol: 1e-12 };
      const y = linear(x, w, b);
      assert.equal(y.shape, [...xs.slice(0, -1), 6]);
      assertClose(y, naiveLinear(x, w, b), tol);
      assertClose(linear(x, w), naiveLinear(x, w, null), tol);
      assertClose(linear(x, w, null), naiveLinear(x, w, null), tol);
      assertClose(linear(x, w, undefined), naiveLinear(x, w, null), tol);
    }
  }
  assert.equal(linear(tensor([[1, 2]]), tensor([[1, 0], [1, 1], [0, 2]]), tensor([10, 20, 30])).tolist(), [[11, 23, 34]]);
});

test('linear gradcheck with and without bias, 2-D and 3-D input', () => {
  gradcheck((x, w, b) => linear(x, w, b), [rnd([4, 3]), rnd([5, 3]), rnd([5])]);
  gradcheck((x, w) => linear(x, w), [rnd([4, 3]), rnd([5, 3])]);
  gradcheck((x, w, b) => linear(x, w, b), [rnd([2, 3, 6]), rnd([7, 6]), rnd([7])]);
  gradcheck((x, w) => linear(x, w), [rnd([2, 3, 6]), rnd([2, 6])]);
  gradcheck((x, w, b) => linear(x, w, b), [rnd([6]), rnd([2, 6]), rnd([2])]);
  // weight alone (frozen input), bias alone
  const x = randn([3, 4], { dtype: 'float64' });
  gradcheck((w) => linear(x, w), [rnd([2, 4])]);
  const w = randn([2, 4], { dtype: 'float64' });
  gradcheck((b) => linear(x, w, b), [rnd([2])]);
});

test('linear errors', () => {
  const x = randn([3, 4]);
  assert.throws(() => linear(x, randn([4])), /linear: weight must be 2-D \[out, in\], got shape \[4\]/);
  assert.throws(() => linear(x, randn([2, 5])), /linear: input of shape \[3, 4\] has 4 features but weight \[2, 5\] expects 5/);
  assert.throws(() => linear(tensor(1), randn([2, 1])), /linear: input must be at least 1-D with 1 features in its last dim, got shape \[\]/);
  assert.throws(() => linear(x, randn([2, 4]), randn([3])), /linear: bias must have shape \[2\], got \[3\]/);
  assert.throws(() => linear(x, randn([2, 4]), randn([1, 2])), /linear: bias must have shape \[2\], got \[1, 2\]/);
  assert.throws(() => linear(x, randn([2, 4], { dtype: 'float64' })), /linear: expected input, weight and bias of one floating dtype, got float32, float64/);
  assert.throws(
    () => linear(tensor([[1, 2]], { dtype: 'int32' }), tensor([[1, 2]], { dtype: 'int32' })),
    /linear: expected input, weight and bias of one floating dtype, got int32, int32/,
  );
  assert.throws(() => linear(x, randn([2, 4]), randn([2], { dtype: 'float64' })), /got float32, float32, float64/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Tensor, assertClose, batchNorm, gradcheck, manualSeed, ones, rand, randn, tensor, zeros } from '@torchlet/core';

manualSeed(7);

/** Per-channel batch normalisation written directly from the definition, over x [N, C, ...]. */
function naiveBatchNorm(x: Tensor, mean: ArrayLike<number> | null, variance: ArrayLike<number> | null, w: Tensor | null, b: Tensor | null, eps: number) {
  const [N, C] = x.shape;
  const S = x.numel() / (N * C);
  const out = new Float64Array(x.numel());
  const batchMean = new Float64Array(C);
  const biasedVar = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const values: number[] = [];
    for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) values.push(x.data[(n * C + c) * S + s]);
    const m = values.reduce((p, v) => p + v, 0) / values.length;
    batchMean[c] = m;
    biasedVar[c] = values.reduce((p, v) => p + (v - m) ** 2, 0) / values.length;
    const useMean = mean ? mean[c] : m;
    const useVar = variance ? variance[c] : biasedVar[c];
    for (let n = 0; n < N; n++)
      for (let s = 0; s < S; s++) {
        const i = (n * C + c) * S + s;
        out[i] = ((x.data[i] - useMean) / Math.sqrt(useVar + eps)) * (w ? w.data[c] : 1) + (b ? b.data[c] : 0);
      }
  }
  return { out, batchMean, biasedVar };
}

test('batchNorm training forward matches the definition for [N, C] and [N, C, H, W]', () => {
  for (const shape of [[8, 3], [4, 3, 5, 2], [2, 4, 3, 3]]) {
    for (const dtype of ['float64', 'float32'] as const) {
      const x = randn(shape, { dtype }).mul(3).add(1);
      const w = randn([shape[1]], { dtype });
      const b = randn([shape[1]], { dtype });
      const tol = dtype === 'float64' ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-5, rtol: 1e-5 };
      assertClose(batchNorm(x, { weight: w, bias: b, training: true }), naiveBatchNorm(x, null, null, w, b, 1e-5).out, tol);
      assertClose(batchNorm(x, { training: true, eps: 0.1 }), naiveBatchNorm(x, null, null, null, null, 0.1).out, tol);
      assert.is(batchNorm(x, { training: true }).dtype, dtype);
    }
  }
  // Hand example: channel values 1 and 3 have mean 2 and biased variance 1, so they become -1 and 1.
  assertClose(batchNorm(tensor([[1], [3]]), { training: true, eps: 0 }), [-1, 1]);
});

test('batchNorm training updates the running stats in place with momentum and the unbiased variance', () => {
  const runningMean = zeros([1]);
  const runningVar = ones([1]);
  const v0 = runningMean.version;
  batchNorm(tensor([[1], [3]]), { runningMean, runningVar, training: true });
  // mean 2, unbiased variance 2: 0.9·0 + 0.1·2 and 0.9·1 + 0.1·2
  assertClose(runningMean, [0.2]);
  assertClose(runningVar, [1.1]);
  assert.ok(runningMean.version > v0 && runningVar.version > v0);

  const x = randn([5, 3, 4, 4], { dtype: 'float64' });
  const rm = randn([3], { dtype: 'float64' });
  const rv = rand([3], { dtype: 'float64' }).add(0.5);
  const rm0 = Array.from(rm.data);
  const rv0 = Array.from(rv.data);
  batchNorm(x, { runningMean: rm, runningVar: rv, training: true, momentum: 0.3 });
  const { batchMean, biasedVar } = naiveBatchNorm(x, null, null, null, null, 0);
  const M = 5 * 4 * 4;
  assertClose(rm, rm0.map((r, c) => 0.7 * r + 0.3 * batchMean[c]), { atol: 1e-12, rtol: 1e-12 });
  assertClose(rv, rv0.map((r, c) => 0.7 * r + 0.3 * biasedVar[c] * (M / (M - 1))), { atol: 1e-12, rtol: 1e-12 });
});

test('batchNorm eval uses the running stats and leaves them alone; training without them updates nothing', () => {
  const x = randn([6, 3, 2, 2], { dtype: 'float64' });
  const rm = randn([3], { dtype: 'float64' });
  const rv = rand([3], { dtype: 'float64' }).add(0.5);
  const w = randn([3], { dtype: 'float64' });
  const b = randn([3], { dtype: 'float64' });
  const before = [Array.from(rm.data), Array.from(rv.data), rm.version];
  const y = batchNorm(x, { runningMean: rm, runningVar: rv, weight: w, bias: b });
  assertClose(y, naiveBatchNorm(x, rm.data, rv.data, w, b, 1e-5).out, { atol: 1e-12, rtol: 1e-12 });
  assert.equal([Array.from(rm.data), Array.from(rv.data), rm.version], before);
  assertClose(batchNorm(x, { runningMean: rm, runningVar: rv, training: false, eps: 0.5 }), naiveBatchNorm(x, rm.data, rv.data, null, null, 0.5).out);
  assertClose(batchNorm(x, { training: true }), naiveBatchNorm(x, null, null, null, null, 1e-5).out, { atol: 1e-12, rtol: 1e-12 });
});

test('batchNorm passes gradcheck in training and eval, with and without affine, 2-D and 4-D', () => {
  for (const shape of [[6, 3], [3, 2, 3, 4]]) {
    const C = shape[1];
    for (const training of [true, false]) {
      for (const affine of [true, false]) {
        const x = randn(shape, { dtype: 'float64', requiresGrad: true });
        const w = randn([C], { dtype: 'float64', requiresGrad: true });
        const b = randn([C], { dtype: 'float64', requiresGrad: true });
        const runningMean = randn([C], { dtype: 'float64' });
        const runningVar = rand([C], { dtype: 'float64' }).add(0.5);
        // Running stats are left out in training so that gradcheck's repeated calls see the same function.
        const stats = training ? {} : { runningMean, runningVar };
        const fn = affine
          ? (xi: Tensor, wi: Tensor, bi: Tensor) => batchNorm(xi, { ...stats, weight: wi, bias: bi, training })
          : (xi: Tensor) => batchNorm(xi, { ...stats, training });
        gradcheck(fn, affine ? [x, w, b] : [x], { atol: 1e-6, rtol: 1e-4 });
      }
    }
  }
});

test('batchNorm gradient of the weight alone, and the closed-form input gradient sums to zero per channel in training', () => {
  const x = randn([4, 2, 3, 3], { dtype: 'float64', requiresGrad: true });
  const w = randn([2], { dtype: 'float64', requiresGrad: true });
  const y = batchNorm(x, { weight: w, training: true });
  assert.is(y.gradFn, 'batchNormBackward');
  const dy = randn(y.shape, { dtype: 'float64' });
  y.backward(dy);
  // dL/dw[c] = Σ dy · xhat
  const xhat = naiveBatchNorm(x, null, null, null, null, 1e-5).out;
  const expected = [0, 0];
  for (let i = 0; i < xhat.length; i++) expected[Math.floor(i / 9) % 2] += dy.data[i] * xhat[i];
  assertClose(w.grad!, expected, { atol: 1e-12, rtol: 1e-10 });
  const sums = [0, 0];
  for (let i = 0; i < x.numel(); i++) sums[Math.floor(i / 9) % 2] += x.grad!.data[i];
  assertClose(sums, [0, 0], { atol: 1e-12 });
});

test('batchNorm rejects bad input with messages naming the op and the shapes', () => {
  const x = zeros([4, 3]);
  assert.throws(() => batchNorm(x), /^batchNorm: runningMean and runningVar are required when training is false/);
  assert.throws(() => batchNorm(x, { runningMean: zeros([3]) }), /batchNorm: runningMean and runningVar must be given together/);
  assert.throws(() => batchNorm(x, { training: true, weight: zeros([4]) }), /^batchNorm: weight must have shape \[3\] for input \[4, 3\], got \[4\]$/);
  assert.throws(() => batchNorm(x, { runningMean: zeros([3]), runningVar: zeros([3, 1]) }), /batchNorm: runningVar must have shape \[3\] for input \[4, 3\], got \[3, 1\]/);
  assert.throws(() => batchNorm(x, { training: true, bias: zeros([3], { dtype: 'float64' }) }), /batchNorm: bias has dtype float64 but the input is float32/);
  assert.throws(() => batchNorm(zeros([3]), { training: true }), /batchNorm: expected an input \[N, C\] or \[N, C, H, W\], got shape \[3\]/);
  assert.throws(() => batchNorm(zeros([4, 3], { dtype: 'int32' }), { training: true }), /batchNorm: expected a floating-point input, got int32/);
  assert.throws(() => batchNorm(zeros([1, 3]), { training: true }), /batchNorm: expected more than 1 value per channel when training, got input \[1, 3\]/);
  assert.throws(() => batchNorm(x, { training: true, eps: -1 }), /batchNorm: eps must be a non-negative number, got -1/);
  assert.throws(() => batchNorm(x, { training: true, momentum: NaN }), /batchNorm: momentum must be a finite number, got NaN/);
  assert.throws(() => batchNorm(x, { training: 'yes' as never }), /batchNorm: training must be a boolean, got string/);
  assert.throws(() => batchNorm(x, { training: true, weight: [1, 2, 3] as never }), /batchNorm: weight must be a Tensor or null, got object/);
  // The saved input is version-checked.
  const leaf = randn([4, 3], { requiresGrad: true });
  const out = batchNorm(leaf, { training: true });
  leaf._bumpVersion();
  assert.throws(() => out.sum().backward(), /batchNorm: a tensor saved for backward .* was modified by an in-place operation/);
});

test.run();

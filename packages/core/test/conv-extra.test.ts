import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, conv1d, conv2d, convTranspose2d, gradcheck, manualSeed, randn } from '@torchlet/core';

manualSeed(3);
const f64 = { dtype: 'float64' as const, requiresGrad: true };

/** conv1d from its definition: out[n, o, l] = b[o] + Σ_c Σ_k w[o, c, k] · x[n, g·Cg + c, l·s - p + k·d]. */
function naiveConv1d(x: number[][][], w: number[][][], b: number[], s: number, p: number, d: number, groups: number): number[] {
  const [C, L] = [x[0].length, x[0][0].length];
  const [O, Cg, K] = [w.length, w[0].length, w[0][0].length];
  const Lo = Math.floor((L + 2 * p - d * (K - 1) - 1) / s) + 1;
  const out: number[] = [];
  for (const xn of x)
    for (let o = 0; o < O; o++)
      for (let l = 0; l < Lo; l++) {
        let acc = b[o];
        const g = Math.floor(o / (O / groups));
        for (let c = 0; c < Cg; c++)
          for (let k = 0; k < K; k++) {
            const at = l * s - p + k * d;
            if (at >= 0 && at < L) acc += w[o][c][k] * xn[g * Cg + c][at];
          }
        out.push(acc);
      }
  assert.is(C, Cg * groups);
  return out;
}

test('conv1d matches its definition and is gradchecked in input, weight and bias', () => {
  const x = randn([2, 4, 7], { dtype: 'float64' });
  const w = randn([6, 2, 3], { dtype: 'float64' });
  const b = randn([6], { dtype: 'float64' });
  const want = naiveConv1d(x.tolist() as number[][][], w.tolist() as number[][][], b.tolist() as number[], 2, 1, 2, 2);
  assertClose(conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }), want, { atol: 1e-12 });
  assert.equal(conv1d(randn([3, 8]), randn([5, 3, 3]), null, { padding: 'same' }).shape, [5, 8]);
  gradcheck((a, k, c) => conv1d(a, k, c, { stride: 2, padding: 1, dilation: 2, groups: 2 }), [randn([2, 4, 7], f64), randn([6, 2, 3], f64), randn([6], f64)]);
  assert.throws(() => conv1d(randn([2, 3, 5]), randn([4, 2, 3])), /conv1d: input \[2, 3, 5\], weight \[4, 2, 3\]: input has 3 channels/);
  assert.throws(() => conv1d(randn([5]), randn([4, 2, 3])), /conv1d: expected an input \[N, C, L\] or \[C, L\]/);
  assert.throws(() => conv1d(randn([1, 2, 5]), randn([4, 2, 3]), null, { stride: 0 }), /conv1d: stride must be an integer >= 1/);
});

test('convTranspose2d is the adjoint of conv2d: <conv2d(x, w), y> = <x, convTranspose2d(y, w)>, for strides, padding, dilation, groups', () => {
  const settings = [
    { stride: [2, 3], padding: [1, 0], dilation: [1, 2], groups: 2 },
    { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 },
    { stride: [3, 2], padding: [2, 1], dilation: [2, 1], groups: 1 },
  ] as const;
  for (const { stride, padding, dilation, groups } of settings) {
    const x = randn([2, 4, 9, 10], { dtype: 'float64' });
    const w = randn([6, 4 / groups, 3, 2], { dtype: 'float64' });
    const y0 = conv2d(x, w, null, { stride, padding, dilation, groups });
    const y = randn(y0.shape, { dtype: 'float64' });
    const [Ho, Wo] = y0.shape.slice(2);
    // output padding recovers the rows/columns that the forward stride dropped
    const outputPadding = [9 - ((Ho - 1) * stride[0] - 2 * padding[0] + dilation[0] * 2 + 1), 10 - ((Wo - 1) * stride[1] - 2 * padding[1] + dilation[1] + 1)] as [number, number];
    const xt = convTranspose2d(y, w, null, { stride, padding, dilation, groups, outputPadding });
    assert.equal(xt.shape, x.shape);
    assertClose(y0.mul(y).sum(), xt.mul(x).sum().item(), { atol: 1e-9, rtol: 1e-12 });
  }
});

test('convTranspose2d is gradchecked in input, weight and bias, and refuses bad arguments naming itself', () => {
  gradcheck((a, k, c) => convTranspose2d(a, k, c, { stride: 2, padding: 1, outputPadding: 1, groups: 2, dilation: [1, 2] }), [
    randn([1, 4, 3, 3], f64), randn([4, 1, 3, 2], f64), randn([2], f64),
  ]);
  assert.throws(() => convTranspose2d(randn([1, 3, 4, 4]), randn([2, 2, 3, 3])), /convTranspose2d: input has 3 channels but weight \[2, 2, 3, 3\] expects 2/);
  assert.throws(() => convTranspose2d(randn([1, 2, 4, 4]), randn([2, 2, 3, 3]), null, { outputPadding: 1 }), /convTranspose2d: outputPadding \[1, 1\] must be smaller than stride or dilation/);
  assert.throws(() => convTranspose2d(randn([1, 2, 4]), randn([2, 2, 3, 3])), /convTranspose2d: expected an input \[N, C, H, W\]/);
  assert.throws(() => convTranspose2d(randn([1, 2, 1, 1]), randn([2, 2, 1, 1]), null, { padding: 1 }), /convTranspose2d: .* gives an empty output/);
  assert.throws(() => convTranspose2d(randn([1, 3, 1, 1]), randn([3, 2, 1, 1]), null, { groups: 2 }), /convTranspose2d: input channels \(3\) must be divisible by groups \(2\)/);
});

test.run();

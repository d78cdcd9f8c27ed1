// Issue 10's conventions for the sequence ops: PyTorch's positional forms give what the options give, an argument
// PyTorch has but torchlet lacks is refused unless it has PyTorch's default, and unknown keys or one argument too
// many are errors naming the op.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  type Tensor, conv1d, convTranspose2d, embedding, layerNorm, manualSeed, randn, scaledDotProductAttention, tensor,
} from '@torchlet/core';

manualSeed(5);
type Loose = (...args: unknown[]) => Tensor;

test('embedding: paddingIdx positionally, the unsupported maxNorm/scaleGradByFreq/sparse refused unless at their defaults', () => {
  const w = randn([4, 3], { requiresGrad: true });
  const idx = tensor([0, 2, 2], { dtype: 'int32' });
  embedding(idx, w, 2).sum().backward();
  assert.equal((w.grad!.tolist() as number[][])[2], [0, 0, 0], 'paddingIdx 2 given positionally gets no gradient');
  assert.equal(embedding(idx, w, null, null, 2, false, false).tolist(), embedding(idx, w).tolist());
  assert.throws(() => embedding(idx, w, null, 1 as never), /embedding: maxNorm is not supported by torchlet .*got 1/);
  assert.throws(() => embedding(idx, w, { scaleGradByFreq: true as never }), /embedding: scaleGradByFreq is not supported/);
  assert.throws(() => embedding(idx, w, { sparse: true as never }), /embedding: sparse is not supported/);
  assert.throws(() => embedding(idx, w, { normType: 1 }), /embedding: normType is not supported/);
  assert.throws(() => embedding(idx, w, { padding_idx: 0 } as never), /embedding: unknown option "padding_idx".*did you mean "paddingIdx"\?/);
  assert.throws(() => (embedding as Loose)(idx, w, null, null, 2, false, false, 'more'), /embedding: got 6 positional arguments/);
});

test('layerNorm: weight, bias and eps positionally', () => {
  const x = randn([2, 3], { dtype: 'float64' });
  const g = randn([3], { dtype: 'float64' });
  const b = randn([3], { dtype: 'float64' });
  assert.equal(layerNorm(x, [3], g, b, 0.5).tolist(), layerNorm(x, [3], { weight: g, bias: b, eps: 0.5 }).tolist());
  assert.throws(() => layerNorm(x, [3], { epss: 1 } as never), /layerNorm: unknown option "epss".*did you mean "eps"\?/);
  assert.throws(() => (layerNorm as Loose)(x, [3], g, b, 0.5, 'more'), /layerNorm: got 4 positional arguments/);
});

test('scaledDotProductAttention: attnMask, dropoutP, isCausal and scale positionally', () => {
  const [q, k, v] = [randn([2, 4, 3]), randn([2, 4, 3]), randn([2, 4, 5])];
  assert.equal(scaledDotProductAttention(q, k, v, null, 0, true, 0.3).tolist(), scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.3 }).tolist());
  assert.throws(() => scaledDotProductAttention(q, k, v, { is_causal: true } as never), /scaledDotProductAttention: unknown option "is_causal".*did you mean "isCausal"\?/);
  assert.throws(() => (scaledDotProductAttention as Loose)(q, k, v, null, 0, true, 0.3, 'more'), /scaledDotProductAttention: got 5 positional arguments/);
});

test('conv1d and convTranspose2d: PyTorch positional forms after the bias', () => {
  const x = randn([1, 2, 9]);
  const w = randn([4, 1, 3]);
  const b = randn([4]);
  assert.equal(conv1d(x, w, b, 2, 1, 2, 2).tolist(), conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }).tolist());
  assert.equal(conv1d(x, randn([4, 2, 3]), b, 2).shape, [1, 4, 4], 'stride 2 is honoured');
  assert.throws(() => conv1d(x, w, b, { strides: 2 } as never), /conv1d: unknown option "strides".*did you mean "stride"\?/);
  assert.throws(() => (conv1d as Loose)(x, w, b, 1, 0, 1, 1, 'more'), /conv1d: got 6 positional arguments/);
  const xt = randn([1, 2, 3, 3]);
  const wt = randn([2, 3, 3, 3]);
  const want = convTranspose2d(xt, wt, null, { stride: 2, padding: 1, outputPadding: 1, groups: 1, dilation: 1 });
  assert.equal(convTranspose2d(xt, wt, null, 2, 1, 1, 1, 1).tolist(), want.tolist());
  assert.equal(want.shape, [1, 3, 6, 6]);
  assert.throws(() => convTranspose2d(xt, wt, null, { output_padding: 1 } as never), /convTranspose2d: unknown option "output_padding".*did you mean "outputPadding"\?/);
  assert.throws(() => (convTranspose2d as Loose)(xt, wt, null, 1, 0, 0, 1, 1, 'more'), /convTranspose2d: got 7 positional arguments/);
});

test.run();

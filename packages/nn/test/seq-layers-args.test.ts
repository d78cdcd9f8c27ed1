// Issue 10's conventions on the sequence layers beyond what examples/test/nothing-ignored.test.ts walks: PyTorch's
// arguments torchlet lacks are refused, the forward options are checked and take PyTorch's positional forms, and the
// layers call their children so that the children's hooks run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Tensor, manualSeed, randn, tensor, zeros } from '@torchlet/core';
import * as nn from '@torchlet/nn';

manualSeed(3);
type Loose = (...args: unknown[]) => unknown;

test("arguments PyTorch has and torchlet lacks are refused unless at PyTorch's default", () => {
  assert.throws(() => new nn.Embedding(5, 3, null, 1 as never), /Embedding: maxNorm is not supported by torchlet .*got 1/);
  assert.throws(() => new nn.Embedding(5, 3, { sparse: true as never }), /Embedding: sparse is not supported/);
  assert.throws(() => new nn.Embedding(5, 3, { scaleGradByFreq: true as never }), /Embedding: scaleGradByFreq is not supported/);
  assert.throws(() => new nn.MultiheadAttention(4, 2, 0, true, true as never), /MultiheadAttention: addBiasKv is not supported/);
  assert.throws(() => new nn.MultiheadAttention(4, 2, { addZeroAttn: true as never }), /MultiheadAttention: addZeroAttn is not supported/);
  assert.throws(() => new nn.Conv1d(2, 2, 3, { paddingMode: 'reflect' as never }), /Conv1d: paddingMode is not supported .*"reflect"/);
  assert.throws(() => new nn.ConvTranspose2d(2, 2, 3, 1, 0, 0, 1, true, 1, 'circular' as never), /ConvTranspose2d: paddingMode is not supported/);
  assert.throws(() => new nn.RNN(3, 4, { batch_first: true } as never), /RNN: unknown option "batch_first".*did you mean "batchFirst"\?/);
  assert.throws(() => new nn.LSTM(3, 4, 1, 'yes' as never), /LSTM: bias must be a boolean, got "yes"/);
  assert.throws(() => new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, 8), 1, 'norm' as never), /TransformerEncoder: norm must be a Module/);
  // the defaults themselves are accepted
  new nn.Embedding(5, 3, { maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: false });
  new nn.Conv1d(2, 2, 3, { paddingMode: 'zeros' });
});

test("Embedding's _weight is used as given (and _freeze keeps it fixed), as PyTorch's", () => {
  const w = tensor([[1, 2], [3, 4], [5, 6]]);
  const frozen = new nn.Embedding(3, 2, 0, null, 2, false, false, w, true);
  assert.equal(frozen.weight.tolist(), [[1, 2], [3, 4], [5, 6]], 'the padding row of a given weight is kept, as in PyTorch');
  assert.is(frozen.weight.requiresGrad, false);
  assert.is(new nn.Embedding(3, 2, { _weight: w }).weight.requiresGrad, true);
  assert.throws(() => new nn.Embedding(4, 2, { _weight: w }), /Embedding: _weight must be a Tensor of shape \[4, 2\], got shape \[3, 2\]/);
  assert.throws(() => new nn.Embedding(3, 2, { _freeze: true }), /Embedding: _freeze applies to a given _weight/);
});

test("MultiheadAttention.forward: PyTorch's positional form, unknown keys and the isCausal hint", () => {
  const mha = new nn.MultiheadAttention(4, 2, { batchFirst: true, dtype: 'float64' });
  const x = randn([2, 3, 4], { dtype: 'float64' });
  const pad = tensor([[0, 0, 1], [0, 0, 0]], { dtype: 'int32' });
  const [a, wa] = mha(x, x, x, { keyPaddingMask: pad, averageAttnWeights: false });
  const [b, wb] = mha.forward(x, x, x, pad, true, null, false);
  assert.equal(b.tolist(), a.tolist());
  assert.equal(wb!.shape, [2, 2, 3, 3]);
  assert.equal(wb!.tolist(), wa!.tolist());
  assert.is(mha.forward(x, x, x, null, false)[1], null, 'needWeights false given positionally');
  assert.throws(() => mha(x, x, x, { need_weights: false } as never), /MultiheadAttention.forward: unknown option "need_weights".*did you mean "needWeights"\?/);
  assert.throws(() => (mha.forward as Loose)(x, x, x, null, true, null, true, false, 'more'), /MultiheadAttention.forward: got 6 positional arguments/);
  assert.throws(() => mha(x, x, x, { isCausal: true }), /MultiheadAttention.forward: isCausal .* needs attnMask/);
  const causal = nn.generateSquareSubsequentMask(3, { dtype: 'float64' });
  assert.equal(mha(x, x, x, { attnMask: causal, isCausal: true })[0].tolist(), mha(x, x, x, { attnMask: causal })[0].tolist());
});

test("TransformerEncoderLayer and TransformerEncoder forwards: positional masks, unknown keys refused", () => {
  const layer = new nn.TransformerEncoderLayer(4, 2, 8, 0, 'relu', 1e-5, true, false, true, { dtype: 'float64' });
  const x = randn([2, 3, 4], { dtype: 'float64' });
  const mask = nn.generateSquareSubsequentMask(3, { dtype: 'float64' });
  assert.equal(layer.forward(x, mask).tolist(), layer(x, { srcMask: mask }).tolist());
  assert.throws(() => layer(x, { src_mask: mask } as never), /TransformerEncoderLayer.forward: unknown option "src_mask".*did you mean "srcMask"\?/);
  assert.throws(() => (layer.forward as Loose)(x, null, null, false, 'more'), /TransformerEncoderLayer.forward: got 4 positional arguments/);
  const encoder = new nn.TransformerEncoder(layer, 2, new nn.LayerNorm(4, { dtype: 'float64' }));
  assert.equal(encoder.forward(x, mask, null, true).tolist(), encoder(x, { mask }).tolist());
  assert.throws(() => encoder(x, { srcMask: mask } as never), /TransformerEncoder.forward: unknown option "srcMask"/);
  assert.throws(() => (encoder.forward as Loose)(x, null, null, null, 'more'), /TransformerEncoder.forward: got 4 positional arguments/);
});

test('RNN, GRU and LSTM refuse a forward argument beyond the initial state', () => {
  const x = randn([5, 2, 3]);
  assert.throws(() => (new nn.GRU(3, 4).forward as Loose)(x, null, 'more'), /GRU.forward: takes \(input, h0\), got 3 arguments/);
  assert.throws(() => (new nn.LSTM(3, 4).forward as Loose)(x, null, 'more'), /LSTM.forward: takes \(input, \[h0, c0\]\)/);
});

test("the layers call their children, so the children's forward hooks run", () => {
  const seen: string[] = [];
  const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0 });
  for (const [name, child] of layer.namedModules()) if (name) child.registerForwardHook(() => void seen.push(name));
  const encoder = new nn.TransformerEncoder(layer, 1, { norm: new nn.LayerNorm(4) });
  for (const [name, child] of encoder.namedModules()) if (name === 'norm' || name === 'layers.0') child.registerForwardHook(() => void seen.push(name));
  encoder(zeros([3, 1, 4]));
  // the hooks registered on `layer` are not on its copies; those on the encoder's own children run
  assert.equal(seen, ['layers.0', 'norm']);
  seen.length = 0;
  layer(zeros([3, 1, 4]));
  assert.equal(seen.sort(), ['dropout', 'dropout1', 'dropout2', 'linear1', 'linear2', 'norm1', 'norm2', 'self_attn', 'self_attn.out_proj'].sort());
});

test('TransformerEncoderLayer with bias false has no biases anywhere, as PyTorch 2.1', () => {
  const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8, bias: false });
  assert.equal([...layer.namedParameters()].map(([k]) => k).filter((k) => k.includes('bias')), []);
  const out: Tensor = layer(randn([3, 1, 4]));
  assert.equal(out.shape, [3, 1, 4]);
});

test.run();

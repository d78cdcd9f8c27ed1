import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, assertClose, gradcheck, randn, scaledDotProductAttention, tensor } from '@torchlet/core';
import {
  Conv1d, ConvTranspose2d, Embedding, GRU, LSTM, LayerNorm, type Module, MultiheadAttention, RNN, TransformerEncoder, TransformerEncoderLayer, generateSquareSubsequentMask,
} from '@torchlet/nn';

/** Reference values written by scripts/reference/seq_layers.py with PyTorch 1.13 in float64. */
interface Encoded {
  dtype: 'float64' | 'int32';
  shape: number[];
  data: number[];
}
interface Case {
  config: Record<string, unknown>;
  stateDict: Record<string, Encoded>;
  inputs: (Encoded | null)[];
  kwargs: Record<string, Encoded | boolean>;
  outputs: Encoded[];
  upstream: Encoded[];
  inputGrads: (Encoded | null)[];
  paramGrads: Record<string, Encoded>;
}

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'seq-layers.json');
const { cases } = JSON.parse(readFileSync(fixture, 'utf8')) as { cases: Record<string, Case> };

function decode(e: Encoded, requiresGrad = false): Tensor {
  return tensor(e.data, { shape: e.shape, dtype: e.dtype, requiresGrad: requiresGrad && e.dtype === 'float64' });
}

function flatten(out: unknown): Tensor[] {
  if (out === null) return [];
  if (out instanceof Tensor) return [out];
  return (out as unknown[]).flatMap(flatten);
}

const tol = { atol: 1e-10, rtol: 1e-8 };

/**
 * Loads PyTorch's state dict (keys unchanged) into `module`, runs `run` on the inputs, backpropagates
 * Σ output·upstream and compares outputs, input gradients and parameter gradients with PyTorch's.
 */
function check<M extends Module | null>(
  name: string, module: M, run: (m: M, inputs: Tensor[], kwargs: Record<string, Tensor | boolean>) => unknown,
): void {
  const c = cases[name];
  if (module) {
    const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, decode(v)]));
    const { missingKeys, unexpectedKeys } = module.loadStateDict(sd);
    assert.equal([missingKeys, unexpectedKeys], [[], []]);
    module.train();
  }
  const inputs = c.inputs.map((e) => (e ? decode(e, true) : null));
  const kwargs = Object.fromEntries(Object.entries(c.kwargs).map(([k, v]) => [k, typeof v === 'boolean' ? v : decode(v)]));
  const outs = flatten(run(module, inputs as Tensor[], kwargs));
  assert.is(outs.length, c.outputs.length, `${name}: number of outputs`);
  outs.forEach((o, i) => {
    assert.equal(o.shape, c.outputs[i].shape, `${name}: shape of output ${i}`);
    assertClose(o, c.outputs[i].data, tol);
  });
  outs.map((o, i) => o.mul(decode(c.upstream[i])).sum()).reduce((a, b) => a.add(b)).backward();
  c.inputGrads.forEach((g, i) => {
    if (g) assertClose(inputs[i]!.grad!, g.data, tol);
  });
  if (module) {
    const params = Object.fromEntries(module.namedParameters());
    assert.equal(Object.keys(params).sort(), Object.keys(c.paramGrads).sort(), `${name}: parameter names`);
    for (const [k, g] of Object.entries(c.paramGrads)) assertClose(params[k].grad!, g.data, tol);
  }
}

const f64 = { dtype: 'float64' as const };
type Kw = Record<string, Tensor | boolean>;
const mask = (kw: Kw, key: string): Tensor | null => (kw[key] as Tensor | undefined) ?? null;

test('Embedding matches PyTorch (the paddingIdx row gets no gradient)', () => {
  check('embedding', new Embedding(7, 3, { paddingIdx: 2, ...f64 }), (m, [idx]) => m.forward(idx));
});

test('LayerNorm over two trailing dims matches PyTorch', () => {
  check('layerNorm', new LayerNorm([3, 4], f64), (m, [x]) => m.forward(x));
});

test('RNN (tanh, 2 layers, bidirectional, initial state; relu, batchFirst, no bias) matches PyTorch', () => {
  check('rnnTanh', new RNN(3, 4, { numLayers: 2, bidirectional: true, ...f64 }), (m, [x, h0]) => m.forward(x, h0));
  check('rnnRelu', new RNN(3, 4, { nonlinearity: 'relu', bias: false, batchFirst: true, ...f64 }), (m, [x]) => m.forward(x));
});

test('GRU (2 layers, bidirectional, batchFirst, initial state; unbatched) matches PyTorch', () => {
  check('gru', new GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true, ...f64 }), (m, [x, h0]) => m.forward(x, h0));
  check('gruUnbatched', new GRU(2, 3, f64), (m, [x, h0]) => m.forward(x, h0));
});

test('LSTM (2 layers, bidirectional, [h0, c0]; unbatched; projSize) matches PyTorch', () => {
  check('lstm', new LSTM(3, 4, { numLayers: 2, bidirectional: true, ...f64 }), (m, [x, h0, c0]) => m.forward(x, [h0, c0]));
  check('lstmUnbatched', new LSTM(3, 2, { batchFirst: true, ...f64 }), (m, [x]) => m.forward(x));
  const proj = new LSTM(3, 4, { numLayers: 2, bidirectional: true, projSize: 2, batchFirst: true, ...f64 });
  check('lstmProj', proj, (m, [x, h0, c0]) => m.forward(x, [h0, c0]));
  assert.is(proj.toString(), 'LSTM(3, 4, numLayers=2, projSize=2, batchFirst=true, bidirectional=true)');
  assert.throws(() => new LSTM(3, 4, { projSize: 4 }), /LSTM: projSize must be an integer from 0 to hiddenSize - 1 \(3\), got 4/);
});

test('MultiheadAttention matches PyTorch: padding and float masks, kdim/vdim with per-head weights, unbatched without bias', () => {
  check('mha', new MultiheadAttention(6, 2, f64), (m, [q, k, v], kw) =>
    m.forward(q, k, v, { keyPaddingMask: mask(kw, 'key_padding_mask'), attnMask: mask(kw, 'attn_mask') }));
  check('mhaKdimVdim', new MultiheadAttention(4, 2, { kdim: 3, vdim: 5, batchFirst: true, ...f64 }), (m, [q, k, v], kw) =>
    m.forward(q, k, v, { attnMask: mask(kw, 'attn_mask'), averageAttnWeights: false }));
  check('mhaUnbatchedNoBias', new MultiheadAttention(4, 1, { bias: false, ...f64 }), (m, [q, k, v]) => m.forward(q, k, v, { needWeights: false }));
});

test('TransformerEncoderLayer matches PyTorch, post-norm with a causal mask and norm-first with gelu and key padding', () => {
  const post = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0, batchFirst: true, ...f64 });
  check('encoderPostNorm', post, (m, [x]) => m.forward(x, { srcMask: generateSquareSubsequentMask(5, f64) }));
  const pre = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, activation: 'gelu', normFirst: true, ...f64 });
  check('encoderNormFirst', pre, (m, [x], kw) => m.forward(x, { srcKeyPaddingMask: mask(kw, 'src_key_padding_mask') }));
});

test('TransformerEncoder (2 layers and a final norm, causal mask) matches PyTorch, its layers start as equal copies', () => {
  const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, ...f64 });
  const stack = new TransformerEncoder(layer, 2, { norm: new LayerNorm(4, f64) });
  assert.equal(stack.layers.at(0).stateDict()['linear1.weight'].tolist(), stack.layers.at(1).stateDict()['linear1.weight'].tolist());
  assert.ok(stack.layers.at(0).stateDict()['linear1.weight'] !== layer.stateDict()['linear1.weight']);
  check('encoderStack', stack, (m, [x]) => m.forward(x, { mask: generateSquareSubsequentMask(5, f64) }));
  assert.throws(() => new TransformerEncoder(new LayerNorm(4) as unknown as TransformerEncoderLayer, 2), /TransformerEncoder: encoderLayer must be a TransformerEncoderLayer/);
});

test('scaledDotProductAttention matches softmax(QKᵀ/sqrt(d) + mask)V from PyTorch 1.13', () => {
  check('sdpaCausal', null, (_, [q, k, v]) => scaledDotProductAttention(q, k, v, { isCausal: true }));
  check('sdpaMask', null, (_, [q, k, v, m]) => scaledDotProductAttention(q, k, v, { attnMask: m }));
});

test('Conv1d (stride, padding, dilation, groups; unbatched) and ConvTranspose2d (all options; padding beyond the kernel) match PyTorch', () => {
  check('conv1d', new Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2, ...f64 }), (m, [x]) => m.forward(x));
  check('conv1dUnbatched', new Conv1d(2, 3, 2, { bias: false, ...f64 }), (m, [x]) => m.forward(x));
  const options = { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], groups: 2, dilation: [1, 2], ...f64 } as const;
  check('convTranspose2d', new ConvTranspose2d(4, 6, [3, 2], options), (m, [x]) => m.forward(x));
  check('convTranspose2dBigPadding', new ConvTranspose2d(2, 3, 3, { padding: 3, bias: false, ...f64 }), (m, [x]) => m.forward(x));
  assert.is(new ConvTranspose2d(4, 6, [3, 2], options).toString(),
    'ConvTranspose2d(4, 6, kernelSize=[3, 2], stride=[2, 3], padding=[1, 0], outputPadding=[1, 2], dilation=[1, 2], groups=2)');
  assert.is(new Conv1d(4, 6, 3, { padding: 'same', groups: 2, bias: false }).toString(), "Conv1d(4, 6, kernelSize=3, stride=1, padding='same', groups=2, bias=false)");
  assert.throws(() => new ConvTranspose2d(3, 4, 2, { groups: 2 }), /ConvTranspose2d: inChannels \(3\) must be divisible by groups \(2\)/);
  assert.throws(() => new Conv1d(4, 3, 2, { groups: 2 }), /Conv1d: outChannels \(3\) must be divisible by groups \(2\)/);
});

test('state dicts carry PyTorch keys in PyTorch order', () => {
  assert.equal(Object.keys(new LSTM(2, 3, { numLayers: 2, bidirectional: true }).stateDict()).slice(0, 5), [
    'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_ih_l0_reverse',
  ]);
  assert.equal(Object.keys(new MultiheadAttention(4, 2, { kdim: 3 }).stateDict()), [
    'q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias',
  ]);
  assert.equal(Object.keys(new TransformerEncoderLayer(4, 2).stateDict()), Object.keys(cases.encoderPostNorm.stateDict));
});

test('layers gradcheck in float64 through whole sequences (GRU, LSTM, attention)', () => {
  const gru = new GRU(2, 3, f64);
  gradcheck((x) => gru.forward(x)[0], [randn([3, 2, 2], { ...f64, requiresGrad: true })]);
  const lstm = new LSTM(2, 2, { bidirectional: true, ...f64 });
  gradcheck((x, h0, c0) => lstm.forward(x, [h0, c0])[1][1], [randn([3, 1, 2], { ...f64, requiresGrad: true }), randn([2, 1, 2], { ...f64, requiresGrad: true }), randn([2, 1, 2], { ...f64, requiresGrad: true })]);
  const mha = new MultiheadAttention(4, 2, f64);
  gradcheck((x) => mha.forward(x, x, x)[1]!, [randn([3, 2, 4], { ...f64, requiresGrad: true })]);
});

test('sequence layers refuse bad arguments with messages naming the layer', () => {
  assert.throws(() => new GRU(3, 4, { dropout: 2 }), /GRU: dropout must be a probability/);
  assert.throws(() => new RNN(3, 4, { nonlinearity: 'gelu' as 'relu' }), /RNN: nonlinearity must be 'tanh' or 'relu'/);
  const gru = new GRU(3, 4);
  assert.throws(() => gru.forward(randn([5, 2, 2])), /GRU: input of shape \[5, 2, 2\] has 2 features, expected inputSize 3/);
  assert.throws(() => gru.forward(randn([5])), /GRU: expected input of 2 dims/);
  assert.throws(() => gru.forward(randn([5, 2, 3]), randn([2, 2, 4])), /GRU: expected h0 of shape \[1, 2, 4\], got \[2, 2, 4\]/);
  assert.throws(() => gru.forward(randn([5, 2, 3], f64)), /GRU: input has dtype float64 but the parameters are float32/);
  assert.throws(() => new LSTM(3, 4).forward(randn([5, 2, 3]), [randn([1, 2, 4])] as unknown as [Tensor, Tensor]), /LSTM: the initial state must be an array \[h0, c0\]/);
  assert.throws(() => new MultiheadAttention(6, 4), /MultiheadAttention: embedDim \(6\) must be divisible by numHeads \(4\)/);
  const mha = new MultiheadAttention(4, 2);
  const x = randn([3, 2, 4]);
  assert.throws(() => mha.forward(x, x, randn([3, 2, 5])), /MultiheadAttention: value of shape \[3, 2, 5\] must have 4 features/);
  assert.throws(() => mha.forward(x, x, x, { attnMask: randn([2, 2]) }), /MultiheadAttention: attnMask must have shape \[3, 3\] or \[4, 3, 3\], got \[2, 2\]/);
  assert.throws(() => mha.forward(x, x, x, { keyPaddingMask: randn([3, 2]) }), /MultiheadAttention: keyPaddingMask must have shape \[2, 3\]/);
  assert.throws(() => new TransformerEncoderLayer(4, 2, { activation: 'tanh' as 'relu' }), /TransformerEncoderLayer: activation must be 'relu' or 'gelu'/);
  assert.throws(() => new Embedding(3, 2, { paddingIdx: 3 }), /Embedding: paddingIdx must be an integer in \[-3, 2\]/);
  assert.throws(() => new LayerNorm([]), /LayerNorm: normalizedShape must have at least one dimension/);
});

test('layers print as PyTorch does, the padding row starts at zero, and the causal mask is -inf above the diagonal', () => {
  assert.is(new GRU(3, 4, { numLayers: 2, batchFirst: true, bidirectional: true, dropout: 0.1 }).toString(), 'GRU(3, 4, numLayers=2, batchFirst=true, dropout=0.1, bidirectional=true)');
  assert.is(new Embedding(5, 2, { paddingIdx: -1 }).toString(), 'Embedding(5, 2, paddingIdx=4)');
  assert.equal((new Embedding(5, 2, { paddingIdx: -1 }).weight.tolist() as number[][])[4], [0, 0]);
  assert.is(new LayerNorm(4).toString(), 'LayerNorm([4], eps=0.00001, elementwiseAffine=true)');
  assert.equal(generateSquareSubsequentMask(3).tolist(), [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
  assert.match(new TransformerEncoderLayer(4, 2).toString(), /^TransformerEncoderLayer\(\n  activation='relu', normFirst=false\n  \(self_attn\): MultiheadAttention\(\n    embedDim=4, numHeads=2, dropout=0.1\n/);
});

test.run();

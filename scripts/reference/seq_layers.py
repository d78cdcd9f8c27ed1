"""Reference values for torchlet's sequence and attention layers, from PyTorch (Debian's python3-torch, 1.13).

Each case builds a PyTorch layer in float64 with a fixed seed, runs it on fixed inputs, backpropagates
sum(output * upstream) over every output, and records the state dict (PyTorch's keys), the inputs, the outputs and
the gradients of the inputs and of every parameter. packages/nn/test/seq-layers.test.ts loads the state dict into the
torchlet layer and compares. Masks are stored as 0/1 integers (bool) or finite floats; a causal float mask is
rebuilt on both sides from its size (JSON has no -inf).
Run: /usr/bin/python3 scripts/reference/seq_layers.py  (writes packages/nn/test/fixtures/seq-layers.json)
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def enc(t):
    t = t.detach()
    if t.dtype == torch.bool:
        return {'dtype': 'int32', 'shape': list(t.shape), 'data': [int(v) for v in t.flatten().tolist()]}
    if t.dtype in (torch.int64, torch.int32):
        return {'dtype': 'int32', 'shape': list(t.shape), 'data': [int(v) for v in t.flatten().tolist()]}
    return {'dtype': 'float64', 'shape': list(t.shape), 'data': t.flatten().tolist()}


def flat_outputs(out):
    """The tensors of a (possibly nested) tuple output, in order; None entries dropped."""
    if out is None:
        return []
    if isinstance(out, torch.Tensor):
        return [out]
    return [t for o in out for t in flat_outputs(o)]


def case(name, module, args, kwargs=None, config=None, float_inputs=None):
    """float_inputs: indices of args that are differentiable inputs (default: every floating tensor)."""
    kwargs = kwargs or {}
    module.train()  # dropout is 0 in every case; train mode keeps PyTorch off its inference fast paths
    args = [a.clone().requires_grad_(True) if isinstance(a, torch.Tensor) and a.is_floating_point() and (float_inputs is None or i in float_inputs) else a
            for i, a in enumerate(args)]
    out = module(*args, **kwargs)
    outs = flat_outputs(out)
    upstream = [torch.randn(o.shape) for o in outs]
    loss = sum((o * u).sum() for o, u in zip(outs, upstream))
    loss.backward()
    return name, {
        'config': config or {},
        'stateDict': {k: enc(v) for k, v in module.state_dict().items()},
        'inputs': [enc(a) if isinstance(a, torch.Tensor) else None for a in args],
        # the causal float mask holds -inf, which JSON cannot: the test rebuilds it from config['causal']
        'kwargs': {k: (enc(v) if isinstance(v, torch.Tensor) else v) for k, v in kwargs.items() if not (k in ('src_mask', 'mask') and 'causal' in (config or {}))},
        'outputs': [enc(o) for o in outs],
        'upstream': [enc(u) for u in upstream],
        'inputGrads': [enc(a.grad) if isinstance(a, torch.Tensor) and a.grad is not None else None for a in args],
        'paramGrads': {k: enc(p.grad) for k, p in module.named_parameters()},
    }


cases = {}


def add(result):
    cases[result[0]] = result[1]


add(case('embedding', nn.Embedding(7, 3, padding_idx=2), [torch.tensor([[2, 4, 4], [0, 2, 6]])], config={'paddingIdx': 2}))

ln = nn.LayerNorm([3, 4])
with torch.no_grad():
    ln.weight.normal_()
    ln.bias.normal_()
add(case('layerNorm', ln, [torch.randn(2, 3, 4) * 2 + 1], config={'normalizedShape': [3, 4]}))

add(case('rnnTanh', nn.RNN(3, 4, num_layers=2, bidirectional=True), [torch.randn(5, 2, 3), torch.randn(4, 2, 4)],
         config={'inputSize': 3, 'hiddenSize': 4, 'numLayers': 2, 'bidirectional': True}))
add(case('rnnRelu', nn.RNN(3, 4, nonlinearity='relu', bias=False, batch_first=True), [torch.randn(2, 5, 3)],
         config={'inputSize': 3, 'hiddenSize': 4, 'nonlinearity': 'relu', 'bias': False, 'batchFirst': True}))
add(case('gru', nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True), [torch.randn(2, 5, 3), torch.randn(4, 2, 4)],
         config={'inputSize': 3, 'hiddenSize': 4, 'numLayers': 2, 'bidirectional': True, 'batchFirst': True}))
add(case('gruUnbatched', nn.GRU(2, 3), [torch.randn(4, 2), torch.randn(1, 3)], config={'inputSize': 2, 'hiddenSize': 3}))


class LSTMWithState(nn.Module):
    """nn.LSTM taking (x, h0, c0) positionally so the harness sees three inputs; keys unchanged via the same names."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        self.lstm = nn.LSTM(*args, **kwargs)

    def forward(self, x, h0, c0):
        return self.lstm(x, (h0, c0))

    def state_dict(self, *a, **k):
        return self.lstm.state_dict(*a, **k)

    def named_parameters(self, *a, **k):
        return self.lstm.named_parameters(*a, **k)


add(case('lstm', LSTMWithState(3, 4, num_layers=2, bidirectional=True), [torch.randn(5, 2, 3), torch.randn(4, 2, 4), torch.randn(4, 2, 4)],
         config={'inputSize': 3, 'hiddenSize': 4, 'numLayers': 2, 'bidirectional': True}))
add(case('lstmUnbatched', nn.LSTM(3, 2, batch_first=True), [torch.randn(4, 3)], config={'inputSize': 3, 'hiddenSize': 2, 'batchFirst': True}))

mha = nn.MultiheadAttention(6, 2)
with torch.no_grad():
    mha.in_proj_bias.normal_()
    mha.out_proj.bias.normal_()
add(case('mha', mha, [torch.randn(3, 2, 6), torch.randn(4, 2, 6), torch.randn(4, 2, 6)],
         {'key_padding_mask': torch.tensor([[False, False, True, False], [False, False, False, True]]), 'attn_mask': torch.randn(3, 4)},
         config={'embedDim': 6, 'numHeads': 2}))
mha_kv = nn.MultiheadAttention(4, 2, kdim=3, vdim=5, batch_first=True)
with torch.no_grad():
    mha_kv.in_proj_bias.normal_()
add(case('mhaKdimVdim', mha_kv, [torch.randn(2, 3, 4), torch.randn(2, 4, 3), torch.randn(2, 4, 5)],
         {'attn_mask': torch.tensor([[False, True, False, False], [False, False, True, True], [True, False, False, False]]), 'average_attn_weights': False},
         config={'embedDim': 4, 'numHeads': 2, 'kdim': 3, 'vdim': 5, 'batchFirst': True}))
add(case('mhaUnbatchedNoBias', nn.MultiheadAttention(4, 1, bias=False), [torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4)],
         {'need_weights': False}, config={'embedDim': 4, 'numHeads': 1, 'bias': False}))


def with_normal_biases(layer):
    with torch.no_grad():
        for name, p in layer.named_parameters():
            if name.endswith('bias') or name.startswith('norm'):
                p.normal_()
    return layer


enc_post = with_normal_biases(nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, dropout=0.0, batch_first=True))
add(case('encoderPostNorm', enc_post, [torch.randn(2, 5, 4)], {'src_mask': nn.Transformer.generate_square_subsequent_mask(5)},
         config={'dModel': 4, 'nhead': 2, 'dimFeedforward': 8, 'dropout': 0, 'batchFirst': True, 'causal': 5}))
enc_pre = with_normal_biases(nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, activation='gelu', norm_first=True))
add(case('encoderNormFirst', enc_pre, [torch.randn(3, 2, 4)], {'src_key_padding_mask': torch.tensor([[False, False, True], [False, False, False]])},
         config={'dModel': 4, 'nhead': 2, 'dimFeedforward': 6, 'dropout': 0, 'activation': 'gelu', 'normFirst': True}))


class Attention(nn.Module):
    """softmax(Q Kᵀ / sqrt(d) + mask) V written out, as PyTorch 1.13 has no scaled_dot_product_attention."""

    def __init__(self, causal):
        super().__init__()
        self.causal = causal

    def forward(self, q, k, v, mask=None):
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
        if self.causal:
            L, S = scores.shape[-2:]
            scores = scores.masked_fill(torch.ones(L, S, dtype=torch.bool).triu(1), float('-inf'))
        if mask is not None:
            scores = scores + mask
        return F.softmax(scores, dim=-1) @ v


add(case('sdpaCausal', Attention(True), [torch.randn(2, 2, 4, 3), torch.randn(2, 2, 4, 3), torch.randn(2, 2, 4, 5)], config={'isCausal': True}))
add(case('sdpaMask', Attention(False), [torch.randn(2, 3, 4), torch.randn(2, 5, 4), torch.randn(2, 5, 2), torch.randn(3, 5)], float_inputs=[0, 1, 2]))

add(case('conv1d', nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2), [torch.randn(2, 4, 9)],
         config={'inChannels': 4, 'outChannels': 6, 'kernelSize': 3, 'stride': 2, 'padding': 1, 'dilation': 2, 'groups': 2}))
add(case('conv1dUnbatched', nn.Conv1d(2, 3, 2, bias=False), [torch.randn(2, 5)], config={'inChannels': 2, 'outChannels': 3, 'kernelSize': 2, 'bias': False}))
add(case('convTranspose2d', nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2, dilation=(1, 2)),
         [torch.randn(2, 4, 3, 4)], config={'inChannels': 4, 'outChannels': 6, 'kernelSize': [3, 2], 'stride': [2, 3], 'padding': [1, 0],
                                            'outputPadding': [1, 2], 'groups': 2, 'dilation': [1, 2]}))
add(case('convTranspose2dBigPadding', nn.ConvTranspose2d(2, 3, 3, padding=3, bias=False), [torch.randn(1, 2, 6, 7)],
         config={'inChannels': 2, 'outChannels': 3, 'kernelSize': 3, 'padding': 3, 'bias': False}))

stack = nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0), 2, norm=with_normal_biases(nn.LayerNorm(4)),
                              enable_nested_tensor=False)
with torch.no_grad():
    for p in stack.layers[1].parameters():
        p.add_(0.1 * torch.randn(p.shape))  # the two copies start equal; make them differ so their order matters
add(case('encoderStack', stack, [torch.randn(5, 2, 4)], {'mask': nn.Transformer.generate_square_subsequent_mask(5)},
         config={'dModel': 4, 'nhead': 2, 'dimFeedforward': 6, 'numLayers': 2, 'causal': 5}))

add(case('lstmProj', LSTMWithState(3, 4, num_layers=2, bidirectional=True, proj_size=2, batch_first=True),
         [torch.randn(2, 5, 3), torch.randn(4, 2, 2), torch.randn(4, 2, 4)],
         config={'inputSize': 3, 'hiddenSize': 4, 'numLayers': 2, 'bidirectional': True, 'projSize': 2, 'batchFirst': True}))

here = os.path.dirname(os.path.abspath(__file__))
target = os.path.join(here, '..', '..', 'packages', 'nn', 'test', 'fixtures', 'seq-layers.json')
with open(target, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'), allow_nan=False)
print(f'wrote {len(cases)} cases to {os.path.relpath(target)} with torch {torch.__version__}')

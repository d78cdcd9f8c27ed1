"""Writes packages/core/test/fixtures/cross-entropy-probs-reference.json: PyTorch 1.13's cross_entropy with
class-probability targets (target of the input's shape, floating), with every reduction, weight and label smoothing.

Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/cross_entropy_probs.py (from the repository root).
packages/core/test/cross-entropy-probs.test.ts runs every case through torchlet. Each case records the inputs, the
loss and the gradients of sum(loss * upstream) (upstream[i] = 1 + (i % 3) / 2) for the input and the target.
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(10)


def case(name, shape, reduction='mean', weight=False, smoothing=0.0, dtype=torch.float64):
    C = shape[0] if len(shape) == 1 else shape[1]
    class_dim = 0 if len(shape) == 1 else 1
    x = (torch.randn(shape, dtype=dtype) * 2).requires_grad_()
    t = torch.softmax(torch.randn(shape, dtype=dtype) * 3, class_dim).requires_grad_()
    w = torch.rand(C, dtype=dtype) + 0.5 if weight else None
    loss = F.cross_entropy(x, t, weight=w, reduction=reduction, label_smoothing=smoothing)
    upstream = torch.tensor([1 + (i % 3) / 2 for i in range(loss.numel())], dtype=dtype).reshape(loss.shape)
    (loss * upstream).sum().backward()
    return {
        'name': name, 'dtype': str(dtype).replace('torch.', ''), 'shape': list(shape), 'reduction': reduction,
        'labelSmoothing': smoothing, 'input': x.detach().flatten().tolist(), 'target': t.detach().flatten().tolist(),
        'weight': None if w is None else w.tolist(), 'loss': loss.detach().flatten().tolist(), 'lossShape': list(loss.shape),
        'inputGrad': x.grad.flatten().tolist(), 'targetGrad': t.grad.flatten().tolist(),
    }


cases = [
    case('mean [4, 5]', [4, 5]),
    case('sum [4, 5]', [4, 5], reduction='sum'),
    case('none [4, 5]', [4, 5], reduction='none'),
    case('weight, mean [4, 5]', [4, 5], weight=True),
    case('weight, none [3, 4]', [3, 4], reduction='none', weight=True),
    case('label smoothing 0.2, mean [4, 5]', [4, 5], smoothing=0.2),
    case('weight and label smoothing 0.1, sum [3, 6]', [3, 6], reduction='sum', weight=True, smoothing=0.1),
    case('spatial [2, 3, 4], mean', [2, 3, 4]),
    case('spatial [2, 3, 2, 2], weight, smoothing 0.3, none', [2, 3, 2, 2], reduction='none', weight=True, smoothing=0.3),
    case('unbatched [5], mean', [5]),
    case('unbatched [5], weight, none', [5], reduction='none', weight=True),
    case('float32 [4, 5], weight, smoothing 0.1, mean', [4, 5], weight=True, smoothing=0.1, dtype=torch.float32),
]
with open('packages/core/test/fixtures/cross-entropy-probs-reference.json', 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f)
    f.write('\n')
print('wrote', len(cases), 'cases')

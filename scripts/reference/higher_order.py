"""Writes packages/core/test/fixtures/higher-order-reference.json: PyTorch 1.13's second-order gradients.

Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/higher_order.py (from the repository root).
packages/core/test/higher-order-reference.test.ts runs every case through torchlet (no PyTorch needed there).

A "gradgrad" case is an op (named as in the test's table) with float64 tensor inputs, a first-order upstream u and a
second-order upstream w: PyTorch's answer is g = grad(op(inputs), inputs, u, create_graph) and the gradients of
sum(g_k * w_k) with respect to the inputs. The "functional" cases are torch.autograd.functional's hessian, hvp,
vjp and jvp of a small function, and "wgan" is one WGAN-GP critic step: an MLP critic, its gradient penalty
(||dD/dx|| - 1)^2 at interpolates, the critic loss, its gradients and the parameters after one SGD step.
"""
import json
import os
import torch
import torch.nn.functional as F
from torch.autograd import functional as AF

torch.manual_seed(13)
torch.set_default_dtype(torch.float64)


def flat(t):
    return t.detach().reshape(-1).tolist()


def enc(t):
    return {'shape': list(t.shape), 'data': flat(t)}


def rand(*shape):
    return torch.randn(*shape)


OPS = {
    'tanh': lambda x: torch.tanh(x),
    'sigmoid': lambda x: torch.sigmoid(x),
    'exp': lambda x: torch.exp(x),
    'log': lambda x: torch.log(x),
    'sqrt': lambda x: torch.sqrt(x),
    'pow': lambda x, e: torch.pow(x, e),
    'div': lambda a, b: a / b,
    'gelu': lambda x: F.gelu(x),
    'geluTanh': lambda x: F.gelu(x, approximate='tanh'),
    'softplus': lambda x: F.softplus(x, beta=2.0, threshold=1.5),
    'softmax': lambda x: torch.softmax(x, 1),
    'logSoftmax': lambda x: torch.log_softmax(x, 1),
    'logsumexp': lambda x: torch.logsumexp(x, 1),
    'var': lambda x: torch.var(x, 1),
    'matmul': lambda a, b: a @ b,
    'linear': lambda x, w, b: F.linear(x, w, b),
    'crossEntropy': lambda x: F.cross_entropy(x, torch.tensor([0, 2, 1]), label_smoothing=0.1),
    'mseLoss': lambda a, b: F.mse_loss(a, b),
    'conv2d': lambda x, w, b: F.conv2d(x, w, b, stride=1, padding=1),
    'conv2dStrided': lambda x, w: F.conv2d(x, w, None, stride=2, dilation=1, padding=0, groups=2),
    'maxPool2d': lambda x: F.max_pool2d(x * x, 2),
    'avgPool2d': lambda x: F.avg_pool2d(x * x, 2, stride=1),
    'batchNormTraining': lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
    'mlp': lambda x, w1, w2: F.linear(torch.tanh(F.linear(x, w1)), w2),
}

INPUTS = {
    'tanh': lambda: [rand(2, 3)],
    'sigmoid': lambda: [rand(2, 3)],
    'exp': lambda: [rand(4)],
    'log': lambda: [torch.rand(4) + 0.5],
    'sqrt': lambda: [torch.rand(4) + 0.5],
    'pow': lambda: [torch.rand(3) + 0.5, torch.rand(3) + 0.5],
    'div': lambda: [rand(3), torch.rand(3) + 1],
    'gelu': lambda: [rand(5)],
    'geluTanh': lambda: [rand(5)],
    'softplus': lambda: [torch.tensor([-1.0, 0.2, 0.5, 2.0])],
    'softmax': lambda: [rand(2, 4)],
    'logSoftmax': lambda: [rand(2, 4)],
    'logsumexp': lambda: [rand(2, 4)],
    'var': lambda: [rand(2, 4)],
    'matmul': lambda: [rand(2, 3), rand(3, 2)],
    'linear': lambda: [rand(2, 3), rand(4, 3), rand(4)],
    'crossEntropy': lambda: [rand(3, 4)],
    'mseLoss': lambda: [rand(2, 3), rand(2, 3)],
    'conv2d': lambda: [rand(1, 2, 3, 3), rand(2, 2, 2, 2), rand(2)],
    'conv2dStrided': lambda: [rand(1, 4, 5, 5), rand(2, 2, 3, 3)],
    'maxPool2d': lambda: [rand(1, 1, 4, 4)],
    'avgPool2d': lambda: [rand(1, 2, 3, 3)],
    'batchNormTraining': lambda: [rand(3, 2, 2), rand(2), rand(2)],
    'mlp': lambda: [rand(2, 3), rand(4, 3), rand(2, 4)],
}


def gradgrad(name):
    inputs = [t.requires_grad_(True) for t in INPUTS[name]()]
    out = OPS[name](*inputs)
    u = torch.randn(out.shape)
    gs = torch.autograd.grad(out, inputs, u, create_graph=True)
    w = [torch.randn(g.shape) for g in gs]
    total = sum((g * wk).sum() for g, wk in zip(gs, w))
    ggs = torch.autograd.grad(total, inputs, allow_unused=True)
    return {
        'kind': 'gradgrad', 'op': name, 'inputs': [enc(t) for t in inputs], 'output': enc(out), 'u': enc(u),
        'w': [enc(t) for t in w], 'grads': [enc(g) for g in gs],
        'gradgrads': [enc(g) if g is not None else None for g in ggs],
    }


def functional():
    # f(x, y) = sum(tanh(x) * y^2) + sum(x^3)
    f = lambda x, y: (torch.tanh(x) * y ** 2).sum() + (x ** 3).sum()
    x, y = rand(3), rand(3)
    v = (rand(3), rand(3))
    hess = AF.hessian(f, (x, y))
    _, hvp = AF.hvp(f, (x, y), v)
    g = lambda x: torch.tanh(x) * x.sum()
    xg = rand(3)
    vo = rand(3)
    _, vjp = AF.vjp(g, xg, vo)
    _, jvp = AF.jvp(g, xg, vo)
    jac = AF.jacobian(g, xg)
    return {
        'kind': 'functional', 'x': enc(x), 'y': enc(y), 'v': [enc(t) for t in v],
        'hessian': [[enc(hess[i][j]) for j in range(2)] for i in range(2)], 'hvp': [enc(t) for t in hvp],
        'xg': enc(xg), 'vo': enc(vo), 'vjp': enc(vjp), 'jvp': enc(jvp), 'jacobian': enc(jac),
    }


def wgan():
    # critic D(x) = W3 · leaky(W2 · tanh(W1 x + b1) + b2) + b3 on 4-dimensional samples
    params = {'w1': rand(8, 4) * 0.5, 'b1': rand(8) * 0.1, 'w2': rand(8, 8) * 0.3, 'b2': rand(8) * 0.1, 'w3': rand(1, 8) * 0.3, 'b3': rand(1) * 0.1}
    real, fake, alpha = rand(5, 4), rand(5, 4) + 1, torch.rand(5, 1)
    p = {k: v.clone().requires_grad_(True) for k, v in params.items()}

    def critic(x):
        h = torch.tanh(F.linear(x, p['w1'], p['b1']))
        h = F.leaky_relu(F.linear(h, p['w2'], p['b2']), 0.2)
        return F.linear(h, p['w3'], p['b3'])

    xhat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
    (dx,) = torch.autograd.grad(critic(xhat).sum(), xhat, create_graph=True)
    penalty = ((dx.norm(2, dim=1) - 1) ** 2).mean()
    loss = critic(fake).mean() - critic(real).mean() + 10 * penalty
    loss.backward()
    lr = 0.01
    stepped = {k: (v - lr * v.grad) for k, v in p.items()}
    return {
        'kind': 'wgan', 'params': {k: enc(v) for k, v in params.items()}, 'real': enc(real), 'fake': enc(fake), 'alpha': enc(alpha),
        'lambda': 10, 'lr': lr, 'penalty': penalty.item(), 'loss': loss.item(),
        'grads': {k: enc(v.grad) for k, v in p.items()}, 'stepped': {k: enc(v) for k, v in stepped.items()},
    }


cases = [gradgrad(name) for name in OPS] + [functional(), wgan()]
out = os.path.join('packages', 'core', 'test', 'fixtures', 'higher-order-reference.json')
with open(out, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f)
print(f'wrote {len(cases)} cases to {out}')

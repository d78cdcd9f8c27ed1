"""Writes packages/core/test/fixtures/math-reference.json: PyTorch 1.13's answers for issue 13's math ops.

Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/math_ops.py (from the repository root).
packages/core/test/math-reference.test.ts runs every case through torchlet.

A case is an op (named as torchlet names it), its tensor inputs, its other arguments (`params`, read by each side's
table of calls) and whether gradients are recorded. PyTorch's result is the output tensor(s) and, for float64 cases
with `grad`, the gradients of sum(values * upstream) with upstream[i] = 1 + (i % 3) / 2 (sort/topk: of their
values), or the error PyTorch raised. Non-finite numbers are the strings "NaN", "Infinity", "-Infinity" (JSON has none); -0 is "-0".
"""
import json
import math
import os
import torch
import torch.nn.functional as F

inf, nan = math.inf, math.nan
DTYPES = {'float32': torch.float32, 'float64': torch.float64, 'int32': torch.int32}
NAMES = {v: k for k, v in DTYPES.items()}
NAMES[torch.int64] = 'int32'  # PyTorch's integer reductions and indices are int64; torchlet's are int32


def enc(v):
    if isinstance(v, float):
        if v != v:
            return 'NaN'
        if math.isinf(v):
            return 'Infinity' if v > 0 else '-Infinity'
        if v == 0 and math.copysign(1, v) < 0:
            return '-0'
    return v


def flat(t):
    return {'shape': list(t.shape), 'dtype': NAMES[t.dtype], 'data': [enc(float(v)) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]}



UNARY = {
    'sin': torch.sin, 'cos': torch.cos, 'tan': torch.tan, 'asin': torch.asin, 'acos': torch.acos, 'atan': torch.atan,
    'sinh': torch.sinh, 'cosh': torch.cosh, 'asinh': torch.asinh, 'acosh': torch.acosh, 'atanh': torch.atanh,
    'log1p': torch.log1p, 'expm1': torch.expm1, 'log2': torch.log2, 'log10': torch.log10, 'exp2': torch.exp2,
    'rsqrt': torch.rsqrt, 'reciprocal': torch.reciprocal, 'square': torch.square, 'sign': torch.sign, 'floor': torch.floor,
    'ceil': torch.ceil, 'trunc': torch.trunc, 'erf': torch.erf, 'silu': F.silu, 'selu': F.selu, 'mish': F.mish,
}
BINARY = {'atan2': torch.atan2, 'hypot': torch.hypot, 'logaddexp': torch.logaddexp, 'xlogy': torch.xlogy}


def call(op, xs, p):
    if op in UNARY:
        return UNARY[op](xs[0])
    if op in BINARY:
        return BINARY[op](xs[0], xs[1])
    if op == 'round':
        return torch.round(xs[0], decimals=p.get('decimals', 0))
    if op == 'elu':
        return F.elu(xs[0], alpha=p.get('alpha', 1.0))
    if op == 'hardtanh':
        return F.hardtanh(xs[0], p.get('minVal', -1.0), p.get('maxVal', 1.0))
    if op == 'lerp':
        return torch.lerp(xs[0], xs[1], xs[2] if len(xs) > 2 else p['weight'])
    if op == 'prod':
        return torch.prod(xs[0]) if 'dim' not in p else torch.prod(xs[0], p['dim'], keepdim=p.get('keepdim', False))
    if op == 'std':
        return torch.std(xs[0], dim=p.get('dim'), unbiased=p.get('unbiased', True), keepdim=p.get('keepdim', False))
    if op == 'norm':
        return torch.norm(xs[0], p=p.get('p', 'fro'), dim=p.get('dim'), keepdim=p.get('keepdim', False))
    if op in ('amax', 'amin'):
        return getattr(torch, op)(xs[0], dim=p.get('dim', ()), keepdim=p.get('keepdim', False))
    if op in ('cumsum', 'cumprod'):
        return getattr(torch, op)(xs[0], p['dim'])
    if op == 'sort':
        r = torch.sort(xs[0], dim=p.get('dim', -1), descending=p.get('descending', False), stable=True)
        return [r.values, r.indices]
    if op == 'topk':
        r = torch.topk(xs[0], p['k'], dim=p.get('dim', -1), largest=p.get('largest', True))
        return [r.values, r.indices]
    raise KeyError(op)


cases = []


def case(name, op, inputs, params=None, dtype='float64', grad=True):
    params = params or {}
    recorded = {k: enc(float(v)) if isinstance(v, float) else v for k, v in params.items()}
    xs = [torch.tensor(x, dtype=DTYPES[dtype]) for x in inputs]
    grad = grad and dtype == 'float64'
    for x in xs:
        x.requires_grad_(grad)
    try:
        out = call(op, xs, params)
    except RuntimeError as e:
        cases.append({'name': name, 'op': op, 'inputs': [flat(x.detach()) for x in xs], 'params': recorded, 'error': str(e).split('\n')[0]})
        return
    outs = out if isinstance(out, list) else [out]
    entry = {'name': name, 'op': op, 'inputs': [flat(x.detach()) for x in xs], 'params': recorded, 'outputs': [flat(o.detach()) for o in outs]}
    if grad:
        values = outs[0]
        upstream = torch.tensor([1 + (i % 3) / 2 for i in range(values.numel())], dtype=values.dtype).reshape(values.shape)
        grads = torch.autograd.grad((values * upstream).sum(), xs, allow_unused=True)
        entry['grads'] = [None if g is None else flat(g) for g in grads]
    cases.append(entry)


def grid(lo, hi, n):
    return [lo + (hi - lo) * (i + 0.37) / n for i in range(n)]


EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 1e-8, -1e-8, 1e-300, 100.0, -100.0, 800.0, -800.0, inf, -inf, nan]
DOMAINS = {
    'asin': (-0.97, 0.97), 'acos': (-0.97, 0.97), 'atanh': (-0.97, 0.97), 'acosh': (1.05, 5.0), 'log1p': (-0.9, 5.0),
    'log2': (0.05, 5.0), 'log10': (0.05, 5.0), 'rsqrt': (0.05, 5.0), 'reciprocal': (0.2, 5.0), 'tan': (-1.4, 1.4),
}
for op in UNARY:
    lo, hi = DOMAINS.get(op, (-4.0, 4.0))
    case(f'{op} on its domain', op, [grid(lo, hi, 12)])
    case(f'{op} at the edges', op, [EDGES], grad=op not in ('sinh', 'cosh', 'exp2'))  # d sinh at ±800 is inf·0 in either order
    case(f'{op} in float32', op, [EDGES], dtype='float32', grad=False)
    case(f'{op} of int32', op, [[-3, -1, 0, 1, 2, 5]], dtype='int32', grad=False)
for d in (0, 2, -1, 1):
    case(f'round to {d} decimals', 'round', [[0.125, -0.125, 2.5, -2.5, 1.005, 125.0, 135.0, -0.4, 1234.5678, nan, inf]], {'decimals': d})
case('round at the edges', 'round', [EDGES])
case('round of int32', 'round', [[-3, 0, 7]], dtype='int32', grad=False)
for alpha in (1.0, 0.5):
    case(f'elu alpha {alpha}', 'elu', [grid(-4, 4, 12) + [0.0, 800.0, -800.0]], {'alpha': alpha})
case('hardtanh default', 'hardtanh', [grid(-3, 3, 12) + [-1.0, 1.0, 0.0, nan, inf]])
case('hardtanh (-0.5, 2)', 'hardtanh', [grid(-3, 3, 12) + [-0.5, 2.0]], {'minVal': -0.5, 'maxVal': 2.0})

# binary ops: broadcasting on a grid, then every pair of edge values
for op in BINARY:
    a = [[v] for v in grid(-3, 3, 3)] if op != 'xlogy' else [[v] for v in [-1.5, 0.0, 2.0]]
    b = grid(-2, 2, 4) if op != 'xlogy' else grid(0.1, 3, 4)
    case(f'{op} broadcast [3, 1] with [4]', op, [a, b])
    e = [0.0, -0.0, 1.0, -2.5, inf, -inf, nan]
    pa = [u for u in e for _ in e]
    pb = [v for _ in e for v in e]
    case(f'{op} at pairs of edges', op, [pa, pb], grad=op in ('atan2', 'hypot'))
case('lerp with a tensor weight', 'lerp', [grid(-2, 2, 6), grid(-1, 3, 6), [-0.5, 0.0, 0.3, 0.5, 1.0, 1.5]])
for w in (0.0, 0.25, 0.5, 1.0, 1.75):
    case(f'lerp with weight {w}', 'lerp', [[[1.0, -2.0, 3.0], [0.5, 0.0, -1e300]], [10.0, 4.0, 1e300]], {'weight': w})

# reductions
m = [[1.5, -2.0, 0.5, 3.0], [0.25, 1.0, -1.5, 2.0], [2.0, 0.75, -0.5, -1.0]]
with_zeros = [[1.5, 0.0, 0.5, 3.0], [0.0, 1.0, 0.0, 2.0], [2.0, 0.75, -0.5, 0.0]]
for name, x in (('', m), (' with zeros', with_zeros)):
    case(f'prod of all{name}', 'prod', [x])
    for dim in (0, 1, -1):
        case(f'prod dim {dim}{name}', 'prod', [x], {'dim': dim})
    case(f'prod keepdim{name}', 'prod', [x], {'dim': 1, 'keepdim': True})
    for dim in (0, 1):
        case(f'cumprod dim {dim}{name}', 'cumprod', [x], {'dim': dim})
        case(f'cumsum dim {dim}{name}', 'cumsum', [x], {'dim': dim})
case('prod of int32', 'prod', [[[2, -3], [4, 5]]], {'dim': 0}, dtype='int32', grad=False)
case('cumsum of int32', 'cumsum', [[[2, -3], [4, 5]]], {'dim': 1}, dtype='int32', grad=False)
case('prod with inf and nan', 'prod', [[[inf, 0.0, 2.0], [nan, 1.0, 3.0], [-inf, -1.0, 1e300]]], {'dim': 1})
case('std of all', 'std', [m])
case('std dim 1 biased keepdim', 'std', [m], {'dim': 1, 'unbiased': False, 'keepdim': True})
case('std dims [0, 1]', 'std', [m], {'dim': [0, 1]})
case('std of a constant row', 'std', [[[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]]], {'dim': 1})
case('std of one element', 'std', [[[2.0], [1.0]]], {'dim': 1})
for p in ('fro', 1, 2, inf, -inf, 3, 0.5, 0):
    case(f'norm p={p} of all', 'norm', [m], {'p': p})
    case(f'norm p={p} dim 1', 'norm', [m], {'p': p, 'dim': 1})
case('norm p=2 dim 0 keepdim', 'norm', [m], {'p': 2, 'dim': 0, 'keepdim': True})
case('norm fro dims [0, 1]', 'norm', [m], {'p': 'fro', 'dim': [0, 1]})
case('norm of a zero row', 'norm', [[[0.0, 0.0, 0.0], [3.0, 0.0, -4.0]]], {'p': 2, 'dim': 1})
case('norm inf with ties', 'norm', [[[3.0, -3.0, 1.0], [2.0, 0.0, -4.0]]], {'p': inf, 'dim': 1})
cube = [[[1.0, 4.0, -2.0], [4.0, 0.5, 3.0]], [[-1.0, 2.0, 2.0], [0.0, -3.0, 1.5]]]
for op in ('amax', 'amin'):
    case(f'{op} of all', op, [cube])
    case(f'{op} dim 1', op, [cube], {'dim': 1})
    case(f'{op} dims [0, 2] keepdim', op, [cube], {'dim': [0, 2], 'keepdim': True})
    case(f'{op} with ties', op, [[[2.0, 2.0, -1.0], [-1.0, 0.0, -1.0]]], {'dim': 1})
    case(f'{op} with nan', op, [[[2.0, nan, -1.0], [-1.0, inf, -inf]]], {'dim': 1}, grad=False)

# sort and topk (ties sort stably on both sides)
s = [[3.0, -1.0, 2.0, 2.0, 0.5], [nan, -inf, 1.0, inf, -2.0]]
for dim in (0, 1):
    for descending in (False, True):
        case(f'sort dim {dim} descending {descending}', 'sort', [s], {'dim': dim, 'descending': descending})
r = [[3.0, -1.0, 2.5, 0.0, 0.5], [1.0, -4.0, 6.0, inf, -2.0]]
for k in (1, 3, 5):
    case(f'topk k={k}', 'topk', [r], {'k': k})
    case(f'topk k={k} smallest dim 0', 'topk', [r], {'k': min(k, 2), 'dim': 0, 'largest': False})
case('topk with nan', 'topk', [[[1.0, nan, 3.0, 2.0]]], {'k': 2})

path = os.path.join('packages', 'core', 'test', 'fixtures', 'math-reference.json')
with open(path, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'), allow_nan=False)
    f.write('\n')
print(f'wrote {len(cases)} cases to {path}')

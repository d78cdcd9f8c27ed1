"""Writes packages/core/test/fixtures/edge-reference.json: PyTorch 1.13's answers to extreme and degenerate input.

Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/edge_cases.py (from the repository root).
packages/core/test/extreme-reference.test.ts runs every case through torchlet on each kernel backend.

A case is an op (named as in the test's table), its arguments (tensors, or plain JSON values) and which tensor
arguments require grad. PyTorch's result is recorded as the output tensor(s) and the gradients of
sum(output * upstream), upstream[i] = 1 + (i % 3) / 2, or as the error it raised. Non-finite numbers are written as
the strings "NaN", "Infinity", "-Infinity" (JSON has none). Big tensors (the ones that take the wasm SIMD and threaded
kernels) are built from a formula both sides evaluate (`gen`), and their results are recorded at sampled positions
(every non-finite element and every 37th one).
"""
import json
import math
import os
import torch
import torch.nn.functional as F

DTYPES = {'float32': torch.float32, 'float64': torch.float64, 'int32': torch.int32}
NAMES = {v: k for k, v in DTYPES.items()}
SAMPLE_FROM = 2048
inf, nan = math.inf, math.nan


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return 'NaN' if v != v else ('Infinity' if v > 0 else '-Infinity')
    return v


def T(data, dtype='float32'):
    return {'kind': 'tensor', 'data': data, 'dtype': dtype}


def G(shape, dtype='float32', specials=None, scale=1.0, period=17):
    """x[i] = scale * ((i * 7) % period - period // 2) / 4, then x[k] = v for each special (k, v)."""
    return {'kind': 'gen', 'shape': shape, 'dtype': dtype, 'scale': scale, 'period': period, 'specials': specials or []}


def build(arg):
    if isinstance(arg, dict) and arg.get('kind') == 'tensor':
        return torch.tensor(arg['data'], dtype=DTYPES[arg['dtype']])
    if isinstance(arg, dict) and arg.get('kind') == 'gen':
        n = math.prod(arg['shape'])
        flat = [arg['scale'] * (((i * 7) % arg['period']) - arg['period'] // 2) / 4 for i in range(n)]
        for k, v in arg['specials']:
            flat[k] = v
        return torch.tensor(flat, dtype=DTYPES[arg['dtype']]).reshape(arg['shape'])
    if isinstance(arg, list) and arg and isinstance(arg[0], dict):
        return [build(a) for a in arg]
    return arg


def encode_arg(arg):
    if isinstance(arg, dict) and arg.get('kind') == 'tensor':
        return {**arg, 'data': nested(arg['data'])}
    if isinstance(arg, dict) and arg.get('kind') == 'gen':
        return {**arg, 'specials': [[k, enc(float(v))] for k, v in arg['specials']]}
    if isinstance(arg, list) and arg and isinstance(arg[0], dict):
        return [encode_arg(a) for a in arg]
    return nested(arg)


def nested(d):
    return [nested(x) for x in d] if isinstance(d, list) else enc(float(d)) if isinstance(d, float) else d


def flat(t):
    t = t.detach()
    values = [enc(float(v)) if t.is_floating_point() else int(v) for v in t.reshape(-1).tolist()]
    out = {'shape': list(t.shape), 'dtype': NAMES.get(t.dtype, str(t.dtype).replace('torch.', ''))}
    # the largest finite magnitude in the whole tensor: the scale the test's rounding tolerance is relative to
    finite = [abs(v) for v in values if not isinstance(v, str)]
    out['absMax'] = max(finite, default=0)
    if len(values) >= SAMPLE_FROM:
        idx = [i for i, v in enumerate(values) if isinstance(v, str) or i % 37 == 0]
        out['sampleIndex'] = idx
        out['data'] = [values[i] for i in idx]
    else:
        out['data'] = values
    return out


def upstream_like(t):
    n = t.numel()
    return torch.tensor([1 + (i % 3) / 2 for i in range(n)], dtype=t.dtype).reshape(t.shape)


OPS = {
    'exp': torch.exp, 'log': torch.log, 'sqrt': torch.sqrt, 'sigmoid': torch.sigmoid, 'tanh': torch.tanh,
    'softplus': F.softplus, 'relu': torch.relu, 'abs': torch.abs, 'neg': torch.neg,
    'add': torch.add, 'sub': torch.sub, 'mul': torch.mul, 'div': torch.div, 'pow': torch.pow,
    'maximum': torch.maximum, 'minimum': torch.minimum, 'eq': torch.eq, 'lt': torch.lt,
    'sum': lambda x, *d: x.sum(*d), 'mean': lambda x, *d: x.mean(*d), 'var': lambda x, *d: x.var(*d),
    'max': lambda x: x.max(), 'min': lambda x: x.min(),
    'maxDim': lambda x, d: tuple(x.max(d)), 'minDim': lambda x, d: tuple(x.min(d)),
    'argmax': lambda x, *d: x.argmax(*d), 'argmin': lambda x, *d: x.argmin(*d),
    'logsumexp': torch.logsumexp, 'softmax': torch.softmax, 'logSoftmax': torch.log_softmax,
    'crossEntropy': lambda x, t: F.cross_entropy(x, t.long()),
    'matmul': torch.matmul, 'cat': lambda ts, d: torch.cat(ts, d),
    'conv2d': lambda x, w, b: F.conv2d(x, w, b), 'maxPool2d': lambda x, k: F.max_pool2d(x, k),
    'avgPool2d': lambda x, k: F.avg_pool2d(x, k),
    'tensor': lambda data, dtype: torch.tensor(data, dtype=DTYPES[dtype]),
    'full': lambda shape, value, dtype: torch.full(shape, value, dtype=DTYPES[dtype]),
    'fill_': lambda x, v: x.clone().fill_(v),
    'clamp': lambda x, lo, hi: torch.clamp(x, lo, hi), 'leakyRelu': lambda x, slope: F.leaky_relu(x, slope),
}

cases = []


def case(name, op, args, grad=()):
    built = [build(a) for a in args]
    for i in grad:
        built[i] = built[i].clone().requires_grad_(True)
    record = {'name': name, 'op': op, 'args': [encode_arg(a) for a in args], 'grad': list(grad)}
    try:
        out = OPS[op](*built)
    except (RuntimeError, ValueError, TypeError, IndexError, OverflowError) as e:
        record['error'] = str(e).splitlines()[0]
        cases.append(record)
        return
    outs = list(out) if isinstance(out, tuple) else [out]
    record['outputs'] = [flat(o) for o in outs]
    if grad:
        y = outs[0]
        grads = torch.autograd.grad((y * upstream_like(y)).sum(), [built[i] for i in grad], allow_unused=True)
        record['grads'] = [None if g is None else flat(g) for g in grads]
    cases.append(record)


specials = [0.0, -0.0, 1.0, -1.0, inf, -inf, nan]
for dt in ['float32', 'float64']:
    big = 1e38 if dt == 'float32' else 1e308
    tiny = 1e-45 if dt == 'float32' else 5e-324
    values = specials + [big, -big, tiny, -tiny, 88.8, -104.0, 710.0, -746.0, 50.0, -50.0]
    # elementwise math: NaN/Inf propagation, overflow and underflow, forward and backward
    for op in ['exp', 'log', 'sqrt', 'sigmoid', 'tanh', 'softplus', 'relu', 'abs', 'neg']:
        case(f'{op} extremes {dt}', op, [T(values, dt)], grad=[0])
    for op in ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow']:
        a = [1.0, inf, -inf, nan, 0.0, 2.0, big, tiny, -0.0, 3.0]
        b = [inf, inf, 2.0, 1.0, 0.0, nan, big, tiny, -1.0, -0.0]
        case(f'{op} non-finite and huge {dt}', op, [T(a, dt), T(b, dt)], grad=[0, 1])
    case(f'clamp extremes {dt}', 'clamp', [T(values, dt), -1.0, 50.0], grad=[0])
    case(f'clamp inverted bounds {dt}', 'clamp', [T(values, dt), 2.0, -2.0], grad=[0])
    case(f'leakyRelu extremes {dt}', 'leakyRelu', [T(values, dt), 0.01], grad=[0])
    # reductions, softmax family, losses
    row = [[1.0, nan, 2.0], [inf, 1.0, 2.0], [-inf, -inf, 0.0], [big, big, -big], [1.0, 1.0, 1.0]]
    for op in ['sum', 'mean', 'max', 'min', 'argmax', 'argmin']:
        case(f'{op} with NaN/Inf {dt}', op, [T(row, dt)], grad=[0] if op in ('sum', 'mean', 'max', 'min') else [])
    for op in ['maxDim', 'minDim']:
        case(f'{op} with NaN/Inf and ties {dt}', op, [T(row, dt), 1], grad=[0])
    case(f'sum dim 1 with NaN/Inf {dt}', 'sum', [T(row, dt), 1], grad=[0])
    case(f'var with Inf {dt}', 'var', [T(row, dt), 1], grad=[0])
    case(f'sum dim 0 with NaN/Inf {dt}', 'sum', [T(row, dt), 0], grad=[0])
    case(f'mean dim 0 with NaN/Inf {dt}', 'mean', [T(row, dt), 0], grad=[0])
    case(f'logsumexp two dims with Inf {dt}', 'logsumexp', [T(row, dt), [0, 1]], grad=[0])
    case(f'sum dim 0 of huge values {dt}', 'sum', [T([[big, 1.0], [big, -1.0]], dt), 0], grad=[0])
    huge = [[1000.0, 0.0, -1000.0], [-1e4, -1e4, -1e4], [88.0, 89.0, 90.0], [inf, 0.0, 0.0], [-inf, 0.0, 1.0], [nan, 0.0, 1.0]]
    for op in ['softmax', 'logSoftmax', 'logsumexp']:
        case(f'{op} extreme logits {dt}', op, [T(huge, dt), 1], grad=[0])
    case(f'logsumexp all -inf row {dt}', 'logsumexp', [T([[-inf, -inf], [0.0, -inf]], dt), 1], grad=[0])
    case(f'crossEntropy extreme logits {dt}', 'crossEntropy', [T(huge[:3], dt), T([0, 1, 2], 'int32')], grad=[0])
    case(f'crossEntropy -inf logit on target {dt}', 'crossEntropy', [T([[-inf, 0.0], [0.0, 1.0]], dt), T([0, 1], 'int32')], grad=[0])
    # empty and 0-d shapes
    case(f'exp 0-d {dt}', 'exp', [T(2.0, dt)], grad=[0])
    case(f'add empty {dt}', 'add', [T([[]], dt), T([], dt)], grad=[0, 1])
    case(f'add empty broadcast {dt}', 'add', [G([0, 3], dt), G([3], dt)], grad=[0, 1])
    case(f'sum empty {dt}', 'sum', [G([0, 3], dt)], grad=[0])
    case(f'sum empty dim 0 {dt}', 'sum', [G([0, 3], dt), 0], grad=[0])
    case(f'mean empty {dt}', 'mean', [G([0, 3], dt)], grad=[0])
    case(f'max empty {dt}', 'max', [G([0, 3], dt)])
    case(f'argmax empty {dt}', 'argmax', [G([0, 3], dt)])
    case(f'maxDim over size 0 {dt}', 'maxDim', [G([2, 0], dt), 1])
    case(f'maxDim empty other dim {dt}', 'maxDim', [G([0, 3], dt), 1], grad=[0])
    case(f'sum 0-d {dt}', 'sum', [T(3.0, dt)], grad=[0])
    case(f'sum [] dims {dt}', 'sum', [G([2, 3], dt), []], grad=[0])
    case(f'mean [] dims {dt}', 'mean', [G([2, 3], dt), []], grad=[0])
    case(f'max 0-d {dt}', 'max', [T(3.0, dt)], grad=[0])
    case(f'softmax empty {dt}', 'softmax', [G([0, 4], dt), 1], grad=[0])
    case(f'softmax 0-d {dt}', 'softmax', [T(3.0, dt), 0], grad=[0])
    case(f'matmul K = 0 {dt}', 'matmul', [G([2, 0], dt), G([0, 3], dt)], grad=[0, 1])
    case(f'matmul M = 0 {dt}', 'matmul', [G([0, 4], dt), G([4, 3], dt)], grad=[0, 1])
    case(f'matmul with NaN/Inf {dt}', 'matmul', [T([[1.0, inf], [0.0, 1.0]], dt), T([[0.0, 1.0], [nan, 2.0]], dt)], grad=[0, 1])
    case(f'cat with empty {dt}', 'cat', [[G([0, 2], dt), G([2, 2], dt, [[1, nan]])], 0])
    case(f'cat 1-d empty {dt}', 'cat', [[G([0], dt), G([3], dt)], 0])
    case(f'conv2d with NaN {dt}', 'conv2d', [G([1, 1, 4, 4], dt, [[5, nan]]), G([2, 1, 2, 2], dt), G([2], dt)], grad=[0, 1, 2])
    case(f'conv2d batch 0 {dt}', 'conv2d', [G([0, 1, 4, 4], dt), G([2, 1, 2, 2], dt), G([2], dt)], grad=[1, 2])
    case(f'maxPool2d ties, NaN, -inf {dt}', 'maxPool2d', [T([[[[1.0, 1.0, nan, 0.0], [1.0, 0.0, 2.0, 2.0], [-inf, -inf, 3.0, 3.0], [-inf, -inf, 3.0, 3.0]]]], dt), 2], grad=[0])
    case(f'avgPool2d with Inf {dt}', 'avgPool2d', [T([[[[1.0, inf, -inf, 0.0], [1.0, 0.0, inf, 2.0]]]], dt), 2], grad=[0])
    case(f'maxPool2d batch 0 {dt}', 'maxPool2d', [G([0, 1, 4, 4], dt), 2])
    # ties
    case(f'max ties {dt}', 'max', [T([1.0, 3.0, 3.0, 2.0, 3.0], dt)], grad=[0])
    case(f'min ties {dt}', 'min', [T([[1.0, 3.0], [1.0, 1.0]], dt)], grad=[0])
    case(f'max NaN ties {dt}', 'max', [T([1.0, nan, 3.0, nan], dt)], grad=[0])
    case(f'maxDim ties {dt}', 'maxDim', [T([[3.0, 3.0, 1.0], [2.0, 5.0, 5.0]], dt), 1], grad=[0])
    case(f'argmax ties {dt}', 'argmax', [T([[3.0, 3.0, 1.0], [2.0, 5.0, 5.0]], dt), 1])
    case(f'argmin ties flat {dt}', 'argmin', [T([[3.0, 1.0, 1.0], [1.0, 5.0, 5.0]], dt)])
    case(f'maximum ties {dt}', 'maximum', [T([1.0, 2.0, nan], dt), T([1.0, 3.0, 2.0], dt)], grad=[0, 1])
    # sizes that take the wasm SIMD and threaded kernels (relu from 4096 elements, gemm from 512 multiply-adds and
    # split across threads from 2.5M, conv2d split across threads from 1M, the 2x2 max-pool SIMD kernel)
    case(f'relu big with NaN/Inf {dt}', 'relu', [G([5000], dt, [[7, nan], [4099, nan], [100, inf], [4500, -inf], [9, -0.0]])], grad=[0])
    case(f'matmul wasm with NaN/Inf {dt}', 'matmul', [G([12, 40], dt, [[3, nan], [50, inf]]), G([40, 12], dt, [[100, -inf]])], grad=[0, 1])
    case(f'matmul threaded with NaN/Inf {dt}', 'matmul', [G([160, 100], dt, [[3, nan], [5000, inf]]), G([100, 160], dt, [[7000, -inf]])], grad=[0, 1])
    # (the threaded conv2d is float32's; float64 takes the one-thread loop at the same size)
    case(f'conv2d {"threaded" if dt == "float32" else "big"} with NaN/Inf {dt}', 'conv2d', [G([2, 8, 32, 32], dt, [[10, nan], [5000, inf]]), G([16, 8, 3, 3], dt), G([16], dt)], grad=[0, 1, 2])
    case(f'maxPool2d big with NaN/ties {dt}', 'maxPool2d', [G([2, 3, 32, 32], dt, [[0, nan], [1000, inf], [3000, -inf]], period=3), 2], grad=[0])
    case(f'softmax big row with Inf {dt}', 'softmax', [G([4, 1024], dt, [[5, inf], [2000, -inf], [3000, nan]], scale=100.0), 1], grad=[0])

# type promotion: categories, dimensioned vs 0-d tensors
case('eq int32 16777217 vs float32 16777216', 'eq', [T([16777217], 'int32'), T([16777216.0], 'float32')])
case('add int32 16777217 + float32 0.5', 'add', [T([16777217], 'int32'), T([0.5], 'float32')])
case('div int32 16777217 / int32 1', 'div', [T([16777217], 'int32'), T([1], 'int32')])
case('add float32 [n] + 0-d float64', 'add', [T([1.0, 2.0], 'float32'), T(1.5, 'float64')], grad=[0, 1])
case('add int32 [n] + 0-d float64', 'add', [T([1, 2], 'int32'), T(1.5, 'float64')], grad=[1])
case('add 0-d int32 + 0-d float32', 'add', [T(1, 'int32'), T(1.5, 'float32')])
case('add 0-d float64 + float32 [n]', 'add', [T(1.0, 'float64'), T([1.5], 'float32')], grad=[0, 1])
case('mul float32 [n] * 0-d float64 1e-50', 'mul', [T([1.0], 'float32'), T(1e-50, 'float64')])
case('add float64 [n] + float32 [n]', 'add', [T([1.0 + 2 ** -40], 'float64'), T([1.0], 'float32')], grad=[0, 1])
case('pow int32 [n] ** 0-d float32', 'pow', [T([2, 3], 'int32'), T(0.5, 'float32')])

# int32 limits
M = 2 ** 31 - 1
case('sum int32 overflow', 'sum', [T([M, 1], 'int32')])
case('sum int32 negative overflow', 'sum', [T([-M - 1, -1], 'int32')])
case('sum int32 in range', 'sum', [T([M, -1, 1], 'int32')])
case('sum int32 dim overflow', 'sum', [T([[M, M], [1, 1]], 'int32'), 0])
case('add int32 wraps', 'add', [T([M, -M - 1], 'int32'), T([1, -1], 'int32')])
case('sub int32 wraps', 'sub', [T([-M - 1, M], 'int32'), T([1, -1], 'int32')])
case('mul int32 wraps exactly', 'mul', [T([M, 123456789, 65536], 'int32'), T([M, 987654321, 65536], 'int32')])
case('pow int32 7^40 and 3^40 wrap exactly', 'pow', [T([7, 3, -3, 2, 0, -1], 'int32'), T([40, 40, 39, 31, 0, 2147483647], 'int32')])
case('neg int32 min', 'neg', [T([-M - 1, M], 'int32')])
case('abs int32 min', 'abs', [T([-M - 1, -5], 'int32')])
case('max int32 limits', 'max', [T([-M - 1, M, 0], 'int32')])
case('argmin int32 limits', 'argmin', [T([0, M, -M - 1, -M - 1], 'int32')])
case('tensor int32 3e9', 'tensor', [[3e9], 'int32'])
case('tensor int32 -2^31 - 1', 'tensor', [[-2147483649], 'int32'])
case('tensor int32 limits', 'tensor', [[-2147483648, 2147483647], 'int32'])
case('full int32 3e9', 'full', [[2], 3e9, 'int32'])
case('full int32 2^31 - 1', 'full', [[2], 2147483647, 'int32'])
case('full float32 1e39', 'full', [[2], 1e39, 'float32'])
case('full float32 inf', 'full', [[2], inf, 'float32'])
case('fill_ int32 3e9', 'fill_', [T([1, 2], 'int32'), 3e9])
case('fill_ int32 -2^31', 'fill_', [T([1, 2], 'int32'), -2147483648])

out = os.path.join(os.path.dirname(__file__), '..', '..', 'packages', 'core', 'test', 'fixtures', 'edge-reference.json')
with open(out, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'), allow_nan=False)
print(f'{len(cases)} cases, {sum("error" in c for c in cases)} refused by PyTorch -> {os.path.normpath(out)} ({os.path.getsize(out)} bytes)')

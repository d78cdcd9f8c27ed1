"""Writes packages/core/test/fixtures/bool-reference.json: PyTorch 1.13's answers for the bool dtype.

Run with Debian's python3-torch: /usr/bin/python3 scripts/reference/bool_dtype.py (from the repository root).
packages/core/test/bool.test.ts checks torchlet against it: torch.result_type over every pair of dtypes (each
operand dimensioned or 0-d), casts to and from bool, and the logical ops and any/all on a fixed input.
"""
import json
import math
import torch

DTYPES = {'bool': torch.bool, 'int32': torch.int32, 'float32': torch.float32, 'float64': torch.float64}
NAMES = {v: k for k, v in DTYPES.items()}


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return 'NaN' if v != v else ('Infinity' if v > 0 else '-Infinity')
    return v


def values(t):
    return [enc(v) for v in t.flatten().tolist()]


def one(dtype, zero_d):
    return torch.ones((), dtype=dtype) if zero_d else torch.ones(2, dtype=dtype)


result_type = []
for a in DTYPES:
    for b in DTYPES:
        for a0 in (False, True):
            for b0 in (False, True):
                r = torch.result_type(one(DTYPES[a], a0), one(DTYPES[b], b0))
                result_type.append({'a': a, 'a0d': a0, 'b': b, 'b0d': b0, 'result': NAMES[r]})

floats = [0.0, -0.0, 0.5, -2.0, math.nan, math.inf, 1e-45]
x = torch.tensor(floats, dtype=torch.float32)
casts = {
    'fromFloat32': values(x.to(torch.bool)),
    'fromInt32': values(torch.tensor([0, 1, -1, 256, 2 ** 31 - 1], dtype=torch.int32).to(torch.bool)),
    'toFloat64': values(torch.tensor([True, False, True]).to(torch.float64)),
    'toInt32': values(torch.tensor([True, False, True]).to(torch.int32)),
}

a = torch.tensor([[0.0, 1.5, math.nan], [-2.0, 0.0, 3.0]])
b = torch.tensor([1.0, 0.0, 0.0])
logic = {
    'a': [[enc(v) for v in row] for row in a.tolist()],
    'b': b.tolist(),
    'and': values(torch.logical_and(a, b)),
    'or': values(torch.logical_or(a, b)),
    'xor': values(torch.logical_xor(a, b)),
    'not': values(torch.logical_not(a)),
    'anyAll': values(torch.any(a)) + values(torch.all(a)),
    'any1': values(torch.any(a, 1)),
    'all0keep': values(torch.all(a, 0, keepdim=True)),
    'all0keepShape': list(torch.all(a, 0, keepdim=True).shape),
    'sumOfBool': values((a > 0).sum(1)),
    'sumOfBoolDtype': str((a > 0).sum(1).dtype),  # int64 in PyTorch; int32 here (no int64 dtype)
    'addBool': values(torch.tensor([True, True, False]) + torch.tensor([True, False, False])),
    'addBoolDtype': NAMES[(torch.tensor([True]) + torch.tensor([True])).dtype],
    'mulBool': values(torch.tensor([True, True, False]) * torch.tensor([True, False, False])),
    'emptyAnyAll': values(torch.any(torch.zeros(0))) + values(torch.all(torch.zeros(0))),
}

with open('packages/core/test/fixtures/bool-reference.json', 'w') as f:
    json.dump({'torch': torch.__version__, 'resultType': result_type, 'casts': casts, 'logic': logic}, f, indent=1)
    f.write('\n')
print('wrote', len(result_type), 'result_type cases')

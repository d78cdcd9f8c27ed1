import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@torchlet/core';
import { type DType, type Tensor, assertClose, tensor } from '@torchlet/core';

// Issue 13's math ops against PyTorch 1.13's answers, recorded by scripts/reference/math_ops.py (read its header for
// the case format): values on each op's domain, at the edges (±0, ±Infinity, NaN, domain limits, overflow), in
// float32 and int32 (dtype rules), and the gradients of sum(values * upstream) in float64.

type Num = number | 'NaN' | 'Infinity' | '-Infinity' | '-0';
interface Flat { shape: number[]; dtype: DType; data: Num[] }
interface Case {
  name: string;
  op: string;
  inputs: Flat[];
  params: Record<string, unknown>;
  outputs?: Flat[];
  grads?: (Flat | null)[];
  error?: string;
}

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'math-reference.json');
const { cases } = JSON.parse(readFileSync(fixture, 'utf8')) as { cases: Case[] };

const num = (v: Num): number => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === '-0' ? -0 : v);
const build = (f: Flat, requiresGrad = false): Tensor => tensor(f.data.map(num), { shape: f.shape, dtype: f.dtype, requiresGrad });
const param = (v: unknown): unknown => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);

type Call = (xs: Tensor[], p: Record<string, unknown>) => Tensor | Tensor[];
const fn = (name: string) => core[name as keyof typeof core] as unknown as (...a: unknown[]) => Tensor;
const unary = (name: string): Call => ([x]) => fn(name)(x);
const binary = (name: string): Call => ([a, b]) => fn(name)(a, b);

const calls: Record<string, Call> = {
  round: ([x], p) => core.round(x, { decimals: p.decimals as number | undefined }),
  elu: ([x], p) => core.elu(x, { alpha: p.alpha as number }),
  hardtanh: ([x], p) => core.hardtanh(x, p.minVal as number | undefined, p.maxVal as number | undefined),
  lerp: ([s, e, w], p) => core.lerp(s, e, w ?? (p.weight as number)),
  prod: ([x], p) => (p.dim === undefined ? core.prod(x) : core.prod(x, p.dim as number, p.keepdim as boolean | undefined)),
  std: ([x], p) => core.std(x, p.dim as number | undefined, { unbiased: p.unbiased as boolean | undefined, keepdim: p.keepdim as boolean | undefined }),
  norm: ([x], p) => core.norm(x, param(p.p ?? 'fro'), p.dim ?? null, p.keepdim ?? false),
  amax: ([x], p) => core.amax(x, p.dim as number | undefined, p.keepdim as boolean | undefined),
  amin: ([x], p) => core.amin(x, p.dim as number | undefined, p.keepdim as boolean | undefined),
  cumsum: ([x], p) => core.cumsum(x, p.dim as number),
  cumprod: ([x], p) => core.cumprod(x, p.dim as number),
  sort: ([x], p) => [...core.sort(x, p.dim as number, p.descending as boolean)],
  topk: ([x], p) => [...core.topk(x, p.k as number, p.dim as number | undefined, p.largest as boolean | undefined)],
};
for (const op of [
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'log1p', 'expm1', 'log2', 'log10', 'exp2',
  'rsqrt', 'reciprocal', 'square', 'sign', 'floor', 'ceil', 'trunc', 'erf', 'silu', 'selu', 'mish',
]) calls[op] = unary(op);
for (const op of ['atan2', 'hypot', 'logaddexp', 'xlogy']) calls[op] = binary(op);

/** Where torchlet does not follow PyTorch 1.13, and why. */
const deviations: Record<string, string> = {
  'round of int32': "1.13 has no integer kernel; torchlet returns the integers unchanged, as PyTorch 2's round does",
};

/** Agreement asked: float64 to about 1e-12 relative (libm differences), float32 to its own rounding. */
function tolerance(c: Case, out: Flat): { atol: number; rtol: number } {
  if (out.dtype === 'float32') return { atol: 1e-6, rtol: 2e-6 };
  return c.op === 'erf' ? { atol: 1e-15, rtol: 1e-14 } : { atol: 1e-12, rtol: 1e-10 };
}

test('the fixture covers every op of the issue, and the runner has a call for each', () => {
  const ops = new Set(cases.map((c) => c.op));
  assert.equal(ops.size, Object.keys(calls).length);
  for (const op of ops) assert.ok(op in calls, op);
  assert.ok(cases.length >= 190, `only ${cases.length} cases`);
});

/** Every case, its gradients taken plainly or with createGraph (the backward recorded, as for a second order). */
function runCases(createGraph: boolean): string[] {
  const failures: string[] = [];
  for (const c of cases) {
    try {
      const grad = c.grads !== undefined;
      const xs = c.inputs.map((f) => build(f, grad));
      if (c.error !== undefined) {
        if (c.name in deviations) continue;
        assert.throws(() => calls[c.op](xs, c.params), /./, `PyTorch raised: ${c.error}`);
        continue;
      }
      const got = calls[c.op](xs, c.params);
      const outs = Array.isArray(got) ? got : [got];
      c.outputs!.forEach((expected, k) => {
        assert.equal(outs[k].dtype, expected.dtype, `output ${k} dtype`);
        assert.equal(outs[k].shape, expected.shape, `output ${k} shape`);
        assertClose(outs[k], build(expected), tolerance(c, expected));
        // -0 against +0 is a different answer (1/x tells them apart); float32 may flush a tiny result to -0 where torchlet keeps it
        expected.data.forEach((v, i) => assert.ok(v !== '-0' || expected.dtype !== 'float64' || Object.is(outs[k].data[i], -0), `output ${k}[${i}] should be -0`));
      });
      if (!grad) continue;
      const values = outs[0];
      const upstream = tensor(Array.from({ length: values.numel() }, (_, i) => 1 + (i % 3) / 2), { shape: values.shape, dtype: 'float64' });
      values.backward(upstream, { createGraph });
      c.grads!.forEach((g, k) => {
        if (g === null) assert.ok(xs[k].grad === null || xs[k].grad!.data.every((v) => v === 0), `input ${k} should get no gradient`);
        else assertClose(xs[k].grad!, build(g), { atol: 1e-10, rtol: 1e-9 });
      });
    } catch (e) {
      failures.push(`${c.name}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return failures;
}

test("values and gradients match PyTorch 1.13's, at the edges too", () => {
  assert.equal(runCases(false), []);
});

test('the gradients recorded with createGraph are the same answers (the backward rules taking their second-order paths)', () => {
  assert.equal(runCases(true), []);
});

test('round on int32 returns the integers unchanged (the deviation above)', () => {
  const x = tensor([-3, 0, 7], { dtype: 'int32' });
  const y = core.round(x);
  assert.equal([y.dtype, y.tolist()], ['int32', [-3, 0, 7]]);
});

test.run();

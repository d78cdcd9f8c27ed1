import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DType, type Tensor, abs, add, argmax, argmin, avgPool2d, cat, clamp, conv2d, crossEntropy, div, eq, exp, fill_, full, getBackend,
  leakyRelu, log, logSoftmax, logsumexp, lt, matmul, max, maxPool2d, maximum, mean, min, minimum, mul, neg, pow, relu, sigmoid, softmax, softplus,
  sqrt, sub, sum, tanh, tensor, var as variance,
} from '@torchlet/core';
import { getNumThreads, splitJobCount, threadsReady } from '../src/kernels/wasm/pool.js';

// Issue 11: extreme and degenerate input through every op family, against PyTorch 1.13's answers recorded by
// scripts/reference/edge_cases.py (read its header for the case format). The runner runs this file on each kernel
// backend; the big cases take the wasm SIMD and threaded kernels there.

type Num = number | 'NaN' | 'Infinity' | '-Infinity';
type Nested = Num | Nested[];
interface TensorArg { kind: 'tensor'; data: Nested; dtype: DType }
interface GenArg { kind: 'gen'; shape: number[]; dtype: DType; scale: number; period: number; specials: [number, Num][] }
type Arg = TensorArg | GenArg | Arg[] | number | string | null | Nested;
interface Recorded { shape: number[]; dtype: string; data: Num[]; absMax: number; sampleIndex?: number[] }
interface Case { name: string; op: string; args: Arg[]; grad: number[]; error?: string; outputs?: Recorded[]; grads?: (Recorded | null)[] }

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'edge-reference.json');
const { cases } = JSON.parse(readFileSync(fixture, 'utf8')) as { cases: Case[] };

const num = (v: Num): number => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);
const isSpecial = (v: unknown): v is Num => v === 'NaN' || v === 'Infinity' || v === '-Infinity';
const decode = (d: Nested): unknown => (Array.isArray(d) ? d.map(decode) : num(d));
const isTensorArg = (a: Arg): a is TensorArg | GenArg => typeof a === 'object' && a !== null && !Array.isArray(a) && 'kind' in a;

function build(arg: Arg): unknown {
  if (Array.isArray(arg) && arg.length > 0 && isTensorArg(arg[0])) return arg.map(build);
  if (!isTensorArg(arg)) return Array.isArray(arg) || typeof arg === 'number' || isSpecial(arg) ? decode(arg as Nested) : arg;
  if (arg.kind === 'tensor') return tensor(decode(arg.data) as number[], { dtype: arg.dtype });
  const n = arg.shape.reduce((p, d) => p * d, 1);
  const flat = Array.from({ length: n }, (_, i) => (arg.scale * (((i * 7) % arg.period) - Math.floor(arg.period / 2))) / 4);
  for (const [k, v] of arg.specials) flat[k] = num(v);
  return tensor(flat, { shape: arg.shape, dtype: arg.dtype });
}

const ops = {
  exp, log, sqrt, sigmoid, tanh, softplus, relu, abs, neg, add, sub, mul, div, pow, maximum, minimum, eq, lt,
  sum: (x: Tensor, dim?: number | number[]) => sum(x, dim),
  mean: (x: Tensor, dim?: number | number[]) => mean(x, dim),
  var: (x: Tensor, dim: number) => variance(x, dim),
  max: (x: Tensor) => max(x),
  min: (x: Tensor) => min(x),
  maxDim: (x: Tensor, dim: number) => { const r = max(x, dim); return [r.values, r.indices]; },
  minDim: (x: Tensor, dim: number) => { const r = min(x, dim); return [r.values, r.indices]; },
  argmax: (x: Tensor, dim?: number) => argmax(x, dim),
  argmin: (x: Tensor, dim?: number) => argmin(x, dim),
  logsumexp, softmax, logSoftmax, crossEntropy, matmul, cat,
  conv2d: (x: Tensor, w: Tensor, b: Tensor) => conv2d(x, w, b),
  maxPool2d: (x: Tensor, k: number) => maxPool2d(x, k),
  avgPool2d: (x: Tensor, k: number) => avgPool2d(x, k),
  tensor: (data: number[], dtype: DType) => tensor(data, { dtype }),
  full: (shape: number[], value: number, dtype: DType) => full(shape, value, { dtype }),
  fill_: (x: Tensor, value: number) => fill_(x, value),
  clamp: (x: Tensor, lo: number, hi: number) => clamp(x, lo, hi),
  leakyRelu: (x: Tensor, slope: number) => leakyRelu(x, slope),
} as unknown as Record<string, (...args: unknown[]) => Tensor | Tensor[]>;

// torchlet has no int64 or bool dtype: PyTorch's int64 results (indices, sums of int32) and bool results (comparisons)
// are int32 here (README, "Where torchlet differs from PyTorch")
const sameDType = (ours: DType, theirs: string): boolean => ours === theirs || (ours === 'int32' && (theirs === 'int64' || theirs === 'bool'));

/** Why `actual` is not PyTorch's `expected`, or null when it is (NaN matches NaN, ±Infinity exactly, the rest within rounding). */
function mismatch(actual: Tensor, expected: Recorded, scale = expected.absMax): string | null {
  if (!sameDType(actual.dtype, expected.dtype)) return `dtype ${actual.dtype}, PyTorch ${expected.dtype}`;
  if (JSON.stringify(actual.shape) !== JSON.stringify(expected.shape)) return `shape [${actual.shape}], PyTorch [${expected.shape}]`;
  // within rounding: a few units in the last place of the element, or of `scale`: the tensor's largest finite
  // element, and for a gradient at least upstream × output (softmax's y·(g - Σ g·y) is a difference of such terms,
  // 0 in one order of summation and 1e-17 in another)
  const eps = actual.dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  const rtol = 16 * eps;
  const atol = 16 * eps * scale;
  for (let k = 0; k < expected.data.length; k++) {
    const i = expected.sampleIndex ? expected.sampleIndex[k] : k;
    const a = actual.data[i];
    const e = num(expected.data[k]);
    if (Object.is(a, e) || a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (actual.dtype !== 'int32' && Number.isFinite(a) && Number.isFinite(e) && Math.abs(a - e) <= atol + rtol * Math.max(Math.abs(e), Math.abs(a))) continue;
    return `element ${i}: ${a}, PyTorch ${e}`;
  }
  return null;
}

const UPSTREAM_MAX = 2;

/** The rule that makes u[i] = 1 + (i % 3) / 2 the upstream gradient of the first output, as the script. */
function upstreamFor(y: Tensor): Tensor {
  return tensor(Array.from({ length: y.numel() }, (_, i) => 1 + (i % 3) / 2), { shape: y.shape, dtype: y.dtype });
}

type Outcome = { kind: 'match' } | { kind: 'refused' } | { kind: 'differs'; detail: string };

function run(c: Case, createGraph = false): Outcome {
  const args = c.args.map(build) as Tensor[];
  for (const i of c.grad) args[i].requiresGrad = true;
  let outs: Tensor[];
  try {
    const out = ops[c.op](...args);
    outs = Array.isArray(out) ? out : [out];
  } catch (err) {
    if (c.error !== undefined) return { kind: 'refused' };
    return { kind: 'differs', detail: `torchlet refuses (${(err as Error).message}), PyTorch gives ${JSON.stringify(c.outputs?.[0].data.slice(0, 4))}` };
  }
  if (c.error !== undefined) return { kind: 'differs', detail: `PyTorch refuses (${c.error}), torchlet gives ${Array.from(outs[0].data.slice(0, 4))}` };
  const expected = c.outputs!;
  if (outs.length !== expected.length) return { kind: 'differs', detail: `${outs.length} outputs, PyTorch ${expected.length}` };
  for (let k = 0; k < outs.length; k++) {
    const why = mismatch(outs[k], expected[k]);
    if (why) return { kind: 'differs', detail: `output ${k}: ${why}` };
  }
  if (c.grad.length === 0) return { kind: 'match' };
  outs[0].backward(upstreamFor(outs[0]), { createGraph });
  for (let k = 0; k < c.grad.length; k++) {
    const g = args[c.grad[k]].grad;
    const e = c.grads![k];
    if (e === null) {
      if (g !== null) return { kind: 'differs', detail: `gradient ${k}: torchlet has one, PyTorch none` };
      continue;
    }
    if (g === null) return { kind: 'differs', detail: `gradient ${k}: none, PyTorch ${JSON.stringify(e.data.slice(0, 4))}` };
    const why = mismatch(g, e, Math.max(e.absMax, UPSTREAM_MAX * expected[0].absMax));
    if (why) return { kind: 'differs', detail: `gradient of argument ${c.grad[k]}: ${why}` };
  }
  return { kind: 'match' };
}

/** Cases where torchlet deliberately gives another answer than PyTorch, and why (each must still differ). */
const DELIBERATE: Record<string, string> = {
  'sum int32 overflow': 'PyTorch sums int32 to int64; torchlet has no int64 and refuses a sum that does not fit int32',
  'sum int32 negative overflow': 'as above, below -2^31',
  'sum int32 dim overflow': 'as above, along a dim',
  // the true variance of [1e308, 1e308, -1e308] is 1.3e616: +Infinity in float64; PyTorch's Welford update gives -Infinity
  // d/dx x^y = y·x^(y-1) at x = y = 1e-45: 1.5 (the upstream) exactly; PyTorch's float32 x^(y-1) overflows first
  'pow non-finite and huge float32': "torchlet's elementwise kernels work in float64 and round once; PyTorch's float32 intermediate overflows to Infinity",
  'var with Inf float64': "torchlet's two-pass variance overflows to +Infinity, the sign of the true value; PyTorch 1.13 gives -Infinity",
};

test('extreme and degenerate input gives PyTorch 1.13 answers (or both refuse), on this kernel backend', async () => {
  assert.ok(cases.length >= 180, `only ${cases.length} cases in the fixture`);
  // on wasm with a worker, the cases named "threaded" must really run split across the thread pool
  const threaded = getBackend() === 'wasm' && getNumThreads() > 1 && (await threadsReady()) > 1;
  const counts = { match: 0, refused: 0, deliberate: 0 };
  const failures: string[] = [];
  for (const c of cases) {
    const splitsBefore = splitJobCount();
    const outcome = run(c);
    if (threaded && c.name.includes('threaded') && splitJobCount() === splitsBefore) failures.push(`${c.name}: not split across the thread pool`);
    const reason = DELIBERATE[c.name];
    if (reason !== undefined) {
      if (outcome.kind === 'differs') counts.deliberate++;
      else failures.push(`${c.name}: listed as a deliberate difference (${reason}) but now ${outcome.kind}`);
    } else if (outcome.kind === 'differs') {
      failures.push(`${c.name}: ${outcome.detail}`);
    } else {
      counts[outcome.kind]++;
    }
  }
  console.log(
    `edge reference (${getBackend()}): ${cases.length} cases, ${counts.match} match, ${counts.refused} refused by both, ` +
      `${counts.deliberate} differ deliberately, ${failures.length} fail`,
  );
  assert.equal(failures, []);
});

test('the same gradients with createGraph on (the backward rules recorded as ops), on this kernel backend', () => {
  const failures: string[] = [];
  for (const c of cases) {
    const outcome = run(c, true);
    if (DELIBERATE[c.name] === undefined && outcome.kind === 'differs') failures.push(`${c.name}: ${outcome.detail}`);
  }
  assert.equal(failures, []);
});

test.run();

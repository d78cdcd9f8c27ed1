import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Tensor, tensor, grad, assertClose, add, sub, mul, div, sum, mean, exp, log, sqrt, pow, tanh, sigmoid, gelu, softplus,
  softmax, logSoftmax, logsumexp, var as variance, matmul, linear, crossEntropy, mseLoss, conv2d, maxPool2d, avgPool2d,
  batchNorm, leakyRelu, hessian, hvp, vjp, jvp, jacobian,
} from '@torchlet/core';

// Second-order gradients, autograd.functional and a WGAN-GP critic step against PyTorch 1.13's numbers, recorded by
// scripts/reference/higher_order.py (this test needs no PyTorch).

interface Encoded { shape: number[]; data: number[] }
interface GradGradCase { kind: 'gradgrad'; op: string; inputs: Encoded[]; output: Encoded; u: Encoded; w: Encoded[]; grads: Encoded[]; gradgrads: (Encoded | null)[] }
interface FunctionalCase {
  kind: 'functional'; x: Encoded; y: Encoded; v: Encoded[]; hessian: Encoded[][]; hvp: Encoded[];
  xg: Encoded; vo: Encoded; vjp: Encoded; jvp: Encoded; jacobian: Encoded;
}
interface WganCase {
  kind: 'wgan'; params: Record<string, Encoded>; real: Encoded; fake: Encoded; alpha: Encoded; lambda: number; lr: number;
  penalty: number; loss: number; grads: Record<string, Encoded>; stepped: Record<string, Encoded>;
}
type Case = GradGradCase | FunctionalCase | WganCase;

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'higher-order-reference.json');
const { cases } = JSON.parse(readFileSync(fixture, 'utf8')) as { cases: Case[] };
const dec = (e: Encoded, requiresGrad = false): Tensor => tensor(e.data, { dtype: 'float64', shape: e.shape, requiresGrad });
const close = (actual: Tensor | null, expected: Encoded, what: string) => {
  assert.ok(actual !== null, `${what}: no gradient`);
  assert.equal([...actual!.shape], expected.shape, `${what}: shape`);
  assertClose(actual!, dec(expected), { atol: 1e-9, rtol: 1e-7 });
};
const int = (values: number[]) => tensor(values, { dtype: 'int32' });

const ops: Record<string, (...t: Tensor[]) => Tensor> = {
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  exp: (x) => exp(x),
  log: (x) => log(x),
  sqrt: (x) => sqrt(x),
  pow: (x, e) => pow(x, e),
  div: (a, b) => div(a, b),
  gelu: (x) => gelu(x),
  geluTanh: (x) => gelu(x, { approximate: 'tanh' }),
  softplus: (x) => softplus(x, { beta: 2, threshold: 1.5 }),
  softmax: (x) => softmax(x, 1),
  logSoftmax: (x) => logSoftmax(x, 1),
  logsumexp: (x) => logsumexp(x, 1),
  var: (x) => variance(x, 1),
  matmul: (a, b) => matmul(a, b),
  linear: (x, w, b) => linear(x, w, b),
  crossEntropy: (x) => crossEntropy(x, int([0, 2, 1]), { labelSmoothing: 0.1 }),
  mseLoss: (a, b) => mseLoss(a, b),
  conv2d: (x, w, b) => conv2d(x, w, b, { padding: 1 }),
  conv2dStrided: (x, w) => conv2d(x, w, null, { stride: 2, groups: 2 }),
  maxPool2d: (x) => maxPool2d(mul(x, x), 2),
  avgPool2d: (x) => avgPool2d(mul(x, x), 2, 1),
  batchNormTraining: (x, w, b) => batchNorm(x, { weight: w, bias: b, training: true }),
  mlp: (x, w1, w2) => linear(tanh(linear(x, w1)), w2),
};

test('second-order gradients of every recorded op match PyTorch', () => {
  const gradgrads = cases.filter((c): c is GradGradCase => c.kind === 'gradgrad');
  assert.ok(gradgrads.length >= 20);
  for (const c of gradgrads) {
    const inputs = c.inputs.map((e) => dec(e, true));
    const out = ops[c.op](...inputs);
    close(out, c.output, `${c.op} output`);
    const gs = grad(out, inputs, { gradOutputs: dec(c.u), createGraph: true });
    gs.forEach((g, k) => close(g, c.grads[k], `${c.op} gradient ${k}`));
    const total = gs.map((g, k) => sum(mul(g!, dec(c.w[k])))).reduce((a, b) => add(a, b));
    const ggs = total.requiresGrad ? grad(total, inputs, { allowUnused: true }) : inputs.map(() => null);
    ggs.forEach((g, k) => {
      const e = c.gradgrads[k];
      if (e === null) assert.ok(g === null || g.data.every((v) => v === 0), `${c.op} second-order gradient ${k}: PyTorch has none`);
      else close(g ?? tensor(new Array(e.data.length).fill(0), { dtype: 'float64', shape: e.shape }), e, `${c.op} second-order gradient ${k}`);
    });
  }
});

test('hessian, hvp, vjp, jvp and jacobian match torch.autograd.functional', () => {
  const c = cases.find((k): k is FunctionalCase => k.kind === 'functional')!;
  const f = (x: Tensor, y: Tensor) => add(sum(mul(tanh(x), pow(y, 2))), sum(pow(x, 3)));
  const H = hessian(f, [dec(c.x), dec(c.y)]);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) close(H[i][j], c.hessian[i][j], `hessian[${i}][${j}]`);
  const [, Hv] = hvp(f, [dec(c.x), dec(c.y)], c.v.map((e) => dec(e)));
  Hv.forEach((h, k) => close(h, c.hvp[k], `hvp ${k}`));
  const g = (x: Tensor) => mul(tanh(x), sum(x));
  close(vjp(g, dec(c.xg), dec(c.vo))[1], c.vjp, 'vjp');
  close(jvp(g, dec(c.xg), dec(c.vo))[1], c.jvp, 'jvp');
  close(jacobian(g, dec(c.xg)), c.jacobian, 'jacobian');
});

test("a WGAN-GP critic step (the penalty (||dD/dx|| - 1)^2 at interpolates) gives PyTorch's loss, gradients and SGD step", () => {
  const c = cases.find((k): k is WganCase => k.kind === 'wgan')!;
  const p = Object.fromEntries(Object.entries(c.params).map(([k, e]) => [k, dec(e, true)]));
  const critic = (x: Tensor) => linear(leakyRelu(linear(tanh(linear(x, p.w1, p.b1)), p.w2, p.b2), 0.2), p.w3, p.b3);
  const real = dec(c.real);
  const fake = dec(c.fake);
  const alpha = dec(c.alpha);
  const xhat = add(mul(alpha, real), mul(sub(1, alpha), fake)).detach();
  xhat.requiresGrad = true;
  const [dx] = grad(sum(critic(xhat)), xhat, { createGraph: true });
  const norms = sqrt(sum(mul(dx!, dx!), 1));
  const penalty = mean(pow(sub(norms, 1), 2));
  const loss = add(sub(mean(critic(fake)), mean(critic(real))), mul(penalty, c.lambda));
  assertClose(penalty, [c.penalty], { atol: 1e-10, rtol: 1e-9 });
  assertClose(loss, [c.loss], { atol: 1e-10, rtol: 1e-9 });
  loss.backward();
  for (const [k, t] of Object.entries(p)) {
    close(t.grad, c.grads[k], `gradient of ${k}`);
    close(sub(t.detach(), mul(t.grad!, c.lr)), c.stepped[k], `${k} after one SGD step`);
  }
  assert.is(xhat.grad !== null, true, 'the interpolates got their gradient too (as in PyTorch, .grad of a leaf)');
});

test.run();

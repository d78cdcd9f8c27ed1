import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, empty, defineOp, grad, gradgradcheck, assertClose, Generator, vjp, jvp, hvp, vhp, jacobian, hessian,
  add, sub, mul, div, sum, mean, exp, log, sqrt, abs, pow, relu, sigmoid, tanh, neg, gelu, softplus, leakyRelu, clamp,
} from '@torchlet/core';

// The machinery of higher-order gradients: grad, backward's createGraph and inputs, multi-output ops, the error for
// a backward that cannot be differentiated. Per-op gradgradchecks are in gradgradcheck.test.ts.

const f64 = (values: number[], shape?: number[]) => tensor(values, { dtype: 'float64', ...(shape ? { shape } : {}) });
const leaf = (values: number[], shape?: number[]) => {
  const t = f64(values, shape);
  t.requiresGrad = true;
  return t;
};
const list = (t: Tensor | null) => Array.from(t!.data);

test('grad with createGraph differentiates x^4 three times, exactly: 4x^3, 12x^2, 24x', () => {
  const x = leaf([1.5, -2, 0.25]);
  const [d1] = grad(sum(pow(x, 4)), x, { createGraph: true });
  assert.equal(list(d1), [1.5, -2, 0.25].map((v) => 4 * v ** 3));
  const [d2] = grad(sum(d1!), x, { createGraph: true });
  assert.equal(list(d2), [1.5, -2, 0.25].map((v) => 12 * v ** 2));
  const [d3] = grad(sum(d2!), x);
  assert.equal(list(d3), [1.5, -2, 0.25].map((v) => 24 * v));
  assert.is(x.grad, null, 'grad leaves .grad alone');
});

test('the same chain through mul alone, and through backward(createGraph), whose .grad has a graph', () => {
  const x = leaf([3]);
  sum(mul(mul(x, x), mul(x, x))).backward(undefined, { createGraph: true });
  const g1 = x.grad!;
  assert.equal(list(g1), [108]);
  assert.ok(g1.requiresGrad && g1.gradFn !== null, '.grad is recorded');
  x.grad = null;
  g1.backward();
  assert.equal(list(x.grad), [12 * 9]);
});

test('createGraph implies retainGraph; without it the graph is freed', () => {
  const x = leaf([2]);
  const y = sum(exp(x));
  grad(y, x, { createGraph: true });
  assert.equal(list(grad(y, x)[0]), [Math.exp(2)], 'a second walk works after createGraph');
  assert.throws(() => grad(y, x), /trying to backward through the graph a second time/);
  const z = sum(exp(x));
  grad(z, x, { retainGraph: true });
  assert.equal(list(grad(z, x)[0]), [Math.exp(2)]);
});

test('grad: several outputs and inputs, gradOutputs, allowUnused and its error naming the input', () => {
  const a = leaf([1, 2]);
  const b = leaf([3, 4]);
  const unused = leaf([5]);
  const [ga, gb] = grad([sum(mul(a, b)), mul(a, 2)], [a, b], { gradOutputs: [null, f64([10, 100])] });
  assert.equal(list(ga), [3 + 20, 4 + 200]);
  assert.equal(list(gb), [1, 2]);
  assert.throws(() => grad(sum(a), [a, unused]), /grad: input 1 \(shape \[1\]\) was not used in the graph of the outputs; pass \{ allowUnused: true \}/);
  const [g0, g1] = grad(sum(a), [a, unused], { allowUnused: true });
  assert.equal(list(g0), [1, 1]);
  assert.is(g1, null);
  assert.throws(() => grad(mul(a, 2), a), /grad: a gradient can be implied only for an output with one element, got shape \[2\]; pass gradOutputs/);
  assert.throws(() => grad(sum(a), f64([1])), /grad: input 0 \(shape \[1\]\) does not require grad/);
  assert.throws(() => grad(sum(a), a, { createGrpah: true } as never), /grad: unknown option "createGrpah".*did you mean "createGraph"/);
  assert.throws(() => grad(sum(a), a, {}, 'extra' as never), /grad: takes at most 3 arguments, got 4/);
  assert.throws(() => grad([], a), /grad: outputs must be a Tensor or a non-empty array of Tensors, got an empty array/);
  assert.throws(() => grad(sum(a), a, { gradOutputs: [f64([1]), f64([1])] }), /grad: got 2 gradOutputs for 1 outputs/);
});

test('grad of a non-leaf input, computing only what reaches the inputs', () => {
  const x = leaf([1, 2, 3]);
  const h = mul(x, x);
  const y = sum(mul(h, 3));
  const [gh] = grad(y, h, { retainGraph: true });
  assert.equal(list(gh), [3, 3, 3]);
  const [gx, gh2] = grad(y, [x, h]);
  assert.equal(list(gx), [6, 12, 18]);
  assert.equal(list(gh2), [3, 3, 3]);
  assert.is(x.grad, null);
});

test('backward({ inputs }) accumulates only into the given tensors', () => {
  const a = leaf([1]);
  const b = leaf([2]);
  sum(mul(a, b)).backward(undefined, { inputs: [b] });
  assert.is(a.grad, null);
  assert.equal(list(b.grad), [1]);
  sum(mul(a, b)).backward(undefined, { inputs: a });
  assert.equal(list(a.grad), [2]);
  assert.throws(() => sum(a).backward(undefined, { input: [a] } as never), /backward: unknown option "input".*did you mean "inputs"/);
});

test('a WGAN-GP style penalty: the gradient of (||dD/dx|| - 1)^2 reaches the critic weights', () => {
  const w = leaf([0.5, -1.5], [2]);
  const x = leaf([0.3, 0.8], [2]);
  const critic = (input: Tensor) => sum(tanh(mul(input, w)));
  const [dx] = grad(critic(x), x, { createGraph: true });
  const penalty = pow(sub(sqrt(sum(mul(dx!, dx!))), 1), 2);
  penalty.backward();
  // by hand: dD/dx_i = w_i (1 - tanh²(w_i x_i)); compare against finite differences of the penalty in w
  const p = (wv: number[]) => {
    const d = wv.map((wi, i) => wi * (1 - Math.tanh(wi * [0.3, 0.8][i]) ** 2));
    return (Math.hypot(...d) - 1) ** 2;
  };
  const h = 1e-6;
  const numeric = [0, 1].map((i) => {
    const up = [0.5, -1.5];
    const down = [0.5, -1.5];
    up[i] += h;
    down[i] -= h;
    return (p(up) - p(down)) / (2 * h);
  });
  assertClose(w.grad!, f64(numeric), { atol: 1e-7, rtol: 1e-6 });
});

/** A user's op whose backward writes raw loops: right at first order, not differentiable. */
const cube = defineOp({
  name: 'cube',
  signatures: ['Tensor'],
  forward(ctx, x: Tensor) {
    ctx.save(x);
    const out = empty(x.shape, x.dtype);
    for (let i = 0; i < out.data.length; i++) out.data[i] = x.data[i] ** 3;
    return out;
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    const gx = empty(x.shape, x.dtype);
    for (let i = 0; i < gx.data.length; i++) gx.data[i] = 3 * x.data[i] ** 2 * g.data[i];
    return [gx];
  },
});

/** The same op with its backward written in ops: differentiable to every order. */
const cubeInOps = defineOp({
  name: 'cubeInOps',
  signatures: ['Tensor'],
  forward(ctx, x: Tensor) {
    ctx.save(x);
    const out = empty(x.shape, x.dtype);
    for (let i = 0; i < out.data.length; i++) out.data[i] = x.data[i] ** 3;
    return out;
  },
  backward(ctx, g) {
    const [x] = ctx.saved;
    return [mul(g, mul(mul(x, x), 3))];
  },
});

test('a second-order gradient reaching a raw-loop backward raises, naming the op and the way out', () => {
  const x = leaf([2]);
  const [g] = grad(sum(cube(x)), x, { createGraph: true });
  assert.equal(list(g), [12], 'the first order is still right');
  assert.throws(
    () => grad(sum(g!), x),
    /cube: a second-order gradient reached the backward of cube, which is not differentiable \(its backward computed a gradient outside torchlet ops.*write its backward with torchlet ops/,
  );
  const [g2] = grad(sum(grad(sum(cubeInOps(x)), x, { createGraph: true })[0]!), x);
  assert.equal(list(g2), [12]);
});

test('differentiableBackward: false states it up front, even for a backward that happens to use ops', () => {
  const once = defineOp({
    name: 'once',
    signatures: ['Tensor'],
    differentiableBackward: false,
    forward: (ctx, x: Tensor) => {
      ctx.save(x);
      return mul(x, x);
    },
    backward: (ctx, g) => [mul(g, mul(ctx.saved[0], 2))],
  });
  const x = leaf([3]);
  const [g] = grad(sum(once(x)), x, { createGraph: true });
  assert.equal(list(g), [6]);
  assert.throws(() => grad(sum(g!), x), /once: .*not differentiable \(the op declares differentiableBackward: false\)/);
  assert.equal(list(grad(sum(once(x)), x)[0]), [6], 'first order is unaffected');
});

/** A user's multi-output op: x -> [x², x³], as a torch.autograd.Function returning a tuple. */
const powers = defineOp({
  name: 'powers',
  signatures: ['Tensor'],
  forward(ctx, x: Tensor): Tensor[] {
    ctx.save(x);
    return [mul(x, x), mul(mul(x, x), x)];
  },
  backward(ctx, [g2, g3]) {
    const [x] = ctx.saved;
    const parts = [g2 ? mul(g2, mul(x, 2)) : null, g3 ? mul(g3, mul(mul(x, x), 3)) : null].filter((p) => p !== null);
    return [parts.length === 2 ? add(parts[0], parts[1]) : parts[0]];
  },
});

test('multi-output defineOp: one upstream gradient per output, null for an unused one, differentiable again', () => {
  const x = leaf([2, -1]);
  const [sq, cu] = powers(x);
  assert.is(sq.gradFn, 'powersBackward');
  assert.is(cu.gradFn, 'powersBackward');
  assert.equal(list(grad(sum(cu), x, { retainGraph: true })[0]), [12, 3], 'only the second output is used');
  assert.equal(list(grad(add(sum(sq), sum(cu)), x, { retainGraph: true })[0]), [4 + 12, -2 + 3]);
  const [d1] = grad(add(sum(sq), sum(cu)), x, { createGraph: true });
  const [d2] = grad(sum(d1!), x);
  assert.equal(list(d2), [2 + 12, 2 - 6]);
  assert.throws(
    () => defineOp({ name: 'noOutputs', signatures: ['Tensor'], forward: (_ctx, _x: Tensor): Tensor[] => [] })(f64([1])),
    /noOutputs: forward must return a Tensor or a non-empty array of Tensors/,
  );
});

test('retainGrad on one output of a multi-output op', () => {
  const x = leaf([2]);
  const [sq, cu] = powers(x);
  cu.retainGrad();
  sum(add(mul(sq, 1), mul(cu, 5))).backward();
  assert.equal(list(cu.grad), [5]);
  assert.is(sq.grad, null);
});

test('gradgradcheck passes on twice-differentiable compositions and fails on a wrong second derivative', () => {
  const gen = new Generator(3);
  const r = (n: number, lo = -1, hi = 1) => leaf(Array.from({ length: n }, () => lo + (hi - lo) * gen.random()), [n]);
  const fns: [string, (...t: Tensor[]) => Tensor, Tensor[]][] = [
    ['mul div sub', (a, b) => div(sub(mul(a, b), a), add(mul(b, b), 1)), [r(4), r(4)]],
    ['broadcast', (a, b) => mul(a, b), [leaf([1, 2, 3, 4, 5, 6], [2, 3]), r(3)]],
    ['exp log', (a) => log(add(exp(a), 2)), [r(3)]],
    ['sqrt', (a) => sqrt(a), [r(3, 0.5, 2)]],
    ['abs', (a) => mul(abs(a), a), [r(3)]],
    ['pow base', (a) => pow(a, 3.5), [r(3, 0.5, 2)]],
    ['pow both', (a, e) => pow(a, e), [r(3, 0.5, 2), r(3, 0.5, 2)]],
    ['sigmoid tanh', (a) => mul(sigmoid(a), tanh(a)), [r(4, -2, 2)]],
    ['relu leakyRelu clamp', (a) => mul(add(add(relu(a), leakyRelu(a, 0.2)), clamp(a, -0.5, 0.5)), a), [f64([-0.9, -0.3, 0.2, 0.7])]],
    ['gelu', (a) => gelu(a), [r(4, -2, 2)]],
    ['gelu tanh', (a) => gelu(a, { approximate: 'tanh' }), [r(4, -2, 2)]],
    ['softplus', (a) => softplus(a, { beta: 2, threshold: 1.5 }), [f64([-1, 0.2, 0.5, 2])]],
    ['neg mean', (a) => mean(neg(mul(a, a))), [r(3)]],
  ];
  for (const [name, fn, inputs] of fns) {
    inputs.forEach((t) => (t.requiresGrad = true));
    try {
      gradgradcheck(fn, inputs);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
  // x² whose gradient op 2x·g has a wrong derivative in x (g instead of 2g): first order right, second wrong
  const squareGrad = defineOp({
    name: 'squareGrad',
    signatures: ['Tensor, Tensor'],
    forward: (ctx, x: Tensor, g: Tensor) => {
      ctx.save(x, g);
      return mul(g, mul(x, 2));
    },
    backward: (ctx, gg) => [mul(gg, ctx.saved[1]), mul(gg, mul(ctx.saved[0], 2))],
  });
  const square = defineOp({
    name: 'square',
    signatures: ['Tensor'],
    forward: (ctx, x: Tensor) => {
      ctx.save(x);
      return mul(x, x);
    },
    backward: (ctx, g) => [squareGrad(ctx.saved[0], g)],
  });
  assert.throws(() => gradgradcheck((a) => square(a), [r(2, 0.5, 1)]), /gradgradcheck: gradient of input 0 \(shape \[2\]\) differs/);
});

test('autograd functional: shapes, zeros for unused inputs, createGraph, and its argument checks', () => {
  const f = (x: Tensor, y: Tensor) => sum(mul(mul(x, x), y));
  const x = f64([1, 2]);
  const y = f64([3, 4]);
  const H = hessian(f, [x, y]);
  assert.equal(list(H[0][0]), [6, 0, 0, 8]);
  assert.equal(list(H[0][1]), [2, 0, 0, 4]);
  assert.equal(list(H[1][1]), [0, 0, 0, 0]);
  assert.equal([...hessian((a: Tensor) => sum(pow(a, 3)), f64([1, 2, 3], [3])).shape], [3, 3]);
  const [out, hv] = hvp(f, [x, y], [f64([1, 0]), f64([0, 1])]);
  assert.equal(list(out), [1 * 3 + 4 * 4]);
  assert.equal(list(hv[0]), [6, 4]);
  assert.equal(list(hv[1]), [2, 0]);
  assert.equal(list(vhp(f, [x, y], [f64([1, 0]), f64([0, 1])])[1][0]), [6, 4]);
  const [, vj] = vjp((a: Tensor, _b: Tensor) => mul(a, 3), [x, y], f64([1, 1]));
  assert.equal(list(vj[0]), [3, 3]);
  assert.equal(list(vj[1]), [0, 0], 'an unused input gets zeros, as PyTorch without strict');
  assert.equal(list(jvp((a: Tensor) => mul(a, a), x, f64([1, 1]))[1]), [2, 4]);
  const J = jacobian((a: Tensor) => mul(a, a), x);
  assert.equal([...J.shape], [2, 2]);
  assert.equal(list(J), [2, 0, 0, 4]);
  assert.is(x.requiresGrad, false, 'the inputs are left alone');
  assert.is(J.requiresGrad, false);
  const w = leaf([2]);
  const [, gw] = vjp((a: Tensor) => pow(a, 3), w, undefined, { createGraph: true });
  assert.ok(gw.requiresGrad, 'createGraph keeps the result connected');
  assert.equal(list(grad(sum(gw), w)[0]), [12]);
  assert.throws(() => hessian((a: Tensor) => mul(a, a), x), /hessian: fn must return a tensor with one element, got shape \[2\]/);
  assert.throws(() => jacobian((a: Tensor) => a, x, { createGrpah: true } as never), /jacobian: unknown option "createGrpah".*did you mean "createGraph"/);
  assert.throws(() => vjp((a: Tensor) => a, x, f64([1]), {}, 'extra' as never), /vjp: takes at most 4 arguments, got 5/);
  assert.throws(() => vjp((a: Tensor) => a, x, f64([1])), /vjp: v has shape \[1\] but the output has shape \[2\]/);
  assert.throws(() => hvp(f, [x, y], f64([1, 1])), /hvp: v must be an array of 2 Tensors shaped like the inputs/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, empty, noGrad, enableGrad, isGradEnabled, detectAnomaly, defineOp, OpContext, gradcheck, assertClose,
  add, sub, mul, div, sum, exp, log, sqrt, gt, relu, neg,
} from '@torchlet/core';

const list = (t: Tensor) => Array.from(t.data);
const f64 = (values: number[], shape?: number[]) => tensor(values, { dtype: 'float64', ...(shape ? { shape } : {}) });
const leaf = (values: number[], shape?: number[]) => {
  const t = f64(values, shape);
  t.requiresGrad = true;
  return t;
};

/** A user-defined op, as in the README's guide: x³ with the rule 3x²·g. */
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

test('gradients accumulate into leaves across backward calls', () => {
  const x = leaf([1, 2, 3]);
  sum(mul(x, 2)).backward();
  assert.equal(list(x.grad!), [2, 2, 2]);
  sum(mul(x, x)).backward();
  assert.equal(list(x.grad!), [4, 6, 8]);
  // the .grad tensor itself is updated in place (same object, new version)
  const g = x.grad!;
  sum(x).backward();
  assert.is(x.grad, g);
  assert.equal(list(g), [5, 7, 9]);
  assert.is(g.requiresGrad, false);
});

test('a tensor used twice gets the sum of both gradients', () => {
  const x = leaf([1, -2, 3]);
  sum(mul(x, x)).backward();
  assert.equal(list(x.grad!), [2, -4, 6]);
  const y = leaf([2]);
  add(y, y).backward();
  assert.equal(list(y.grad!), [2]);
});

test('diamond graphs: a shared intermediate collects gradient from every path before its own rule runs', () => {
  // h = 3x, y = h·h + exp(h) + h  =>  dy/dx = 3·(2h + exp(h) + 1)
  const x = leaf([0.1, -0.2, 0.3]);
  const h = mul(x, 3);
  const y = sum(add(add(mul(h, h), exp(h)), h));
  y.backward();
  const expected = list(x).map((v) => 3 * (2 * 3 * v + Math.exp(3 * v) + 1));
  assertClose(x.grad!, expected, { rtol: 1e-14, atol: 0 });
  // the same graph shape, checked against finite differences
  gradcheck((t) => {
    const a = mul(t, 3);
    return add(add(mul(a, a), exp(a)), div(a, add(exp(t), 1)));
  }, [leaf([0.3, -0.7, 1.1, 0.2], [2, 2])]);
  // two leaves meeting in several places
  gradcheck((a, b) => mul(sub(mul(a, b), exp(b)), add(a, mul(b, b))), [leaf([0.5, -1, 2]), leaf([1.5, 0.25, -0.75])]);
});

test('retainGrad keeps the gradient of a non-leaf; other non-leaves get none', () => {
  const x = leaf([1, 2]);
  const h = mul(x, 3);
  assert.is(h.retainGrad(), h);
  const k = mul(h, h);
  sum(k).backward();
  assert.equal(list(h.grad!), [6, 12]);
  assert.is(k.grad, null);
  assert.equal(list(x.grad!), [18, 36]);
  assert.throws(() => f64([1]).retainGrad(), /retainGrad: tensor does not require grad/);
  // retainGrad on a leaf is a no-op: leaves keep their gradient anyway
  const z = leaf([1]);
  z.retainGrad();
  mul(z, 5).backward();
  assert.equal(list(z.grad!), [5]);
});

test('backward on a non-scalar needs an explicit gradient of the same shape', () => {
  const x = leaf([1, 2, 3]);
  const y = mul(x, x);
  assert.throws(() => y.backward(), /backward: a gradient can be implied only for a tensor with one element, got shape \[3\]; pass grad/);
  assert.throws(() => y.backward(f64([1, 1])), /backward: grad has shape \[2\] but the tensor has shape \[3\]/);
  assert.throws(() => y.backward([1, 1, 1] as never), /backward: grad must be a Tensor, got object/);
  y.backward(f64([1, 0, -1]));
  assert.equal(list(x.grad!), [2, 0, -6]);
  // a one-element tensor of any rank can imply its gradient
  const s = leaf([2], [1, 1]);
  mul(s, s).backward();
  assert.equal(list(s.grad!), [4]);
});

test('backward of a leaf seeds its own gradient; backward of a tensor that does not require grad is an error', () => {
  const x = leaf([3]);
  x.backward();
  assert.equal(list(x.grad!), [1]);
  assert.throws(() => f64([1]).backward(), /backward: tensor does not require grad and has no gradFn/);
  assert.throws(() => mul(f64([1]), 2).backward(), /backward: tensor does not require grad/);
});

test('a second backward through a freed graph names the op and suggests retainGraph', () => {
  const x = leaf([1, 2]);
  const y = sum(mul(x, x));
  y.backward();
  assert.throws(
    () => y.backward(),
    /sum: trying to backward through the graph a second time, but its saved values were freed; pass \{ retainGraph: true \} to the first backward\(\)/,
  );
  // a new root over the freed part fails at the first freed node it reaches
  const z = mul(x, 2);
  const w = sum(mul(z, z));
  w.backward();
  assert.throws(() => sum(add(z, 1)).backward(), /mul: trying to backward through the graph a second time/);
});

test('retainGraph: true allows a second backward, which accumulates again', () => {
  const x = leaf([1, 2]);
  const y = sum(mul(x, x));
  y.backward(undefined, { retainGraph: true });
  assert.equal(list(x.grad!), [2, 4]);
  y.backward(undefined, { retainGraph: true });
  assert.equal(list(x.grad!), [4, 8]);
  y.backward();
  assert.equal(list(x.grad!), [6, 12]);
  assert.throws(() => y.backward(), /sum: trying to backward through the graph a second time/);
});

test('a saved tensor modified in place after forward makes backward refuse, naming the op', () => {
  const w = leaf([1, 2]);
  const x = f64([3, 4]);
  const y = sum(mul(w, x));
  noGrad(() => x.mul_(2));
  assert.throws(() => y.backward(), /mul: a tensor saved for backward \(input of shape \[2\]\) was modified by an in-place operation after forward \(version 1, expected 0\)/);
  assert.is(w.grad, null);
  // the same update before the forward is harmless
  const y2 = sum(mul(w, x));
  y2.backward();
  assert.equal(list(w.grad!), [6, 8]);
});

test('noGrad records nothing; enableGrad inside noGrad records; modes are restored, even after a throw', () => {
  const w = leaf([1, 2]);
  assert.is(isGradEnabled(), true);
  const y = noGrad(() => {
    assert.is(isGradEnabled(), false);
    return mul(w, 2);
  });
  assert.is(y.gradFn, null);
  assert.is(y.requiresGrad, false);
  assert.is(y.isLeaf, true);
  assert.equal(list(y), [2, 4]);
  const z = noGrad(() => enableGrad(() => mul(w, 3)));
  assert.is(z.gradFn, 'mulBackward');
  sum(z).backward();
  assert.equal(list(w.grad!), [3, 3]);
  assert.throws(() => noGrad(() => { throw new Error('inside'); }), /inside/);
  assert.is(isGradEnabled(), true);
  noGrad(() => {
    assert.throws(() => enableGrad(() => { throw new Error('inner'); }), /inner/);
    assert.is(isGradEnabled(), false);
  });
});

test('detectAnomaly names the first op whose forward produces NaN', () => {
  const x = leaf([1, -1]);
  assert.throws(() => detectAnomaly(() => sqrt(log(x))), /detectAnomaly: log forward produced NaN at flat index 1 of an output with shape \[2\]/);
  // without anomaly mode the NaN flows on silently, like PyTorch
  const y = sqrt(log(x));
  assert.ok(Number.isNaN(y.data[1]));
  // anomaly mode is scoped to the callback, also when it throws
  assert.not.throws(() => log(x));
  assert.is(detectAnomaly(() => 42), 42);
});

test('detectAnomaly names the op whose backward produces Inf', () => {
  const x = leaf([0, 4]);
  assert.throws(() => detectAnomaly(() => sum(sqrt(x)).backward()), /detectAnomaly: sqrt backward produced Infinity at flat index 0 of an output with shape \[2\]/);
  // a finite graph passes, and the computation inside is the same
  const ok = leaf([1, 4]);
  detectAnomaly(() => sum(sqrt(ok)).backward());
  assert.equal(list(ok.grad!), [0.5, 0.25]);
  const z = leaf([0, 4]);
  sum(sqrt(z)).backward();
  assert.equal(list(z.grad!), [Infinity, 0.25]);
});

test('defineOp: a custom op is recorded, named, gradchecked, works in float32, and fails with its own name', () => {
  const x = leaf([1, -2, 0.5]);
  const y = cube(x);
  assert.is(y.gradFn, 'cubeBackward');
  assert.equal(list(y), [1, -8, 0.125]);
  sum(y).backward();
  assert.equal(list(x.grad!), [3, 12, 0.75]);
  gradcheck(cube, [leaf([0.3, -1.2, 2, 0.7, -0.1, 1], [2, 3])]);
  gradcheck((t) => cube(exp(t)), [leaf([0.3, -0.4])]);
  const x32 = tensor([2], { requiresGrad: true });
  cube(x32).backward();
  assert.is(x32.grad!.dtype, 'float32');
  assert.equal(list(x32.grad!), [12]);
  assert.throws(() => cube(3 as never), /cube: expected arguments \(Tensor\), got \(number 3\)/);
});

test('defineOp: ctx.state, needsInputGrad and recording tell the rules what is needed', () => {
  const seen: boolean[][] = [];
  const recordings: boolean[] = [];
  const scale = defineOp({
    name: 'scale',
    signatures: { 'Tensor, Tensor, number': (a: Tensor, b: Tensor, k: number): [Tensor, Tensor, number] => [a, b, k] },
    forward(ctx: OpContext<number>, a: Tensor, b: Tensor, k: number) {
      recordings.push(ctx.recording);
      ctx.state = k;
      ctx.save(a, b);
      const out = empty(a.shape, a.dtype);
      for (let i = 0; i < out.data.length; i++) out.data[i] = k * a.data[i] * b.data[i];
      return out;
    },
    backward(ctx, g) {
      seen.push([...ctx.needsInputGrad]);
      const [a, b] = ctx.saved;
      return [ctx.needsInputGrad[0] ? mul(mul(g, b), ctx.state) : null, ctx.needsInputGrad[1] ? mul(mul(g, a), ctx.state) : null];
    },
  });
  const a = leaf([1, 2]);
  const b = f64([3, 4]);
  sum(scale(a, b, 2)).backward();
  assert.equal(list(a.grad!), [6, 8]);
  assert.equal(seen, [[true, false, false]]);
  noGrad(() => scale(a, b, 2));
  scale(b, b, 1);
  assert.equal(recordings, [true, false, false]);
  gradcheck((p, q) => scale(p, q, 0.5), [leaf([1, 2, 3]), leaf([-1, 0.5, 2])]);
  assert.throws(() => scale(a, b, 'x' as never), /scale: expected arguments \(Tensor, Tensor, number\), got \(Tensor float64 \[2\], Tensor float64 \[2\], string\)/);
});

test('defineOp: a backward rule with a wrong-shaped or missing gradient fails naming the op', () => {
  const badShape = defineOp({
    name: 'badShape',
    signatures: ['Tensor'],
    forward(_ctx, x: Tensor) {
      return new Tensor(x.data.slice(), x.shape);
    },
    backward(_ctx, g) {
      return [sum(g, null, false).reshape([1])];
    },
  });
  assert.throws(() => sum(badShape(leaf([1, 2, 3]))).backward(), /badShape: backward returned a gradient of shape \[1\] for input 0 of shape \[3\]/);
  const noGradient = defineOp({
    name: 'noGradient',
    signatures: ['Tensor, Tensor'],
    forward(_ctx, x: Tensor, y: Tensor) {
      return add(x, y);
    },
    backward(_ctx, g) {
      return [g];
    },
  });
  // the second input requires grad but the rule returned nothing for it
  assert.throws(() => sum(noGradient(f64([1]), leaf([2]))).backward(), /noGradient: backward returned no gradient for input 1, which requires one/);
  // nothing is asked of the rule for an input that does not require grad
  const x = leaf([1]);
  sum(noGradient(x, f64([2]))).backward();
  assert.equal(list(x.grad!), [1]);
});

test('saved values are gone once backward has freed them', () => {
  let captured: OpContext<undefined> | null = null;
  const keep = defineOp({
    name: 'keep',
    signatures: ['Tensor'],
    forward(ctx: OpContext<undefined>, x: Tensor) {
      captured = ctx;
      ctx.save(x);
      return mul(x, 2);
    },
    backward: (_ctx, g) => [mul(g, 2)],
  });
  sum(keep(leaf([1]))).backward();
  assert.throws(() => captured!.saved, /keep: saved values were already freed/);
});

test('defineOp: forward must return a new Tensor', () => {
  const identity = defineOp({ name: 'identity', signatures: ['Tensor'], forward: (_ctx, x: Tensor) => x, backward: (_ctx, g) => [g] });
  assert.throws(() => identity(leaf([1])), /identity: forward must return a new Tensor, not one of its inputs/);
  const notTensor = defineOp({ name: 'notTensor', signatures: ['Tensor'], forward: (_ctx, _x: Tensor) => 1 as unknown as Tensor });
  assert.throws(() => notTensor(f64([1])), /notTensor: forward must return a Tensor/);
});

test('typed-function mismatches name the op and list what it accepts', () => {
  const x = tensor([1, 2]);
  assert.throws(() => add(x, 'a' as never), /add: expected arguments .*\(Tensor, Tensor\).*got \(Tensor float32 \[2\], string\)/);
  assert.throws(() => mul(x, [1, 2] as never), /mul: expected arguments .*\(Tensor, number\).*got \(Tensor float32 \[2\], Array\)/);
  assert.throws(() => (add as (...a: unknown[]) => Tensor)(x), /add: expected arguments .*got \(Tensor float32 \[2\]\)/);
  assert.throws(() => neg({} as never), /neg: expected arguments \(Tensor\), got \(Object\)/);
});

test('gradFn names the rule that made a tensor; leaves have none', () => {
  const x = leaf([1, 2]);
  assert.is(x.gradFn, null);
  assert.is(add(x, 1).gradFn, 'addBackward');
  assert.is(mul(x, x).gradFn, 'mulBackward');
  assert.is(sum(x).gradFn, 'sumBackward');
  assert.is(relu(x).gradFn, 'reluBackward');
  assert.is(x.reshape([2, 1]).gradFn, 'reshapeBackward');
  assert.ok(!mul(x, 2).isLeaf);
  assert.match(String(mul(x, 2)), /gradFn=<mulBackward>/);
});

test('requiresGrad propagates only from inputs that require it', () => {
  const a = f64([1, 2]);
  const b = f64([3, 4]);
  const c = mul(a, b);
  assert.is(c.requiresGrad, false);
  assert.is(c.gradFn, null);
  assert.is(c.isLeaf, true);
  const w = leaf([1, 1]);
  const d = add(c, w);
  assert.is(d.requiresGrad, true);
  assert.is(mul(d, a).requiresGrad, true);
  sum(mul(d, a)).backward();
  assert.equal(list(w.grad!), [1, 2]);
  assert.is(a.grad, null);
  assert.throws(() => { d.requiresGrad = false; }, /requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach\(\)/);
  const detached = d.detach();
  assert.is(detached.requiresGrad, false);
  assert.is(detached.isLeaf, true);
});

test('mixed float dtypes: each leaf gets its gradient in its own dtype', () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = leaf([3, 4]);
  const y = mul(a, b);
  assert.is(y.dtype, 'float64');
  sum(y).backward();
  assert.is(a.grad!.dtype, 'float32');
  assert.is(b.grad!.dtype, 'float64');
  assert.equal(list(a.grad!), [3, 4]);
  assert.equal(list(b.grad!), [1, 2]);
});

test('int32 and bool results never require grad, even from inputs that do', () => {
  const w = leaf([-1, 2]);
  const mask = gt(w, 0);
  assert.is(mask.dtype, 'bool');
  assert.is(mask.requiresGrad, false);
  assert.is(mask.gradFn, null);
  const toInt = defineOp({
    name: 'toInt',
    signatures: ['Tensor'],
    forward: (_ctx, x: Tensor) => new Tensor(Int32Array.from(x.data, Math.round), x.shape),
    backward: (_ctx, g) => [g],
  });
  const r = toInt(w);
  assert.is(r.requiresGrad, false);
  assert.is(r.gradFn, null);
  assert.throws(() => { tensor([1], { dtype: 'int32' }).requiresGrad = true; }, /requiresGrad: only floating-point tensors can require gradients, got dtype int32/);
  // an int32 mask used in arithmetic with a tensor that requires grad: gradient reaches only the float operand
  const y = sum(mul(w, mask));
  y.backward();
  assert.equal(list(w.grad!), [0, 1]);
});

test.run();

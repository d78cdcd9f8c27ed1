import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, assertClose, ones, randn, tensor, manualSeed } from '@torchlet/core';
import { Adam, AdamW, SGD, type Optimizer } from '@torchlet/optim';
import { setQuadraticGrads, startParams } from './quadratic.js';

const leaf = (values: number[] = [1, 2]) => tensor(values, { requiresGrad: true });

test('params may be any iterable of tensors, or parameter groups whose params are an iterable or one tensor', () => {
  const a = leaf();
  const b = leaf();
  function* generate() {
    yield a;
    yield b;
  }
  assert.equal(new SGD(generate(), { lr: 0.1 }).paramGroups[0].params, [a, b]);
  assert.equal(new SGD(new Set([a, b]), { lr: 0.1 }).paramGroups[0].params, [a, b]);
  const groups = new SGD([{ params: a }, { params: new Set([b]), lr: 1 }], { lr: 0.1 }).paramGroups;
  assert.equal(groups.map((g) => [g.params, g.lr]), [[[a], 0.1], [[b], 1]]);
});

test('the optimizer rejects bad parameter lists, naming itself and what came', () => {
  assert.throws(() => new SGD([], { lr: 0.1 }), /SGD: got an empty parameter list/);
  assert.throws(() => new Adam([{ params: [] }]), /Adam: got an empty parameter list in parameter group 0/);
  assert.throws(() => new SGD(leaf() as never, { lr: 0.1 }), /SGD: params must be an iterable of Tensors or of parameter groups, got Tensor float32 \[2\]/);
  assert.throws(() => new SGD(null as never, { lr: 0.1 }), /SGD: params must be an iterable .* got null/);
  assert.throws(() => new SGD([leaf(), { params: [leaf()] }] as never, { lr: 0.1 }), /SGD: params must be all Tensors or all parameter groups/);
  assert.throws(() => new Adam([{ params: [leaf(), 3] }] as never), /Adam: parameter 1 in parameter group 0 is not a Tensor, got number 3/);
  assert.throws(() => new Adam([{ params: 3 }] as never), /Adam: params in parameter group 0 must be a Tensor or an iterable of Tensors, got number 3/);
  const nonLeaf = leaf().mul(2);
  assert.throws(() => new SGD([nonLeaf], { lr: 0.1 }), /SGD: can't optimize a non-leaf tensor \(parameter 0 in parameter group 0, shape \[2\], made by mulBackward\)/);
  assert.throws(() => new SGD([tensor([1, 2], { dtype: 'int32' })], { lr: 0.1 }), /SGD: parameter 0 in parameter group 0 has dtype int32; only float32 and float64 tensors can be optimized/);
  const shared = leaf();
  assert.throws(() => new SGD([shared, shared], { lr: 0.1 }), /SGD: parameter 1 in parameter group 0 appears twice in the group/);
  assert.throws(
    () => new SGD([{ params: [leaf(), shared] }, { params: [shared] }], { lr: 0.1 }),
    /SGD: parameter 0 in parameter group 1 already appears in parameter group 0; a parameter may be in one group only/,
  );
  assert.throws(() => new SGD([{ params: [leaf()] }, 5] as never, { lr: 0.1 }), /SGD: params must be all Tensors or all parameter groups/);
});

test('addParamGroup fills missing hyperparameters from the defaults and refuses a parameter already present', () => {
  const a = leaf();
  const b = leaf();
  const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
  opt.addParamGroup({ params: [b], lr: 0.01 });
  assert.is(opt.paramGroups.length, 2);
  assert.is(opt.paramGroups[1].lr, 0.01);
  assert.is(opt.paramGroups[1].momentum, 0.9);
  assert.throws(() => opt.addParamGroup({ params: [a] }), /SGD: parameter 0 in parameter group 2 already appears in parameter group 0/);
  assert.throws(() => opt.addParamGroup('x' as never), /SGD: a parameter group must be an object \{ params, \.\.\.options \}, got string/);
  assert.throws(() => opt.addParamGroup({ params: [leaf()], lr: -1 }), /SGD: invalid learning rate -1 in parameter group 2/);
  assert.is(opt.paramGroups.length, 2);
  b.grad = ones([2]);
  opt.step();
  assertClose(b, [0.99, 1.99]);
});

test('zeroGrad sets gradients to null by default, or fills them with zeros in place', () => {
  const a = leaf();
  const b = leaf();
  const opt = new SGD([a, b], { lr: 0.1 });
  a.grad = ones([2]);
  opt.zeroGrad();
  assert.is(a.grad, null);
  assert.is(b.grad, null);
  const grad = ones([2]);
  a.grad = grad;
  const version = grad.version;
  opt.zeroGrad({ setToNone: false });
  assert.is(a.grad, grad);
  assert.equal(Array.from(grad.data), [0, 0]);
  assert.is(grad.version, version + 1);
  assert.is(b.grad, null);
});

test('step(closure) runs the closure with gradients on, then updates, and returns its result', () => {
  const p = tensor([3], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([p], { lr: 0.25 });
  const loss = opt.step(() => {
    opt.zeroGrad();
    const l = p.mul(p).sum();
    l.backward();
    return l;
  });
  assert.is(loss.item(), 9);
  assertClose(p, [1.5], { atol: 1e-15 }); // 3 - 0.25·6
  assert.is(opt.step(), undefined);
});

test('stateDict numbers parameters across groups, copies buffers, and lists hyperparameters like PyTorch', () => {
  const [a, b] = startParams();
  const opt = new Adam([{ params: [a] }, { params: [b], lr: 0.5, amsgrad: true }], { lr: 0.1 });
  setQuadraticGrads([a, b]);
  opt.step();
  const dict = opt.stateDict();
  assert.equal(dict.param_groups, [
    { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, params: [0] },
    { lr: 0.5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [1] },
  ]);
  assert.equal(Object.keys(dict.state), ['0', '1']);
  assert.equal(Object.keys(dict.state[0]).sort(), ['exp_avg', 'exp_avg_sq', 'step']);
  assert.equal(Object.keys(dict.state[1]).sort(), ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step']);
  assert.is(dict.state[1].step, 1);
  const saved = Array.from(dict.state[0].exp_avg!.data);
  dict.param_groups[0].betas[0] = 0.5;
  setQuadraticGrads([a, b]);
  opt.step();
  assert.equal(Array.from(dict.state[0].exp_avg!.data), saved, 'stateDict is a snapshot');
  assert.is(opt.paramGroups[0].betas[0], 0.9);
});

/** Trains with `make`'s optimizer for 3 + 4 steps, saving after 3 and resuming in a fresh optimizer. */
function checkResume(make: (params: Tensor[]) => Optimizer, dtype: 'float32' | 'float64'): void {
  const straight = startParams(dtype);
  const straightOpt = make(straight);
  for (let t = 0; t < 7; t++) {
    setQuadraticGrads(straight);
    straightOpt.step();
  }
  const first = startParams(dtype);
  const firstOpt = make(first);
  for (let t = 0; t < 3; t++) {
    setQuadraticGrads(first);
    firstOpt.step();
  }
  const saved = JSON.parse(JSON.stringify(firstOpt.stateDict(), (_key, value: unknown) => (value instanceof Tensor ? { tensor: Array.from(value.data), shape: value.shape } : value)), (_key, value: { tensor?: number[]; shape?: number[] }) =>
    value && value.tensor ? tensor(value.tensor, { shape: value.shape, dtype: 'float64' }) : value,
  );
  const resumed = first.map((p) => tensor(Array.from(p.data), { shape: p.shape, dtype, requiresGrad: true }));
  const resumedOpt = make(resumed);
  resumedOpt.loadStateDict(saved);
  for (let t = 0; t < 4; t++) {
    setQuadraticGrads(resumed);
    resumedOpt.step();
  }
  resumed.forEach((p, i) => assert.equal(Array.from(p.data), Array.from(straight[i].data), `${resumedOpt.name} ${dtype} parameter ${i}`));
}

test('state dict round trip: save after 3 steps, load into a fresh optimizer, continue: bit for bit the uninterrupted run', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    checkResume((params) => new SGD(params, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }), dtype);
    checkResume((params) => new SGD([{ params: [params[0]], nesterov: true }, { params: [params[1]], lr: 0.01 }], { lr: 0.05, momentum: 0.9 }), dtype);
    checkResume((params) => new Adam(params, { lr: 0.1, amsgrad: true }), dtype);
    checkResume((params) => new AdamW(params, { lr: 0.1, weightDecay: 0.1 }), dtype);
  }
});

test('loadStateDict restores hyperparameters, casts buffers to the parameter dtype, and copies them', () => {
  const p = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  const buffer = tensor([0.5, 0.25], { dtype: 'float64' });
  opt.loadStateDict({
    state: { 0: { momentum_buffer: buffer } },
    param_groups: [{ lr: 0.2, momentum: 0.5, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, initialLr: 0.3, params: [0] }],
  });
  assert.is(opt.paramGroups[0].lr, 0.2);
  assert.is(opt.paramGroups[0].momentum, 0.5);
  assert.is(opt.paramGroups[0].initialLr, 0.3);
  const loaded = opt.stateDict().state[0].momentum_buffer!;
  assert.is(loaded.dtype, 'float32');
  buffer.data[0] = 100;
  p.grad = ones([2]);
  opt.step(); // b = 0.5·[0.5, 0.25] + 1
  assertClose(p, [1 - 0.2 * 1.25, 2 - 0.2 * 1.125]);
});

test('loadStateDict refuses a state dict from a different setup and leaves the optimizer untouched', () => {
  const [a, b] = startParams();
  const sgd = new SGD([a, b], { lr: 0.1, momentum: 0.9 });
  setQuadraticGrads([a, b]);
  sgd.step();
  const good = sgd.stateDict();
  const fresh = () => new SGD(startParams(), { lr: 0.1, momentum: 0.9 });

  const twoGroups = new SGD([{ params: startParams() }, { params: [leaf()] }], { lr: 0.1 });
  assert.throws(() => twoGroups.loadStateDict(good), /SGD: loadStateDict: the state dict has 1 parameter groups but this optimizer has 2/);
  const threeParams = new SGD([...startParams(), leaf()], { lr: 0.1 });
  assert.throws(() => threeParams.loadStateDict(good), /SGD: loadStateDict: parameter group 0 has 2 parameters in the state dict but 3 in this optimizer/);
  const otherShapes = new SGD([leaf([1, 2, 3]), leaf([1])], { lr: 0.1, momentum: 0.9 });
  assert.throws(
    () => otherShapes.loadStateDict(good),
    /SGD: loadStateDict: state of parameter 0 has momentum_buffer of shape \[1, 3\] but the parameter has shape \[3\]/,
  );
  const adam = new Adam(startParams());
  assert.throws(() => adam.loadStateDict(good as never), /Adam: loadStateDict: parameter group 0 has hyperparameter "momentum", which Adam does not use/);
  assert.throws(() => fresh().loadStateDict(adamState() as never), /SGD: loadStateDict: parameter group 0 has hyperparameter "betas", which SGD does not use/);
  assert.throws(() => fresh().loadStateDict({} as never), /SGD: loadStateDict: expected an object \{ state, param_groups \} from stateDict\(\), got Object/);

  const withGroup = (group: Record<string, unknown>) => ({ ...good, param_groups: [{ ...good.param_groups[0], ...group }] });
  assert.throws(() => fresh().loadStateDict(withGroup({ lr: -1 })), /SGD: invalid learning rate -1 in parameter group 0 of the state dict/);
  const { nesterov: _, ...missing } = good.param_groups[0];
  assert.throws(() => fresh().loadStateDict({ ...good, param_groups: [missing as never] }), /SGD: loadStateDict: parameter group 0 is missing hyperparameter "nesterov"/);
  assert.throws(() => fresh().loadStateDict(withGroup({ params: [0, 0] })), /SGD: loadStateDict: parameter group 0 has an invalid or repeated index 0/);
  assert.throws(() => fresh().loadStateDict({ ...good, state: { 7: good.state[0] } }), /SGD: loadStateDict: state is given for parameter 7, which is in no parameter group/);
  assert.throws(
    () => fresh().loadStateDict({ ...good, state: { 0: { exp_avg: good.state[0].momentum_buffer } } }),
    /SGD: loadStateDict: state of parameter 0 has "exp_avg", which SGD does not keep/,
  );
  assert.throws(() => fresh().loadStateDict({ ...good, state: { 0: { momentum_buffer: [1, 2, 3] as never } } }), /state of parameter 0 has momentum_buffer Array; expected a Tensor/);
  assert.throws(() => fresh().loadStateDict({ ...good, state: { 0: 5 as never } }), /state of parameter 0 must be an object, got number 5/);
  const adamDict = adamState();
  assert.throws(() => new Adam(startParams()).loadStateDict({ ...adamDict, state: { 0: { ...adamDict.state[0], step: 1.5 } } }), /Adam: loadStateDict: state of parameter 0 has step number 1.5; expected an integer >= 0/);
  const { exp_avg_sq: _sq, ...partial } = adamDict.state[0];
  assert.throws(() => new Adam(startParams()).loadStateDict({ ...adamDict, state: { 0: partial } }), /Adam: loadStateDict: state of parameter 0 is missing "exp_avg_sq"/);

  // A failed load changes nothing.
  const target = fresh();
  const before = JSON.stringify(target.stateDict());
  assert.throws(() => target.loadStateDict(withGroup({ lr: 0.5, momentum: -1 })));
  assert.is(JSON.stringify(target.stateDict()), before);
});

function adamState() {
  const params = startParams();
  const adam = new Adam(params);
  setQuadraticGrads(params);
  adam.step();
  return adam.stateDict();
}

test('a step bumps the parameter version, so a backward through values saved before it refuses to run', () => {
  manualSeed(0);
  const p = randn([3], { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([p], { lr: 0.1 });
  const y = p.mul(p).sum();
  p.grad = ones([3], { dtype: 'float64' });
  opt.step();
  assert.ok(p.isLeaf);
  assert.throws(() => y.backward(), /mul: a tensor saved for backward .* was modified by an in-place operation/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, manualSeed, randn, mul, add } from '@torchlet/core';
import { Module, Linear, ReLU, Sequential, ModuleList, BatchNorm1d } from '@torchlet/nn';

class Scale extends Module {
  constructor(readonly factor: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    return mul(x, this.factor);
  }
}

// `override` only because TypeScript gives every callable type Function's `name` and `length` (noImplicitOverride).
class Named extends Module {
  override name = 'encoder';
  override length = 3;
  fc = new Linear(2, 2);

  forward(x: Tensor): Tensor {
    return this.fc(x);
  }
}

test('a module is callable: model(x) is model.forward(x), typed as its forward', () => {
  manualSeed(0);
  const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
  const x = randn([5, 3]);
  const out: Tensor = model(x);
  assert.equal(Array.from(out.data), Array.from(model.forward(x).data));
  assert.is(typeof model, 'function');
  assert.ok(model instanceof Sequential && model instanceof Module);
  const generic: Module = model;
  assert.ok(generic(x) instanceof Tensor);
});

test('a function object owns no name or length: a user field name, Sequential.length and constructor names work', () => {
  const m = new Named();
  assert.is(m.name, 'encoder');
  assert.is(m.length, 3);
  assert.equal([...m.namedParameters()].map(([k]) => k), ['fc.weight', 'fc.bias']);
  assert.equal(Object.keys(m).filter((k) => k === 'name' || k === 'length'), ['name', 'length']);
  const seq = new Sequential(new Scale(2), new Scale(3));
  assert.is(seq.length, 2);
  seq.append(new Scale(4));
  assert.is(seq.length, 3);
  assert.is(seq.toString().split('\n')[0], 'Sequential(');
  assert.is(String(new Scale(2)), 'Scale()');
  // Module.apply is the module's, not Function.prototype.apply
  const seen: string[] = [];
  seq.apply((mod) => void seen.push(mod.constructor.name));
  assert.equal(seen, ['Scale', 'Scale', 'Scale', 'Sequential']);
});

test('forward pre-hooks and hooks run on a call, in order, may replace args and output, and are removable', () => {
  const m = new Scale(2);
  const log: string[] = [];
  const pre = m.registerForwardPreHook((mod, args) => {
    log.push(`pre ${(args[0] as Tensor).item()} x${mod.factor}`);
    return add(args[0] as Tensor, 1); // a single value becomes the only argument
  });
  const pre2 = m.registerForwardPreHook((_mod, args) => [mul(args[0] as Tensor, 10)]);
  const post = m.registerForwardHook((_mod, args, out) => {
    log.push(`post ${(args[0] as Tensor).item()} -> ${(out as Tensor).item()}`);
  });
  const post2 = m.registerForwardHook((_mod, _args, out) => add(out as Tensor, 0.5));
  assert.is(m(tensor(1)).item(), 40.5); // ((1 + 1) * 10) * 2 + 0.5
  assert.equal(log, ['pre 1 x2', 'post 20 -> 40']);
  assert.is(m.forward(tensor(1)).item(), 2, 'calling forward directly skips hooks, as in PyTorch');
  pre.remove();
  pre.remove();
  pre2.remove();
  post2.remove();
  assert.is(m(tensor(1)).item(), 2);
  post.remove();
  log.length = 0;
  m(tensor(1));
  assert.equal(log, []);
  assert.throws(() => m.registerForwardHook('not a function' as never), /registerForwardHook: expected a function, got string/);
});

test('hooks on children run when Sequential calls them (the way to read activations)', () => {
  manualSeed(1);
  const model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
  const shapes: number[][] = [];
  for (const child of model) child.registerForwardHook((_m, _a, out) => void shapes.push([...(out as Tensor).shape]));
  model(randn([5, 3]));
  assert.equal(shapes, [[5, 4], [5, 4], [5, 2]]);
});

test('Sequential and ModuleList items keep their types', () => {
  const seq = new Sequential(new Linear(3, 4), new ReLU(), new Scale(2));
  const first: Linear = seq.at(0);
  const last: Scale = seq.at(2);
  const fromEnd: Module = seq.at(-1);
  assert.is(first.inFeatures, 3);
  assert.is(last.factor, 2);
  assert.is(fromEnd, last);
  const list = new ModuleList([new Scale(1), new Scale(5)]);
  const factors: number[] = [];
  for (const s of list) factors.push(s.factor);
  assert.equal(factors, [1, 5]);
  assert.is(list.at(1).factor, 5);
  assert.throws(() => new ModuleList(new Scale(1) as never), /ModuleList: expected an iterable of modules, got Scale/);
});

test('to(dtype), double() and float() convert in place, keep each Parameter object, convert grads and float buffers', () => {
  manualSeed(2);
  const model = new Sequential(new Linear(3, 4), new BatchNorm1d(4));
  const before = [...model.parameters()];
  const w = before[0];
  const values = Array.from(w.data);
  model(randn([6, 3])).sum().backward();
  assert.is(model.double(), model);
  assert.equal([...model.parameters()], before, 'same Parameter objects');
  for (const p of model.parameters()) {
    assert.is(p.dtype, 'float64');
    assert.ok(p.data instanceof Float64Array);
    assert.is(p.grad?.dtype, 'float64');
    assert.ok(p.requiresGrad && p.isLeaf);
  }
  assert.equal(Array.from(w.data), values, 'float32 values are exact in float64');
  const bn = model.at(1);
  assert.is(bn.runningMean?.dtype, 'float64');
  assert.is(bn.numBatchesTracked?.dtype, 'int32', 'integer buffers are kept, as PyTorch does');
  assert.is(model.stateDict()['1.running_var'].dtype, 'float64');
  // an input of the new dtype now runs and trains
  const out = model(randn([6, 3], { dtype: 'float64' }));
  assert.is(out.dtype, 'float64');
  assert.is(model.to('float32'), model);
  assert.is(w.dtype, 'float32');
  assert.is(model.float().to('cpu'), model);
  assert.throws(() => model.to('int32' as never), /Sequential\.to: expected a floating dtype \('float32' or 'float64'\) or a device \('cpu', 'webgpu'\), got "int32"/);
  assert.throws(() => model.to('cuda' as never), /got "cuda"/);
});

test('a graph recorded before to() refuses to run backward (the version counter was bumped)', () => {
  const lin = new Linear(2, 1);
  const y = mul(lin(tensor([[1, 2]])), lin.weight.sum());
  lin.double();
  assert.throws(() => y.sum().backward(), /modified|version/i);
});

test('loadStateDict names the key on an integer/floating dtype mismatch, and converts float64 into float32', () => {
  const bn = new BatchNorm1d(2);
  const sd = bn.stateDict();
  const good = Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.dtype === 'int32' ? v : v.double()]));
  bn.loadStateDict(good);
  assert.is(bn.weight?.dtype, 'float32');
  const bad = { ...sd, num_batches_tracked: tensor(3) };
  assert.throws(() => bn.loadStateDict(bad), /dtype mismatch for 'num_batches_tracked': checkpoint has float32, this module has int32/);
  const bad2 = { ...sd, weight: tensor([1, 2], { dtype: 'int32' }) };
  assert.throws(() => bn.loadStateDict(bad2), /dtype mismatch for 'weight': checkpoint has int32, this module has float32/);
});

test.run();

import { test } from 'uvu';
import { inspect } from 'node:util';
import * as assert from 'uvu/assert';
import { Tensor, tensor, zeros, ones, randn, manualSeed, assertClose, sum, mul } from '@torchlet/core';
import {
  Module, Parameter, parameter, Linear, Sequential, ModuleList, ReLU, Conv2d, MaxPool2d, Flatten, BatchNorm2d, BatchNorm1d, Identity, Tanh,
} from '@torchlet/nn';

class Features extends Module {
  features = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new MaxPool2d(2), new Conv2d(2, 3, 1), new BatchNorm2d(3));
  classifier = new Sequential(new Flatten(), new Linear(3, 2));
  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}

class WithOwnParam extends Module {
  scale = new Parameter(ones([2]));
  fc = new Linear(2, 2);
  notAParam = ones([3]);
  forward(x: Tensor): Tensor {
    return mul(this.fc.forward(x), this.scale);
  }
}

test('Parameter is a leaf Tensor that requires grad and shares the wrapped storage', () => {
  const t = tensor([1, 2, 3]);
  const p = new Parameter(t);
  assert.ok(p instanceof Tensor);
  assert.ok(p.requiresGrad);
  assert.ok(p.isLeaf);
  t.data[0] = 7;
  assert.is(p.data[0], 7);
  assert.not.ok(parameter(t, false).requiresGrad);
  assert.ok(parameter(t) instanceof Parameter);
  assert.throws(() => new Parameter([1, 2] as never), /Parameter: expected a Tensor, got Array/);
  assert.throws(() => new Parameter(tensor([1], { dtype: 'int32' })), /only floating-point tensors can require gradients/);
});

test('namedParameters gives PyTorch dotted names for nested Sequentials, declaration order, fields discovered', () => {
  const m = new Features();
  assert.equal([...m.namedParameters()].map(([k]) => k), [
    'features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias', 'features.4.weight', 'features.4.bias',
    'classifier.1.weight', 'classifier.1.bias',
  ]);
  assert.is([...m.parameters()].length, 8);
  assert.ok([...m.parameters()][3] === (m.features.at(3) as Conv2d).bias);
  // Own parameters come before children's, as in PyTorch; plain tensors are not parameters.
  assert.equal([...new WithOwnParam().namedParameters()].map(([k]) => k), ['scale', 'fc.weight', 'fc.bias']);
});

test('children, namedChildren, modules and namedModules', () => {
  const m = new Features();
  assert.equal([...m.namedChildren()].map(([k]) => k), ['features', 'classifier']);
  assert.equal([...m.children()].map((c) => c.constructor.name), ['Sequential', 'Sequential']);
  assert.equal([...m.namedModules()].map(([k]) => k), [
    '', 'features', 'features.0', 'features.1', 'features.2', 'features.3', 'features.4', 'classifier', 'classifier.0', 'classifier.1',
  ]);
  assert.is([...m.modules()][0], m);
});

test('a shared module or parameter is listed once; Linear without bias has no bias parameter', () => {
  const shared = new Linear(2, 2);
  const m = new Sequential(shared, new ReLU(), shared);
  assert.equal([...m.namedParameters()].map(([k]) => k), ['0.weight', '0.bias']);
  assert.is([...m.modules()].length, 3);
  // the state dict keeps both names, as PyTorch's does
  assert.equal(Object.keys(m.stateDict()), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.equal([...new Linear(2, 3, { bias: false }).namedParameters()].map(([k]) => k), ['weight']);
});

test('stateDict: parameters then buffers per module, PyTorch keys, tensors sharing storage', () => {
  const m = new Features();
  const sd = m.stateDict();
  assert.equal(Object.keys(sd), [
    'features.0.weight', 'features.0.bias', 'features.3.weight', 'features.3.bias',
    'features.4.weight', 'features.4.bias', 'features.4.running_mean', 'features.4.running_var', 'features.4.num_batches_tracked',
    'classifier.1.weight', 'classifier.1.bias',
  ]);
  assert.is(sd['features.4.num_batches_tracked'].dtype, 'int32');
  assert.equal(sd['features.4.num_batches_tracked'].shape, []);
  assert.ok(sd['classifier.1.weight'].data === (m.classifier.at(1) as Linear).weight.data);
  assert.not.ok(sd['classifier.1.weight'].requiresGrad);
  assert.equal([...m.namedBuffers()].map(([k]) => k), ['features.4.running_mean', 'features.4.running_var', 'features.4.num_batches_tracked']);
  assert.ok([...m.buffers()][2] === (m.features.at(4) as BatchNorm2d).numBatchesTracked);
});

test('registerBuffer/registerParameter/registerModule, persistent buffers and bad names', () => {
  class M extends Module {
    constructor() {
      super();
      this.registerBuffer('steps', zeros([1]));
      this.registerBuffer('scratch', zeros([2]), { persistent: false });
      this.registerParameter('0', new Parameter(ones([1])));
      this.registerModule('head', new Identity());
    }
    forward(x: Tensor): Tensor {
      return x;
    }
  }
  const m = new M();
  assert.equal(Object.keys(m.stateDict()), ['0', 'steps']);
  assert.equal([...m.namedBuffers()].map(([k]) => k), ['steps', 'scratch']);
  assert.equal([...m.namedChildren()].map(([k]) => k), ['head']);
  const asRecord = m as unknown as Record<string, Tensor>;
  assert.ok(asRecord.steps === m.getBuffer('steps'));
  const replacement = ones([1]);
  asRecord.steps = replacement;
  assert.ok(m.stateDict().steps.data === replacement.data);
  assert.throws(() => { asRecord.steps = 3 as never; }, /buffer 'steps': expected a Tensor or null, got number/);
  assert.throws(() => m.registerBuffer('a.b', zeros([1])), /registerBuffer: name must be a non-empty string without '\.', got "a\.b"/);
  assert.throws(() => m.registerBuffer('x', [1] as never), /registerBuffer: expected a Tensor or null for 'x', got Array/);
  assert.throws(() => m.registerBuffer('head', zeros([1])), /registerBuffer: attribute 'head' already exists/);
  assert.throws(() => m.registerParameter('w', ones([1]) as never), /registerParameter: expected a Parameter or null for 'w', got Tensor float32 \[1\]/);
  assert.throws(() => m.registerModule('', new Identity()), /registerModule: name must be a non-empty string/);
  assert.throws(() => m.registerModule('m', {} as never), /registerModule: expected a Module or null for 'm', got Object/);
  assert.throws(() => m.getBuffer('nope'), /getBuffer: M has no buffer 'nope'/);
});

test('loadStateDict copies values into the existing tensors and bumps versions', () => {
  manualSeed(1);
  const a = new Features();
  const b = new Features();
  const weight = (b.classifier.at(1) as Linear).weight;
  const before = weight.version;
  const dataRef = weight.data;
  const result = b.loadStateDict(a.stateDict());
  assert.equal(result, { missingKeys: [], unexpectedKeys: [] });
  assert.ok(weight.data === dataRef, 'storage kept');
  assert.ok(weight.version > before);
  for (const [k, v] of Object.entries(a.stateDict())) assert.equal(Array.from(b.stateDict()[k].data), Array.from(v.data), k);
  // dtype converts on copy
  const lin = new Linear(2, 1);
  lin.loadStateDict({ weight: tensor([[0.5, 0.25]], { dtype: 'float64' }), bias: tensor([1], { dtype: 'float64' }) });
  assert.is(lin.weight.dtype, 'float32');
  assert.equal(Array.from(lin.weight.data), [0.5, 0.25]);
});

test('loadStateDict lists missing, unexpected and wrongly-shaped keys; non-strict tolerates only the first two', () => {
  const m = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
  const other = new Sequential(new Linear(4, 5), new ReLU(), new Linear(5, 2), new Linear(2, 2)).stateDict();
  delete other['0.bias'];
  let message = '';
  try {
    m.loadStateDict(other);
  } catch (e) {
    message = (e as Error).message;
  }
  assert.match(message, /loadStateDict: error\(s\) loading the state dict into Sequential/);
  assert.match(message, /missing keys: '0\.bias'/);
  assert.match(message, /unexpected keys: '3\.weight', '3\.bias'/);
  assert.match(message, /size mismatch for '0\.weight': checkpoint has shape \[5, 4\], this module has \[3, 4\]/);
  assert.match(message, /size mismatch for '2\.weight': checkpoint has shape \[2, 5\], this module has \[2, 3\]/);
  // nothing was copied
  const w0 = (m.at(0) as Linear).weight.data[0];
  assert.throws(() => m.loadStateDict(other, { strict: false }), /size mismatch for '0\.weight'/);
  assert.is((m.at(0) as Linear).weight.data[0], w0);

  const partial = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2)).stateDict();
  delete partial['2.bias'];
  partial.extra = zeros([1]);
  const r = m.loadStateDict(partial, { strict: false });
  assert.equal(r, { missingKeys: ['2.bias'], unexpectedKeys: ['extra'] });
  assertClose((m.at(0) as Linear).weight, partial['0.weight']);
  assert.throws(() => m.loadStateDict(partial), /missing keys: '2\.bias'\n {2}unexpected keys: 'extra'/);
  assert.throws(() => m.loadStateDict({ ...partial, '2.bias': [1, 2] as never }, { strict: false }), /'2\.bias' is not a Tensor \(got Array\)/);
  assert.throws(() => m.loadStateDict(null as never), /loadStateDict: expected an object of tensors, got null/);
});

test('train()/eval() propagate to every submodule', () => {
  const m = new Features();
  assert.ok([...m.modules()].every((x) => x.training));
  assert.is(m.eval(), m);
  assert.ok([...m.modules()].every((x) => !x.training));
  m.train();
  assert.ok([...m.modules()].every((x) => x.training));
  m.features.train(false);
  assert.ok(m.training && m.classifier.training && !m.features.training && !m.features.at(4).training);
});

test('zeroGrad sets grads to null (or zeroes them with setToNone false)', () => {
  const m = new Sequential(new Linear(3, 2), new Tanh(), new Linear(2, 1));
  sum(m.forward(randn([4, 3]))).backward();
  assert.ok([...m.parameters()].every((p) => p.grad !== null));
  const g = (m.at(0) as Linear).weight.grad!;
  m.zeroGrad({ setToNone: false });
  assert.ok((m.at(0) as Linear).weight.grad === g);
  assert.ok(Array.from(g.data).every((v) => v === 0));
  m.zeroGrad();
  assert.ok([...m.parameters()].every((p) => p.grad === null));
});

test('apply visits children before the parent, every module once', () => {
  const m = new Features();
  const seen: string[] = [];
  assert.is(m.apply((x) => seen.push(x.constructor.name)), m);
  assert.equal(seen, ['Conv2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'BatchNorm2d', 'Sequential', 'Flatten', 'Linear', 'Sequential', 'Features']);
  // a typical use: re-initialise every Linear
  m.apply((x) => {
    if (x instanceof Linear) x.weight.data.fill(0.5);
  });
  assert.ok(Array.from((m.classifier.at(1) as Linear).weight.data).every((v) => v === 0.5));
});

test('toString follows PyTorch repr layout with our option names', () => {
  const m = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2), new Conv2d(6, 16, [3, 5], { stride: 2, dilation: 2, groups: 2, bias: false }),
    new BatchNorm1d(4), new Flatten(), new Linear(400, 120), new Linear(2, 3, { bias: false }),
  );
  assert.is(m.toString(), [
    'Sequential(',
    '  (0): Conv2d(1, 6, kernelSize=[5, 5], stride=[1, 1], padding=[2, 2])',
    '  (1): ReLU()',
    '  (2): MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)',
    '  (3): Conv2d(6, 16, kernelSize=[3, 5], stride=[2, 2], dilation=[2, 2], groups=2, bias=false)',
    '  (4): BatchNorm1d(4, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)',
    '  (5): Flatten(startDim=1, endDim=-1)',
    '  (6): Linear(inFeatures=400, outFeatures=120, bias=true)',
    '  (7): Linear(inFeatures=2, outFeatures=3, bias=false)',
    ')',
  ].join('\n'));
  assert.is(new Features().toString().split('\n').slice(0, 3).join('\n'), 'Features(\n  (features): Sequential(\n    (0): Conv2d(1, 2, kernelSize=[3, 3], stride=[1, 1])');
  assert.is(new Identity().toString(), 'Identity()');
  assert.is(inspect(m), m.toString(), 'console.log shows the repr');
});

test('Sequential: at, length, iteration, append, named form; ModuleList registers its modules', () => {
  const a = new Linear(2, 2);
  const b = new ReLU();
  const s = new Sequential(a, b);
  assert.is(s.length, 2);
  assert.ok(s.at(0) === a && s.at(-1) === b);
  assert.equal([...s], [a, b]);
  assert.throws(() => s.at(2), /Sequential\.at: index 2 is out of range for 2 modules/);
  s.append(new Linear(2, 1));
  assert.equal(Object.keys(s.stateDict()), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.equal(s.forward(randn([5, 2])).shape, [5, 1]);
  const named = new Sequential({ fc: new Linear(2, 2), act: new ReLU() });
  assert.equal([...named.namedChildren()].map(([k]) => k), ['fc', 'act']);
  assert.throws(() => new Sequential(a, 3 as never), /Sequential: expected Modules, got number at position 1/);
  assert.throws(() => new Sequential({ fc: 'x' } as never), /Sequential: expected Modules, got string at key 'fc'/);

  class Tower extends Module {
    layers = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
    forward(x: Tensor): Tensor {
      for (const l of this.layers) x = l.forward(x) as Tensor;
      return x;
    }
  }
  const t = new Tower();
  assert.equal([...t.namedParameters()].map(([k]) => k), ['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
  t.layers.extend([new Linear(2, 2)]);
  assert.is(t.layers.length, 3);
  assert.equal(t.forward(randn([1, 2])).shape, [1, 2]);
  assert.throws(() => t.layers.forward(), /ModuleList: has no forward/);
  assert.throws(() => t.layers.append({} as never), /ModuleList\.append: expected Modules, got Object/);
});

test.run();

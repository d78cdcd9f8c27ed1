// The exporter's contract apart from numerics: the tracing hook, names and initializers, options, the typed error
// for unsupported ops (and no file written then), the model left as it was, exportOnnx, and the README's snippet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  Tensor, add, argmax, defineOp, dropout, logsumexp, manualSeed, matmul, maxPool2d, mul, noGrad, randn, relu, setOpTracer, slice, sum, tensor,
  type OpTracer,
} from '@torchlet/core';
import {
  AvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, Module, OnnxExportError, OnnxUnsupportedOpError, ReLU, Sequential,
  exportOnnx, toOnnx,
} from '../src/node.js';
import { decodeModel } from '../src/onnx/onnx-proto.js';
import { maxAbsDiff, runOnnx, torchletOutput } from './onnx-runtime.js';

const here = dirname(fileURLToPath(import.meta.url));

function record(fn: () => void): { op: string; args: readonly unknown[]; out: Tensor }[] {
  const seen: { op: string; args: readonly unknown[]; out: Tensor }[] = [];
  const previous = setOpTracer((op, args, out) => seen.push({ op, args, out }));
  try {
    fn();
  } finally {
    setOpTracer(previous);
  }
  return seen;
}

test('the op tracer sees top-level calls with normalized arguments, under noGrad and for int32 results', () => {
  const x = randn([2, 3], { requiresGrad: true });
  let y: Tensor | null = null;
  const seen = record(() => {
    y = relu(add(x, 1));
    noGrad(() => argmax(x, 1));
  });
  assert.equal(seen.map((s) => s.op), ['add', 'relu', 'argmax']);
  // add's number argument arrives as the 0-d tensor forward received
  const [, one] = seen[0].args as Tensor[];
  assert.ok(one instanceof Tensor && one.ndim === 0 && one.data[0] === 1);
  assert.is(seen[1].out, y);
  assert.is(seen[2].out.dtype, 'int32');
});

/** A user op whose forward is built from other ops: those calls are its implementation, not the model's. */
const shiftedRelu = defineOp({
  name: 'shiftedRelu',
  signatures: ['Tensor'],
  forward(_ctx, x: Tensor) {
    return relu(add(x, 1));
  },
  backward(_ctx, g) {
    return [g];
  },
});

test('the op tracer does not see ops run inside another op, and is removed afterwards', () => {
  const x = randn([3, 4], { requiresGrad: true });
  const seen = record(() => mul(shiftedRelu(x), 2));
  assert.equal(seen.map((s) => s.op), ['shiftedRelu', 'mul']);
  const failing = defineOp({
    name: 'failing',
    signatures: ['Tensor'],
    forward(_ctx, t: Tensor): Tensor {
      relu(t);
      throw new Error('failing: on purpose');
    },
  });
  assert.throws(() => record(() => failing(x)), /on purpose/);
  assert.equal(record(() => relu(x)).map((s) => s.op), ['relu'], 'a failed call leaves the nesting count at zero');
  const prior: OpTracer = () => assert.unreachable('the restored tracer must not run');
  setOpTracer(prior);
  assert.is(setOpTracer(null), prior);
  assert.equal(record(() => undefined), []);
  sum(mul(x, x)).backward(); // no tracer set: nothing to see, nothing breaks
  assert.ok(x.grad !== null);
});

function smallCnn(): Sequential {
  manualSeed(11);
  return new Sequential(new Conv2d(1, 4, 3), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Dropout(0.5), new Linear(4 * 3 * 3, 5));
}

test('parameters and buffers are initializers under their state-dict keys; inputs and outputs are named and batch-dynamic', () => {
  const model = smallCnn();
  const graph = decodeModel(toOnnx(model, randn([3, 1, 8, 8]))).graph;
  const initializers = graph.initializer.map((t) => t.name).filter((n) => !n.startsWith('onnx::Constant')).sort();
  assert.equal(initializers, ['0.bias', '0.weight', '1.bias', '1.running_mean', '1.running_var', '1.weight', '6.bias', '6.weight'].sort());
  const weight = graph.initializer.find((t) => t.name === '0.weight')!;
  assert.equal(weight.dims, [4, 1, 3, 3]);
  assert.equal([...new Float32Array(Uint8Array.from(weight.raw_data).buffer)], [...model.stateDict()['0.weight'].data]);
  assert.equal(graph.input.map((v) => v.name), ['input']);
  assert.equal(graph.output.map((v) => v.name), ['output']);
  assert.equal(graph.input[0].type.tensor_type.shape.dim, [{ dim_param: 'batch' }, { dim_value: 1 }, { dim_value: 8 }, { dim_value: 8 }]);
  assert.equal(graph.output[0].type.tensor_type.shape.dim, [{ dim_param: 'batch' }, { dim_value: 5 }]);
  // eval mode: dropout is gone, batch norm is one node, names say where each node came from
  assert.equal(graph.node.map((n) => n.op_type), ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Reshape', 'Gemm']);
  // Flatten's traced target [3, 36] is written [0, 36] (copy dim 0), so the batch stays dynamic
  const shape = graph.initializer.find((t) => t.name === graph.node[4].input[1])!;
  assert.equal([...new BigInt64Array(Uint8Array.from(shape.raw_data).buffer)], [0n, 36n]);
  assert.equal(graph.node.map((n) => n.name), ['/0/Conv', '/1/BatchNormalization', '/2/Relu', '/3/MaxPool', '/4/Reshape', '/6/Gemm']);
});

test('the model comes back as it was: training flags, forward methods, and no tracer left behind', () => {
  const model = smallCnn();
  model.train();
  model.at(5).eval(); // a mixed state, to see that each flag is restored, not just the root's
  const before = [...model.modules()].map((m) => m.training);
  toOnnx(model, randn([1, 1, 8, 8]));
  assert.equal([...model.modules()].map((m) => m.training), before);
  for (const m of model.modules()) assert.not.ok(Object.hasOwn(m, 'forward'), `${m.constructor.name} keeps no wrapped forward`);
  assert.equal(record(() => relu(randn([2]))).map((s) => s.op), ['relu']);
});

class UsesLogsumexp extends Module {
  fc = new Linear(4, 3);
  forward(x: Tensor): Tensor {
    return logsumexp(x, 1, true);
  }
}

test('an op without a mapping raises OnnxUnsupportedOpError naming the op and the module; exportOnnx then writes nothing', () => {
  manualSeed(12);
  const model = new Sequential({ body: new Linear(4, 4), head: new UsesLogsumexp() });
  model.train();
  const dir = mkdtempSync(join(tmpdir(), 'torchlet-onnx-'));
  const path = join(dir, 'model.onnx');
  try {
    let error: unknown = null;
    try {
      exportOnnx(model, randn([2, 4]), path);
    } catch (e) {
      error = e;
    }
    assert.instance(error, OnnxUnsupportedOpError);
    assert.instance(error, OnnxExportError);
    const e = error as OnnxUnsupportedOpError;
    assert.is(e.op, 'logsumexp');
    assert.is(e.modulePath, 'head');
    assert.is(e.moduleType, 'UsesLogsumexp');
    assert.match(e.message, "op 'logsumexp' (called in module 'head', UsesLogsumexp) has no ONNX mapping");
    assert.not.ok(existsSync(path), 'no file after a failed export');
    assert.equal(readdirSync(dir), [], 'no temporary file either');
    assert.ok(model.training, 'training mode restored after the error');
    for (const m of model.modules()) assert.not.ok(Object.hasOwn(m, 'forward'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ops with arguments ONNX cannot express fail with the reason: dropout in training mode, maxPool2d indices, batch statistics', () => {
  class TrainingDropout extends Module {
    forward(x: Tensor): Tensor {
      return dropout(x, 0.5);
    }
  }
  assert.throws(() => toOnnx(new TrainingDropout(), randn([2, 3])), /op 'dropout' \(called in the model, TrainingDropout\) runs in training mode/);
  class WithIndices extends Module {
    forward(x: Tensor): Tensor {
      return maxPool2d(x, { kernelSize: 2, returnIndices: true }).values;
    }
  }
  assert.throws(() => toOnnx(new WithIndices(), randn([1, 1, 4, 4])), (e: unknown) => e instanceof OnnxUnsupportedOpError && e.op === 'maxPool2d');
  const hanging = new Sequential(new AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true }));
  assert.throws(() => toOnnx(hanging, randn([1, 1, 8, 8])), /op 'avgPool2d' \(called in module '0', AvgPool2d\) with ceilMode and countIncludePad/);
  assert.ok(toOnnx(hanging, randn([1, 1, 7, 7])), 'fine where no window hangs over the padding');
  const noStats = new Sequential(new BatchNorm2d(2, { trackRunningStats: false }));
  assert.throws(() => toOnnx(noStats, randn([2, 2, 3, 3])), /op 'batchNorm' \(called in module '0', BatchNorm2d\) normalises with batch statistics/);
});

test('a value changed in place after it was traced is refused rather than exported wrong', () => {
  class InPlace extends Module {
    forward(x: Tensor): Tensor {
      const y = relu(x);
      y.add_(1); // not an op: the trace cannot see it
      return mul(y, 2);
    }
  }
  assert.throws(() => toOnnx(new InPlace(), randn([2, 3])), /was changed in place after it was computed/);
});

test('options: names, dynamicAxes, opsetVersion, and clear errors for bad ones', async () => {
  manualSeed(13);
  const model = new Sequential(new Linear(3, 2));
  const x = randn([4, 3]);
  const graph = decodeModel(toOnnx(model, x, { inputNames: ['pixels'], outputNames: ['logits'], dynamicAxes: {}, opsetVersion: 13 }));
  assert.equal(graph.opset_import, [{ domain: '', version: 13 }]);
  assert.equal(graph.graph.input[0].name, 'pixels');
  assert.equal(graph.graph.input[0].type.tensor_type.shape.dim, [{ dim_value: 4 }, { dim_value: 3 }]);
  const named = decodeModel(toOnnx(model, x, { dynamicAxes: { input: { 0: 'n' }, output: [0] } })).graph;
  assert.equal(named.input[0].type.tensor_type.shape.dim[0], { dim_param: 'n' });
  assert.equal(named.output[0].type.tensor_type.shape.dim[0], { dim_param: 'output_dim0' });
  // static shapes really are static: ONNX Runtime refuses another batch size
  const fixed = toOnnx(model, x, { dynamicAxes: {} });
  assert.ok((await runOnnx(fixed, { input: x })).output);
  let refused = false;
  try {
    await runOnnx(fixed, { input: randn([5, 3]) });
  } catch {
    refused = true;
  }
  assert.ok(refused, 'batch 5 refused by a graph exported with static shapes');

  assert.throws(() => toOnnx(model, x, { opsetVersion: 9 }), /opsetVersion must be an integer from 13 to 21, got 9/);
  assert.throws(() => toOnnx(model, x, { inputNames: ['a', 'b'] }), /inputNames has 2 names but the model has 1/);
  assert.throws(() => toOnnx(model, x, { dynamicAxes: { nope: [0] } }), /dynamicAxes names 'nope', which is not an input or output/);
  assert.throws(() => toOnnx(model, x, { dynamicAxes: { input: [2] } }), /names dim 2, but 'input' has 2 dims/);
  assert.throws(() => toOnnx(model, x, { inputNames: ['x'], outputNames: ['x'] }), /input and output names must be distinct/);
  assert.throws(() => toOnnx(model, x, { batch: 1 } as never), /unknown option\(s\) 'batch'/);
  assert.throws(() => toOnnx(model, 'x' as never), /exampleInput must be a Tensor or a non-empty array of Tensors/);
  assert.throws(() => toOnnx({} as never, x), /toOnnx: expected a Module/);
});

test('every supported opset runs in ONNX Runtime: conv, batch norm, pooling and reductions (ReduceMean takes its axes as an input from 18 on)', async () => {
  class Reductions extends Module {
    features = new Sequential(new Conv2d(2, 3, 3, { padding: 1 }), new BatchNorm2d(3), new ReLU(), new MaxPool2d(2), new AvgPool2d(2));
    fc = new Linear(3, 6);
    forward(x: Tensor): Tensor {
      const h = this.fc.forward(this.features.forward(x).mean([2, 3])).softmax(-1);
      return h.mean(1, true).add(h.sum([1], true)).add(h);
    }
  }
  manualSeed(17);
  const model = new Reductions();
  const x = randn([3, 2, 8, 8]);
  for (const opsetVersion of [13, 15, 17, 18, 20, 21]) {
    const bytes = toOnnx(model, x, { opsetVersion });
    const { output } = await runOnnx(bytes, { input: x });
    assert.ok(maxAbsDiff(output.data, torchletOutput(model, x).data) < 1e-6, `opset ${opsetVersion}`);
  }
});

test('forwards that cannot be exported fail with what went wrong', () => {
  class Returns extends Module {
    constructor(readonly value: unknown) {
      super();
    }
    forward(): unknown {
      return this.value;
    }
  }
  const x = randn([2, 3]);
  assert.throws(() => toOnnx(new Returns(3), x), /forward must return a Tensor or an array of Tensors, got number/);
  assert.throws(() => toOnnx(new Returns([x, 'y']), x), /got string at position 1/);
  assert.throws(() => toOnnx(new Returns([]), x), /returned an empty array/);
  assert.throws(() => toOnnx(new Returns(tensor([1, 2])), x), /output 0 was not computed by any traced op/);
  const linear = new Linear(3, 3);
  assert.throws(() => toOnnx(linear, linear.weight), /example input 0 is passed twice or is a parameter or buffer of the model/);
  assert.throws(() => toOnnx(linear, x, { inputNames: [''] }), /inputNames must be an array of non-empty strings, got \[""\]/);
});

test('exportOnnx reports a file it cannot write and leaves no temporary file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'torchlet-onnx-'));
  try {
    assert.throws(() => exportOnnx(new Linear(2, 2), randn([1, 2]), join(dir, 'missing', 'model.onnx')), /exportOnnx: could not write .*missing.*model\.onnx/);
    assert.throws(() => exportOnnx(new Linear(2, 2), randn([1, 2]), ''), /exportOnnx: expected a file path/);
    assert.equal(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a forward that depends on the batch size in ways a dynamic batch cannot express is refused; static shapes still export', async () => {
  class Forward extends Module {
    constructor(readonly f: (x: Tensor) => Tensor) {
      super();
    }
    forward(x: Tensor): Tensor {
      return this.f(x);
    }
  }
  const x = randn([2, 3, 4]);
  const merged = new Forward((t) => relu(t.reshape(t.shape[0] * 3, 4)).reshape(t.shape[0], -1));
  assert.throws(() => toOnnx(merged, x), /op 'reshape' \(called in the model, Forward\) depends on the batch size .*traced at batch 2 with \["reshape","traced",\[6,4\]\] and at batch 3 with \["reshape","traced",\[9,4\]\]/);
  const fixed = toOnnx(merged, x, { dynamicAxes: {} });
  const { output } = await runOnnx(fixed, { input: x });
  assert.ok(maxAbsDiff(output.data, torchletOutput(merged, x).data) < 1e-6);
  // written with -1, the same model is batch-dynamic
  assert.ok(toOnnx(new Forward((t) => relu(t.reshape(-1, 4)).reshape(-1, 12)), x));
  const sized = new Forward((t) => t.add(tensor(new Float32Array(t.shape[0] * 12), { shape: [t.shape[0], 3, 4] })));
  assert.throws(() => toOnnx(sized, x), /op 'add' .* depends on the batch size .*"constant":\[2,3,4\]/);
  const sliced = new Forward((t) => slice(t, 0, 0, t.shape[0]).mul(2));
  assert.throws(() => toOnnx(sliced, x), /op 'slice' .* depends on the batch size/);
  const branching = new Forward((t) => (t.shape[0] > 2 ? relu(t) : t.mul(2)));
  assert.throws(() => toOnnx(branching, x), /the forward takes another path at batch 3 than at batch 2 \(at op 'mul'/);
});

class TwoInTwoOut extends Module {
  fc = new Linear(3, 3);
  forward(a: Tensor, b: Tensor): Tensor[] {
    const h = this.fc.forward(a);
    return [add(matmul(h, b), 1), a, h, h];
  }
}

test('several inputs and outputs, an input returned as an output and an output returned twice', async () => {
  manualSeed(14);
  const model = new TwoInTwoOut();
  const a = randn([2, 3]);
  const b = randn([3, 4]);
  const bytes = toOnnx(model, [a, b], { inputNames: ['a', 'b'], outputNames: ['y', 'same', 'h1', 'h2'], dynamicAxes: { a: [0], y: [0], same: [0], h1: [0], h2: [0] } });
  const a7 = randn([7, 3]);
  const out = await runOnnx(bytes, { a: a7, b });
  const [y, same, h] = noGrad(() => model.forward(a7, b));
  assert.ok(maxAbsDiff(out.y.data, y.data) < 1e-5);
  assert.equal([...out.same.data], [...a7.data]);
  assert.ok(maxAbsDiff(out.h1.data, h.data) < 1e-5);
  assert.equal([...out.h2.data], [...out.h1.data]);
  // by default dim 0 of every input is the batch, which b's is not here
  assert.throws(() => toOnnx(model, [a, b]), /the forward fails at batch 3 \(matmul: shapes \[3, 3\] and \[4, 4\] cannot be multiplied.*name the dynamic dims with dynamicAxes/);
  const defaults = decodeModel(toOnnx(model, [a, b], { dynamicAxes: { input_0: [0] } })).graph;
  assert.equal(defaults.input.map((v) => v.name), ['input_0', 'input_1']);
  assert.equal(defaults.output.map((v) => v.name), ['output_0', 'output_1', 'output_2', 'output_3']);
  assert.throws(() => toOnnx(new Sequential(new Linear(3, 3)), [a, a]), /example input 1 is passed twice/);
});

test('exportOnnx writes a file that ONNX Runtime loads by path; the README snippet runs on it as written', async () => {
  manualSeed(15);
  const model = smallCnn();
  const dir = mkdtempSync(join(tmpdir(), 'torchlet-onnx-'));
  const path = join(dir, 'model.onnx');
  try {
    exportOnnx(model, randn([1, 1, 8, 8]), path);
    const x = randn([1, 1, 8, 8]);
    const { output } = await runOnnx(new Uint8Array(readFileSync(path)), { input: x });
    assert.ok(maxAbsDiff(output.data, torchletOutput(model, x).data) < 1e-4);

    const readme = readFileSync(join(here, '..', '..', '..', 'README.md'), 'utf8');
    const block = /<!-- onnx: tested by[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README has the onnxruntime-node snippet');
    const code = block[1];
    assert.is(code.trim().split('\n').length, 5, 'five lines');
    // The snippet reads runs/<run>/model.onnx of a LeNet-5 (1x28x28 in, 10 out); run it on a model of that shape.
    manualSeed(16);
    const lenet = new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(6 * 14 * 14, 10));
    exportOnnx(lenet, randn([1, 1, 28, 28]), path);
    const script = join(here, `.onnx-snippet-${process.pid}.mjs`); // here, so that it resolves onnxruntime-node
    writeFileSync(script, code.replace(/'runs\/[^']*model\.onnx'/, JSON.stringify(path)));
    const printed: unknown[][] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(args);
    try {
      await import(pathToFileURL(script).href);
    } finally {
      console.log = log;
      rmSync(script, { force: true });
    }
    const logits = printed[0][0] as Float32Array;
    assert.is(logits.length, 10);
    const zeros = tensor(new Float32Array(28 * 28), { shape: [1, 1, 28, 28] });
    assert.ok(maxAbsDiff(logits, torchletOutput(lenet, zeros).data) < 1e-4);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

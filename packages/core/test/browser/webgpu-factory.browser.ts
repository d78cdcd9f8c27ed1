// The backend table's factory entries (full, range, cyclicRange, triangleMask, lowerTriangleMask, randperm,
// dropoutMask: no tensor argument) on the inputs' device (issue 17): the ops that build an index, a mask or a
// constant inside run forward and backward on 'webgpu', each compared with the same computation on the CPU.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { DeviceTensor, initWebGPU, upload, useWebGPU, webgpuKernels } from '@torchlet/core/webgpu';
import { run, test } from '../../../../scripts/browser/harness.js';

type Tensor = core.Tensor;
const tolerance = { atol: 1e-5, rtol: 1e-5 };
let worst = 0;

/** Asserts that a device tensor holds the CPU tensor's values within the float32 tolerance, and its shape. */
async function agree(name: string, onDevice: Tensor, onCpu: Tensor): Promise<void> {
  assert.is(onDevice.device, 'webgpu', `${name}: device`);
  assert.equal([...onDevice.shape], [...onCpu.shape], `${name}: shape`);
  const values = await onDevice.read();
  for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - onCpu.data[i]));
  try {
    core.assertClose(values, onCpu.data, tolerance);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
}

/**
 * Runs fn on leaves made from `inputs` on the CPU and on 'webgpu' (the float32 ones require grad), compares the
 * outputs, then backpropagates sum(output · weights) with the same random weights and compares every gradient.
 */
async function forwardAndBackward(name: string, inputs: readonly Tensor[], fn: (...xs: Tensor[]) => Tensor): Promise<void> {
  const leaves = (device: core.Device): Tensor[] =>
    inputs.map((t) => {
      const leaf = t.detach().to(device);
      if (t.dtype === 'float32') leaf.requiresGrad = true;
      return leaf;
    });
  const cpu = leaves('cpu');
  const gpu = leaves('webgpu');
  const outCpu = fn(...cpu);
  const outGpu = fn(...gpu);
  await agree(`${name} forward`, outGpu, outCpu);
  const weights = core.randn(outCpu.shape);
  outCpu.mul(weights).sum().backward();
  outGpu.mul(weights.to('webgpu')).sum().backward();
  for (let i = 0; i < inputs.length; i++) {
    if (cpu[i].grad === null) continue;
    assert.ok(gpu[i].grad !== null, `${name}: input ${i} got no gradient on 'webgpu'`);
    await agree(`${name} gradient of input ${i}`, gpu[i].grad!, cpu[i].grad!);
  }
}

test('flip, roll and cumsum (whose backward flips): forward and gradient on webgpu agree with the CPU', async () => {
  await initWebGPU();
  core.manualSeed(1);
  const x = core.randn([3, 5]);
  await forwardAndBackward('flip', [x], (t) => core.flip(t, [0, 1]));
  await forwardAndBackward('roll', [x], (t) => core.roll(t, [1, -2], [0, 1]));
  await forwardAndBackward('cumsum', [x], (t) => core.cumsum(t, 1));
});

test('sort and topk: the backward scatters into zeros made on the gradient\'s device', async () => {
  await initWebGPU();
  core.manualSeed(2);
  const x = core.randn([4, 6]);
  await forwardAndBackward('sort', [x], (t) => core.sort(t, 1).values);
  await forwardAndBackward('topk', [x], (t) => core.topk(t, 3, 1).values);
});

test('triu and tril (a triangular mask on the input\'s device)', async () => {
  await initWebGPU();
  core.manualSeed(3);
  const x = core.randn([4, 5]);
  await forwardAndBackward('triu', [x], (t) => core.triu(t, 1));
  await forwardAndBackward('tril', [x], (t) => core.tril(t, -1));
});

test('crossEntropy and nllLoss with reduction \'none\': the backward\'s ones on the gradient\'s device', async () => {
  await initWebGPU();
  core.manualSeed(4);
  const logits = core.randn([5, 4]);
  const target = core.tensor(Int32Array.from([0, 3, 1, 2, 3]));
  await forwardAndBackward('crossEntropy', [logits, target], (x, t) => core.crossEntropy(x, t, { reduction: 'none' }));
  await forwardAndBackward('crossEntropy labelSmoothing', [logits, target], (x, t) => core.crossEntropy(x, t, { reduction: 'none', labelSmoothing: 0.1 }));
  await forwardAndBackward('nllLoss', [logits, target], (x, t) => core.nllLoss(core.logSoftmax(x, 1), t, { reduction: 'none' }));
});

test('sign and floor: zeroGradient makes its zeros on the input\'s device', async () => {
  await initWebGPU();
  core.manualSeed(5);
  const x = core.randn([3, 4]);
  // multiplied by x so the gradient is sign(x) + 0, not only the zeros
  await forwardAndBackward('sign', [x], (t) => core.sign(t).mul(t));
  await forwardAndBackward('floor', [x], (t) => core.floor(t).add(t));
});

test('convTranspose2d (the weight\'s flip indices on its device)', async () => {
  await initWebGPU();
  core.manualSeed(6);
  const x = core.randn([2, 3, 4, 4]);
  const w = core.randn([3, 2, 3, 3]);
  const b = core.randn([2]);
  await forwardAndBackward('convTranspose2d', [x, w, b], (xs, ws, bs) => core.convTranspose2d(xs, ws, bs, { stride: 2, padding: 1 }));
});

test('scaledDotProductAttention with isCausal (the causal mask on the query\'s device)', async () => {
  await initWebGPU();
  core.manualSeed(7);
  const q = core.randn([2, 4, 8]);
  const k = core.randn([2, 5, 8]);
  const v = core.randn([2, 5, 8]);
  await forwardAndBackward('sdpa isCausal', [q, k, v], (qs, ks, vs) => core.scaledDotProductAttention(qs, ks, vs, { isCausal: true }));
});

test('scatter, scatterAdd and indexSet: their counts, positions and filled values on the input\'s device', async () => {
  await initWebGPU();
  core.manualSeed(8);
  const x = core.randn([3, 4]);
  const src = core.randn([2, 4]);
  const idx = core.tensor(Int32Array.from([0, 2, 1, 0, 2, 1, 0, 2]), { dtype: 'int32' }).reshape([2, 4]);
  await forwardAndBackward('scatter (tensor)', [x, src, idx], (xs, s, i) => core.scatter(xs, 0, i, s));
  await forwardAndBackward('scatter (number)', [x, idx], (xs, i) => core.scatter(xs, 0, i, 2.5));
  await forwardAndBackward('scatterAdd', [x, src, idx], (xs, s, i) => core.scatterAdd(xs, 0, i, s));
  await forwardAndBackward('indexSet', [x], (xs) => core.indexSet(xs, [1], 7));
});

test('scatter with a position named twice on webgpu: the check runs on the device and the next read reports it', async () => {
  await initWebGPU();
  const x = core.zeros([3]).to('webgpu');
  const idx = core.tensor(Int32Array.from([1, 1])).to('webgpu');
  const out = core.scatter(x, 0, idx, core.tensor([1, 2]).to('webgpu'));
  const message = await out.read().then(() => 'read', (err: unknown) => String(err));
  assert.match(message, /an index check on 'webgpu' \(.*scatter indices\) failed: 2 at flat index 1 is outside \[0, 2\)/);
});

test('a logical op whose result is a constant (isinf of int32) is made on the input\'s device', async () => {
  await initWebGPU();
  const ints = core.tensor(Int32Array.from([1, -2, 3])).to('webgpu');
  for (const [name, fn, value] of [['isinf', core.isinf, 0], ['isfinite', core.isfinite, 1]] as const) {
    const out: Tensor = fn(ints);
    assert.is(out.device, 'webgpu', `${name}: device`);
    assert.is(out.dtype, 'bool');
    assert.equal([...(await out.read())], [value, value, value], name);
  }
});

test('a device that registers a context gets factory calls at its kernel of that name (full), the others uploaded', async () => {
  const context = await initWebGPU();
  const calls: string[] = [];
  const spied = Object.fromEntries(Object.entries(webgpuKernels).map(([name, kernel]) => [name, (...args: unknown[]) => {
    calls.push(name);
    return (kernel as (...a: unknown[]) => unknown)(...args);
  }]));
  core.kernels.registerDevice({
    device: 'webgpu',
    kernels: spied,
    upload: (_op, data, shape) => upload(context, data as Float32Array | Int32Array, shape),
    isStorage: (value): value is DeviceTensor => value instanceof DeviceTensor,
    context,
  });
  try {
    const filled = core.kernels.full([2, 3], -2.5, 'float32', 'webgpu');
    assert.equal(calls, ['full']);
    await agree('full on the device', filled, core.kernels.full([2, 3], -2.5, 'float32'));
    const flipped = core.kernels.cyclicRange(4, 3, -1, 'webgpu'); // no device kernel: made on the CPU and uploaded
    assert.equal(calls, ['full']);
    await agree('cyclicRange uploaded', flipped, core.kernels.cyclicRange(4, 3, -1));
  } finally {
    useWebGPU(context); // the registration initWebGPU made
  }
});

test('dropout\'s mask on webgpu is the CPU\'s for the same seed (drawn on the CPU, uploaded by the table)', async () => {
  await initWebGPU();
  const x = core.randn([6, 5]).to('webgpu');
  core.manualSeed(9);
  const onCpu = core.dropout(core.ones([6, 5]), 0.4, true);
  core.manualSeed(9);
  await agree('dropout mask', core.dropout(core.onesLike(x), 0.4, true), onCpu);
  report(`every comparison above: max |gpu - cpu| ${worst.toExponential(1)} (atol 1e-5, rtol 1e-5)`);
});

function report(line: string): void {
  console.log(`report: webgpu-factory ${line}`);
}

await run();

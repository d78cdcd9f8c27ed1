// The phase-3 kernels reached through the ops on 'webgpu' tensors (issue 17), in headless Chromium's SwiftShader
// adapter: each op's forward and the gradients of a weighted sum of its output, computed with tensors moved by
// to('webgpu'), against the same op on the CPU. This checks the routing and that no op reads a device tensor on the host.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
import { run, test } from '../../../../scripts/browser/harness.js';

type Tensor = core.Tensor;
type Case = [name: string, inputs: Tensor[], op: (...xs: Tensor[]) => Tensor];

const tolerance = { atol: 2e-5, rtol: 2e-5 };

/** The inputs as leaves on `device` (the float ones requiring grad), the op's output, and the gradients of Σ out·w. */
function forwardBackward(device: core.Device, inputs: Tensor[], op: (...xs: Tensor[]) => Tensor, w: Tensor) {
  const leaves = inputs.map((t) => {
    const leaf = device === 'cpu' ? t.clone() : t.to(device);
    if (t.dtype === 'float32') leaf.requiresGrad = true;
    return leaf;
  });
  const out = op(...leaves);
  core.sum(core.mul(out, device === 'cpu' ? w : w.to(device))).backward();
  return { out, grads: leaves.filter((l) => l.requiresGrad).map((l) => l.grad!) };
}

/** Asserts the device tensor holds the CPU tensor's values; returns the largest difference. */
async function compare(label: string, onGpu: Tensor, onCpu: Tensor): Promise<number> {
  assert.is(onGpu.device, 'webgpu', `${label}: device`);
  assert.equal([...onGpu.shape], [...onCpu.shape], `${label}: shape`);
  const values = await onGpu.read();
  let worst = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== onCpu.data[i]) worst = Math.max(worst, Math.abs(values[i] - onCpu.data[i]));
  try {
    core.assertClose(values, onCpu.data, tolerance);
  } catch (err) {
    throw new Error(`${label}: ${(err as Error).message}`);
  }
  return worst;
}

async function check(cases: Case[]): Promise<string> {
  const worst: string[] = [];
  for (const [name, inputs, op] of cases) {
    const shape = op(...inputs).shape;
    const w = core.randn([...shape]);
    const cpu = forwardBackward('cpu', inputs, op, w);
    const gpu = forwardBackward('webgpu', inputs, op, w);
    let seen = await compare(`${name} forward`, gpu.out, cpu.out);
    assert.is(gpu.grads.length, cpu.grads.length);
    for (let k = 0; k < cpu.grads.length; k++) seen = Math.max(seen, await compare(`${name} gradient ${k}`, gpu.grads[k], cpu.grads[k]));
    worst.push(`${name} ${seen.toExponential(1)}`);
  }
  return worst.join(', ');
}

test('copies and indexing through the ops on webgpu: forward and gradients agree with the CPU', async () => {
  await initWebGPU();
  core.manualSeed(51);
  const x = core.randn([3, 17, 4]);
  const index = core.randint(0, 17, [3, 5, 4]);
  const rows = core.tensor(Int32Array.from([2, 0, 2]));
  const line = (await import('@torchlet/core')).transpose;
  const worst = await check([
    ['cat', [x, core.randn([3, 2, 4])], (a, b) => core.cat([a, b], 1)],
    ['stack', [core.randn([3, 5]), core.randn([3, 5])], (a, b) => core.stack([a, b], 1)],
    ['permute', [x], (a) => core.permute(a, [2, 0, 1])],
    ['transpose + matmul', [x, core.randn([3, 17, 2])], (a, b) => core.matmul(line(a, 1, 2), b)],
    ['slice step 3', [x], (a) => core.slice(a, 1, 1, 15, 3)],
    ['pad', [x], (a) => core.pad(a, [1, 2])],
    ['gather', [x, index], (a, i) => core.gather(a, 1, i)],
    ['indexSelect', [x, rows], (a, i) => core.indexSelect(a, 0, i)],
    ['max(dim)', [x], (a) => core.max(a, 1).values],
  ]);
  console.log(`report: webgpu-kernels-ops copies and indexing: max |gpu - cpu| ${worst} (atol 2e-5, rtol 2e-5)`);
});

test('activations, reductions, pooling, losses and math through the ops on webgpu agree with the CPU', async () => {
  await initWebGPU();
  core.manualSeed(52);
  const x = core.randn([3, 17]);
  const positive = core.add(core.abs(core.randn([3, 17])), 0.5);
  const target = core.randint(0, 17, [3]);
  const worst = await check([
    ['clamp', [x], (a) => core.clamp(a, -0.5, 0.5)],
    ['gelu', [x], (a) => core.gelu(a)],
    ['gelu tanh', [x], (a) => core.gelu(a, { approximate: 'tanh' })],
    ['softplus', [x], (a) => core.softplus(a)],
    ['maximum', [x, core.randn([1, 17])], (a, b) => core.maximum(a, b)],
    ['pow', [positive, core.randn([17])], (a, b) => core.pow(a, b)],
    ['logsumexp', [x], (a) => core.logsumexp(a, 1)],
    ['adaptiveAvgPool2d', [core.randn([2, 3, 7, 5])], (a) => core.adaptiveAvgPool2d(a, [3, 2])],
    ['nllLoss', [x, target], (a, t) => core.nllLoss(core.logSoftmax(a, 1), t)],
    ['mseLoss', [x, core.randn([3, 17])], (a, b) => core.mseLoss(a, b)],
    ['sin', [x], (a) => core.sin(a)],
    ['atan2', [x, core.randn([3, 17])], (a, b) => core.atan2(a, b)],
  ]);
  console.log(`report: webgpu-kernels-ops activations, reductions, losses, math: max |gpu - cpu| ${worst} (atol 2e-5, rtol 2e-5)`);
});

test('oneHot on webgpu: with numClasses it agrees with the CPU; without, the class count would need a host read and says so', async () => {
  await initWebGPU();
  const indices = core.tensor(Int32Array.from([0, 4, 2, 2, 1, 3])).reshape([2, 3]);
  const onGpu = core.oneHot(indices.to('webgpu'), 6);
  assert.equal([...(await onGpu.read())], [...core.oneHot(indices, 6).data]);
  try {
    core.oneHot(core.relu(core.randn([4]).to('webgpu')).int());
    assert.unreachable('oneHot without numClasses on webgpu');
  } catch (err) {
    assert.match((err as Error).message, /maxElement: this op needs the largest value of a tensor on 'webgpu' on the host.*numClasses/);
  }
});

test('detectAnomaly on webgpu: the check runs on the device and the next read throws naming the value and where it is', async () => {
  await initWebGPU();
  const x = core.tensor([[1, 2], [Infinity, 4]]).to('webgpu');
  const y = core.detectAnomaly(() => core.mul(x, 2)); // the op goes on: no host read inside
  try {
    await y.read();
    assert.unreachable('the read should throw');
  } catch (err) {
    assert.match((err as Error).message, /detectAnomaly: mul forward on 'webgpu' produced Infinity at flat index 2 of an output with shape \[2, 2\]/);
  }
  const fine = core.detectAnomaly(() => core.mul(core.tensor([1, 2]).to('webgpu'), 2));
  assert.equal([...(await fine.read())], [2, 4]);
  // in backward: sqrt's gradient at 0 is Infinity
  assert.throws(() => core.tensor([0, 1], { requiresGrad: true }).to('webgpu'), /to: this tensor requires grad, and the move to 'webgpu' cannot carry its graph/);
  const z = core.tensor([0, 1], { device: 'webgpu', requiresGrad: true });
  core.detectAnomaly(() => core.sqrt(z).sum().backward());
  try {
    await z.grad!.read();
    assert.unreachable('the read of the gradient should throw');
  } catch (err) {
    assert.match((err as Error).message, /detectAnomaly: sqrt backward on 'webgpu' produced Infinity at flat index 0/);
  }
});

await run();

// model.to('webgpu') and training on the 'webgpu' device (issue 17, phase 2) in headless Chromium's SwiftShader
// adapter: each Parameter object is kept, and ten seeded SGD steps of an MLP follow the same steps on the CPU.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
import { Conv2d, Flatten, Linear, MaxPool2d, type Module, ReLU, Sequential } from '@torchlet/nn';
// optim is not a dependency of nn: its source, which imports the same @torchlet/core as this page
import { Adam, type Optimizer, SGD } from '../../../optim/src/index.js';
import { run, test } from '../../../../scripts/browser/harness.js';

function mlp(): Module {
  core.manualSeed(3);
  return new Sequential(new Linear(5, 7), new ReLU(), new Linear(7, 3));
}

type Loss = (out: core.Tensor, y: core.Tensor) => core.Tensor;
/** A squared-error loss written with sub, mul and mean. */
const squaredError: Loss = (out, y) => {
  const d = core.sub(out, y);
  return core.mean(core.mul(d, d));
};

/** Ten SGD steps on one seeded batch; the losses as read back. */
async function train(
  model: Module, x: core.Tensor, y: core.Tensor, lossOf: Loss = squaredError, lr = 0.1,
  makeOptimizer: (m: Module) => Optimizer = (m) => new SGD(m.parameters(), { lr }),
): Promise<number[]> {
  const optimizer = makeOptimizer(model);
  const losses: number[] = [];
  for (let step = 0; step < 10; step++) {
    optimizer.zeroGrad();
    const loss = lossOf(model.forward(x) as core.Tensor, y);
    loss.backward();
    optimizer.step();
    losses.push(await loss.itemAsync());
  }
  return losses;
}

test("model.to('webgpu') keeps each Parameter object; ten SGD steps follow the CPU's losses and weights", async () => {
  await initWebGPU();
  core.manualSeed(11);
  const x = core.randn([4, 5]);
  const y = core.randn([4, 3]);
  const onCpu = mlp();
  const onGpu = mlp();
  const before = [...onGpu.parameters()];
  assert.is(onGpu.to('webgpu'), onGpu);
  const after = [...onGpu.parameters()];
  assert.equal(after.length, 4);
  for (let i = 0; i < after.length; i++) {
    assert.is(after[i], before[i], `parameter ${i} is the same object`);
    assert.is(after[i].device, 'webgpu');
    assert.ok(after[i].requiresGrad);
  }
  const cpuLosses = await train(onCpu, x, y);
  const gpuLosses = await train(onGpu, x.to('webgpu'), y.to('webgpu'));
  let worstLoss = 0;
  for (let i = 0; i < 10; i++) {
    const relative = Math.abs(gpuLosses[i] - cpuLosses[i]) / Math.abs(cpuLosses[i]);
    worstLoss = Math.max(worstLoss, relative);
    assert.ok(relative <= 1e-4, `step ${i}: loss ${gpuLosses[i]} on webgpu, ${cpuLosses[i]} on the CPU`);
  }
  assert.ok(cpuLosses[9] < cpuLosses[0], 'the loss goes down');
  let worstWeight = 0;
  const cpuParams = [...onCpu.parameters()];
  for (let i = 0; i < after.length; i++) {
    const values = await after[i].read();
    for (let k = 0; k < values.length; k++) worstWeight = Math.max(worstWeight, Math.abs(values[k] - cpuParams[i].data[k]));
    core.assertClose(values, cpuParams[i].data, { atol: 1e-4, rtol: 1e-4 });
  }
  console.log(`report: webgpu-train MLP 5-7-3, 10 SGD steps: losses ${cpuLosses[0].toFixed(6)} -> ${cpuLosses[9].toFixed(6)}, ` +
    `largest relative loss difference ${worstLoss.toExponential(1)} (limit 1e-4), largest weight difference ${worstWeight.toExponential(1)} (atol 1e-4, rtol 1e-4)`);
});

test('SGD with momentum and Adam keep their state on the device: ten steps follow the CPU', async () => {
  await initWebGPU();
  core.manualSeed(12);
  const x = core.randn([4, 5]);
  const y = core.randn([4, 3]);
  const makers: [string, (m: Module) => Optimizer][] = [
    ['SGD momentum 0.9', (m) => new SGD(m.parameters(), { lr: 0.05, momentum: 0.9 })],
    ['Adam', (m) => new Adam(m.parameters(), { lr: 0.01 })],
  ];
  const lines: string[] = [];
  for (const [name, make] of makers) {
    const onCpu = mlp();
    const onGpu = mlp().to('webgpu');
    const cpuLosses = await train(onCpu, x, y, squaredError, 0, make);
    const gpuLosses = await train(onGpu, x.to('webgpu'), y.to('webgpu'), squaredError, 0, make);
    assert.ok(cpuLosses[9] < cpuLosses[0], `${name}: the loss goes down`);
    lines.push(`${name}: ${await agreeTrained(name, cpuLosses, gpuLosses, onCpu, onGpu)}`);
  }
  console.log(`report: webgpu-train optimizers on the device: ${lines.join('; ')}`);
});

/** Asserts that two trainings agree (losses within 1e-4 relative, weights within 1e-4); returns the largest differences. */
async function agreeTrained(name: string, cpuLosses: number[], gpuLosses: number[], onCpu: Module, onGpu: Module): Promise<string> {
  let worstLoss = 0;
  for (let i = 0; i < cpuLosses.length; i++) {
    const relative = Math.abs(gpuLosses[i] - cpuLosses[i]) / Math.abs(cpuLosses[i]);
    worstLoss = Math.max(worstLoss, relative);
    assert.ok(relative <= 1e-4, `${name} step ${i}: loss ${gpuLosses[i]} on webgpu, ${cpuLosses[i]} on the CPU`);
  }
  assert.ok(cpuLosses[9] < cpuLosses[0], `${name}: the loss goes down`);
  const [cpuParams, gpuParams] = [[...onCpu.parameters()], [...onGpu.parameters()]];
  let worstWeight = 0;
  for (let i = 0; i < gpuParams.length; i++) {
    const values = await gpuParams[i].read();
    for (let k = 0; k < values.length; k++) worstWeight = Math.max(worstWeight, Math.abs(values[k] - cpuParams[i].data[k]));
    core.assertClose(values, cpuParams[i].data, { atol: 1e-4, rtol: 1e-4 });
  }
  return `losses ${cpuLosses[0].toFixed(6)} -> ${cpuLosses[9].toFixed(6)}, largest relative loss difference ${worstLoss.toExponential(1)} ` +
    `(limit 1e-4), largest weight difference ${worstWeight.toExponential(1)} (atol 1e-4, rtol 1e-4)`;
}

const crossEntropy: Loss = (out, y) => core.crossEntropy(out, y);

test('LeNet-5 at batch 4: ten SGD steps with crossEntropy on webgpu follow the CPU', async () => {
  await initWebGPU();
  const lenet = (): Module => {
    core.manualSeed(5);
    return new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
      new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2), new Flatten(),
      new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
    );
  };
  core.manualSeed(12);
  const x = core.randn([4, 1, 28, 28]);
  const y = core.tensor(Int32Array.from([3, 7, 0, 9]));
  const onCpu = lenet();
  const onGpu = lenet().to('webgpu');
  const cpuLosses = await train(onCpu, x, y, crossEntropy, 0.05);
  const gpuLosses = await train(onGpu, x.to('webgpu'), y.to('webgpu'), crossEntropy, 0.05);
  console.log(`report: webgpu-train LeNet-5 batch 4, 10 SGD steps: ${await agreeTrained('LeNet-5', cpuLosses, gpuLosses, onCpu, onGpu)}`);
});

test('a class index out of range on webgpu is found by a kernel and thrown at the next read', async () => {
  await initWebGPU();
  const logits = core.randn([3, 4]).to('webgpu');
  const loss = core.crossEntropy(logits, core.tensor(Int32Array.from([1, 4, 0])).to('webgpu'));
  try {
    await loss.itemAsync();
    assert.unreachable('the read should throw');
  } catch (err) {
    assert.match((err as Error).message, /an index check on 'webgpu' .* failed: 4 at flat index 1 is outside \[0, 4\) or -100/);
  }
  // the failed check is consumed: later reads work
  assert.is(await core.tensor(2).to('webgpu').itemAsync(), 2);
});

await run();

// model.to('webgpu') and training on the 'webgpu' device (issue 17, phase 2) in headless Chromium's SwiftShader
// adapter: each Parameter object is kept, and ten seeded SGD steps of an MLP follow the same steps on the CPU.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
import { Linear, type Module, ReLU, Sequential } from '@torchlet/nn';
// optim is not a dependency of nn: its source, which imports the same @torchlet/core as this page
import { SGD } from '../../../optim/src/index.js';
import { run, test } from '../../../../scripts/browser/harness.js';

function mlp(): Module {
  core.manualSeed(3);
  return new Sequential(new Linear(5, 7), new ReLU(), new Linear(7, 3));
}

/** Ten SGD steps of a squared-error loss (written with mul and mean) on one seeded batch; the losses as read back. */
async function train(model: Module, x: core.Tensor, y: core.Tensor): Promise<number[]> {
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const losses: number[] = [];
  for (let step = 0; step < 10; step++) {
    optimizer.zeroGrad();
    const d = core.sub(model.forward(x) as core.Tensor, y);
    const loss = core.mean(core.mul(d, d));
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

await run();

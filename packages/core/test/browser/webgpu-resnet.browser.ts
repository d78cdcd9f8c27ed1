// The BatchNorm/residual net of the benchmarks (bench/models.ts 'resnetish': conv-BN-ReLU, two residual blocks,
// adaptive average pooling, linear) trained on 'webgpu' in headless Chromium's SwiftShader adapter (issue 17): ten
// seeded SGD-momentum steps at batch 4 on 3x8x8 inputs follow the same steps on the CPU, losses within 1e-4
// relative and weights (and BatchNorm's running statistics) within 1e-4 afterwards.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
// nn and optim are not dependencies of core: their sources, which import the same @torchlet/core as this page
import * as nn from '../../../nn/src/index.js';
import { SGD } from '../../../optim/src/index.js';
import { buildModel } from '../../../../bench/models.js';
import { run, test } from '../../../../scripts/browser/harness.js';

const STEPS = 10;

function resnetish(): nn.Module {
  core.manualSeed(7);
  // buildModel types its argument as the Node entry of @torchlet/nn (with save/load); the layers are the same
  return buildModel(nn as unknown as Parameters<typeof buildModel>[0], 'resnetish', 10);
}

/** Ten SGD-momentum steps with crossEntropy on one seeded batch; the losses as read back. */
async function train(model: nn.Module, x: core.Tensor, y: core.Tensor): Promise<number[]> {
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  model.train();
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    optimizer.zeroGrad();
    const loss = core.crossEntropy(model.forward(x) as core.Tensor, y);
    loss.backward();
    optimizer.step();
    losses.push(await loss.itemAsync());
  }
  return losses;
}

/** The largest |gpu - cpu| over the tensors of a state dict (weights and running statistics), each asserted within 1e-4. */
async function worstStateDifference(onCpu: nn.Module, onGpu: nn.Module): Promise<number> {
  const cpuState = onCpu.stateDict();
  const gpuState = onGpu.stateDict();
  assert.equal(Object.keys(gpuState), Object.keys(cpuState));
  let worst = 0;
  for (const [key, expected] of Object.entries(cpuState)) {
    const actual = gpuState[key];
    const values = await actual.read();
    if (expected.dtype === 'int32') {
      // num_batches_tracked counts on the device (BatchNorm's add_): exactly the CPU's count
      assert.equal([...values], [...expected.data], key);
      continue;
    }
    for (let k = 0; k < values.length; k++) worst = Math.max(worst, Math.abs(values[k] - expected.data[k]));
    try {
      core.assertClose(values, expected.data, { atol: 1e-4, rtol: 1e-4 });
    } catch (err) {
      throw new Error(`${key}: ${(err as Error).message}`);
    }
  }
  return worst;
}

test("resnetish at batch 4 on 3x8x8: ten SGD-momentum steps on 'webgpu' follow the CPU's losses and weights", async () => {
  await initWebGPU();
  core.manualSeed(21);
  const x = core.randn([4, 3, 8, 8]);
  const y = core.tensor(Int32Array.from([3, 7, 0, 9]));
  const onCpu = resnetish();
  const onGpu = resnetish().to('webgpu');
  const cpuLosses = await train(onCpu, x, y);
  const gpuLosses = await train(onGpu, x.to('webgpu'), y.to('webgpu'));
  let worstLoss = 0;
  for (let i = 0; i < STEPS; i++) {
    const relative = Math.abs(gpuLosses[i] - cpuLosses[i]) / Math.abs(cpuLosses[i]);
    worstLoss = Math.max(worstLoss, relative);
    assert.ok(relative <= 1e-4, `step ${i}: loss ${gpuLosses[i]} on webgpu, ${cpuLosses[i]} on the CPU`);
  }
  assert.ok(cpuLosses[STEPS - 1] < cpuLosses[0], 'the loss goes down');
  const worstWeight = await worstStateDifference(onCpu, onGpu);
  console.log(`report: webgpu-resnet resnetish batch 4 3x8x8, ${STEPS} SGD momentum steps: losses ${cpuLosses[0].toFixed(6)} -> ` +
    `${cpuLosses[STEPS - 1].toFixed(6)}, largest relative loss difference ${worstLoss.toExponential(1)} (limit 1e-4), largest weight/` +
    `running-statistic difference ${worstWeight.toExponential(1)} (atol 1e-4, rtol 1e-4)`);
});

await run();

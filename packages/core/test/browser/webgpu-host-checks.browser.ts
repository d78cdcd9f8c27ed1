// What needs a value on the host, on the 'webgpu' device (issue 17), in headless Chromium's SwiftShader adapter:
// detectAnomaly, whose check would read every value synchronously, is an error naming the op and what to do instead.
// (item() pointing to `await t.itemAsync()` is tested in webgpu-device.browser.ts.)
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
import { run, test } from '../../../../scripts/browser/harness.js';

test('detectAnomaly on device tensors: an error naming the op and the phase, pointing to the CPU and to read()', async () => {
  await initWebGPU();
  const x = core.tensor([1, 2, 3], { device: 'webgpu', requiresGrad: true });
  assert.throws(() => core.detectAnomaly(() => x.mul(2)), /^detectAnomaly: mul forward ran on 'webgpu', whose values the host cannot check synchronously: detectAnomaly checks CPU tensors only; run the same step on the CPU.*`await t.read\(\)`/);
  const y = x.exp().sum();
  assert.throws(() => core.detectAnomaly(() => y.backward()), /^detectAnomaly: sum backward ran on 'webgpu'/);
  // outside detectAnomaly the same ops run, and the CPU keeps its check
  const z = x.mul(2);
  assert.equal([...(await z.read())], [2, 4, 6]);
  assert.throws(() => core.detectAnomaly(() => core.tensor([0]).log()), /^detectAnomaly: log forward produced -Infinity at flat index 0/);
});

run();

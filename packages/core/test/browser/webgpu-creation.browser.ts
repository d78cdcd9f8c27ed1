// The creation functions with { device: 'webgpu' } (issue 17) in headless Chromium's SwiftShader adapter: each is
// made on the CPU with the same (seeded) values and uploaded, so it holds exactly what the CPU call returns.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { creationCalls as makers } from '../fixtures/creation-calls.js';
import { initWebGPU } from '@torchlet/core/webgpu';
import { run, test } from '../../../../scripts/browser/harness.js';

test("before initWebGPU, { device: 'webgpu' } says what to call", () => {
  assert.throws(() => core.zeros(3, { device: 'webgpu' }), /^zeros: the 'webgpu' device is not initialized: call `await initWebGPU\(\)`/);
  assert.throws(() => core.randn([2], { device: 'webgpu' }), /^randn: the 'webgpu' device is not initialized/);
});

test("every creation function with { device: 'webgpu' } holds exactly the CPU call's values (the same seeded draws)", async () => {
  await initWebGPU();
  for (const [name, make] of Object.entries(makers)) {
    const onCpu = make({});
    const onGpu = make({ device: 'webgpu' });
    assert.is(onGpu.device, 'webgpu', name);
    assert.equal([...onGpu.shape], [...onCpu.shape], `${name}: shape`);
    assert.is(onGpu.dtype, onCpu.dtype, `${name}: dtype`);
    assert.equal([...(await onGpu.read())], [...onCpu.data], `${name}: values`);
  }
  core.manualSeed(9);
  const a = core.randn(4, 5);
  core.manualSeed(9);
  const b = core.randn(4, 5, { device: 'webgpu' });
  assert.equal([...(await b.read())], [...a.data], 'the default generator draws the same values for either device');
});

test('a device leaf with requiresGrad trains; *Like keeps a device tensor\'s device unless told; float64 is refused, bool is made there', async () => {
  await initWebGPU();
  const w = core.ones([3], { device: 'webgpu', requiresGrad: true });
  assert.ok(w.requiresGrad && w.isLeaf);
  w.mul(core.tensor([1, 2, 3], { device: 'webgpu' })).sum().backward();
  assert.equal([...(await w.grad!.read())], [1, 2, 3]);
  const onGpu = core.arange(6, { dtype: 'float32' }).reshape([2, 3]).to('webgpu');
  for (const name of ['zerosLike', 'onesLike', 'randLike', 'randnLike'] as const) {
    assert.is((core[name] as (t: core.Tensor, o?: object) => core.Tensor)(onGpu).device, 'webgpu', name);
    assert.is((core[name] as (t: core.Tensor, o?: object) => core.Tensor)(onGpu, { device: 'cpu' }).device, 'cpu', `${name} with device 'cpu'`);
  }
  assert.is(core.fullLike(onGpu, 2).device, 'webgpu');
  assert.throws(() => core.zeros(2, { device: 'webgpu', dtype: 'float64' }), /^zeros: a float64 tensor cannot live on 'webgpu': WGSL has no float64/);
  const flags = core.tensor([true, false], { device: 'webgpu' });
  assert.is(flags.dtype, 'bool');
  assert.equal([...(await flags.read())], [1, 0]);
});

run();

// The 'webgpu' device in Tensor (issue 17, phase 2) in headless Chromium's SwiftShader adapter: tensors moved with
// to('webgpu'), read back with read()/itemAsync(), ops routed to the WGSL kernels by the backend table, and backward
// on device tensors, each compared with the same computation on the CPU.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
import { run, test } from '../../../../scripts/browser/harness.js';

type Tensor = core.Tensor;
const tolerance = { atol: 1e-5, rtol: 1e-5 };

function throwsWith(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

/** Asserts that a device tensor holds the CPU tensor's values within the float32 tolerance, and its shape. */
async function agree(name: string, onDevice: Tensor, onCpu: Tensor): Promise<number> {
  assert.is(onDevice.device, 'webgpu', `${name}: device`);
  assert.equal([...onDevice.shape], [...onCpu.shape], `${name}: shape`);
  const values = await onDevice.read();
  let worst = 0;
  for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - onCpu.data[i]));
  try {
    core.assertClose(values, onCpu.data, tolerance);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  return worst;
}

test('before initWebGPU, to(\'webgpu\') says what to call', () => {
  throwsWith(() => core.tensor([1, 2]).to('webgpu'), /to: the 'webgpu' device is not initialized: call `await initWebGPU\(\)`/);
});

test('to / read / itemAsync / cpu on both devices; .data, item and tolist of a device tensor point to the async forms', async () => {
  await initWebGPU();
  const host = core.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.is(host.device, 'cpu');
  assert.is(host.to('cpu'), host);
  const x = host.to('webgpu');
  assert.is(x.device, 'webgpu');
  assert.is(x.to('webgpu'), x);
  assert.equal([...x.shape], [2, 3]);
  assert.is(x.dtype, 'float32');
  assert.is(x.numel(), 6);
  assert.equal([...(await x.read())], [1, 2, 3, 4, 5, 6]);
  assert.equal([...(await host.read())], [1, 2, 3, 4, 5, 6]);
  assert.equal((await x.cpu()).tolist(), [[1, 2, 3], [4, 5, 6]]);
  assert.is(await core.tensor(7).to('webgpu').itemAsync(), 7);
  assert.is(await core.tensor(7).itemAsync(), 7);
  const ints = core.tensor(Int32Array.from([3, -2])).to('webgpu');
  assert.is(ints.dtype, 'int32');
  assert.equal([...(await ints.read())], [3, -2]);
  throwsWith(() => x.data, /Tensor.data: this tensor lives on 'webgpu'.*use `await t.read\(\)`/);
  throwsWith(() => core.tensor(7).to('webgpu').item(), /item: this tensor lives on 'webgpu'.*`await t.itemAsync\(\)`/);
  throwsWith(() => x.tolist(), /tolist: this tensor lives on 'webgpu'/);
  throwsWith(() => x.to('cpu'), /to: a tensor on 'webgpu' comes back to the CPU asynchronously: use `await t.cpu\(\)`/);
  await (async () => {
    try {
      await x.itemAsync();
      assert.unreachable('itemAsync of 6 elements');
    } catch (err) {
      assert.match((err as Error).message, /itemAsync: only a tensor with one element/);
    }
  })();
  assert.match(String(x), /device='webgpu'/);
});

test('float64 tensors are refused on webgpu (bool ones move there); to(dtype) still converts', async () => {
  await initWebGPU();
  throwsWith(() => core.tensor([1, 2], { dtype: 'float64' }).to('webgpu'), /to: a float64 tensor cannot live on 'webgpu': WGSL has no float64/);
  assert.is(core.tensor([true, false]).to('webgpu').dtype, 'bool');
  assert.is(core.tensor([1, 2]).to('float64').dtype, 'float64');
  throwsWith(() => core.tensor([1, 2]).to('tpu' as 'cpu'), /to: .*tpu/);
});

test('mixing devices in one op names the op and both devices; a 0-d CPU scalar goes along', async () => {
  await initWebGPU();
  const a = core.tensor([1, 2, 3]).to('webgpu');
  throwsWith(() => core.add(a, core.tensor([1, 2, 3])), /add: expected all tensors on one device, got 'webgpu' \(argument 1\) and 'cpu' \(argument 2\)/);
  throwsWith(() => core.matmul(core.ones([2, 3]), core.ones([3, 2]).to('webgpu')), /matmul: expected all tensors on one device, got 'cpu' \(argument 1\) and 'webgpu' \(argument 2\)/);
  assert.equal([...(await a.mul(2).add(core.tensor(1)).read())], [3, 5, 7]);
});

test('ops route to the WGSL kernels: the results agree with the CPU; an entry without a kernel says so', async () => {
  await initWebGPU();
  core.manualSeed(17);
  const x = core.randn([5, 7]);
  const w = core.randn([7, 3]);
  const b = core.randn([3]);
  const onCpu = core.relu(core.add(core.matmul(x, w), b));
  const onGpu = core.relu(core.add(core.matmul(x.to('webgpu'), w.to('webgpu')), b.to('webgpu')));
  const worst = [
    await agree('relu(x @ w + b)', onGpu, onCpu),
    await agree('sum(dim 1)', onGpu.sum(1), onCpu.sum(1)),
    await agree('reshape + exp', onGpu.reshape([15]).exp(), onCpu.reshape([15]).exp()),
    await agree('logSoftmax', core.logSoftmax(onGpu, 1), core.logSoftmax(onCpu, 1)),
    await agree('div by a scalar', onGpu.div(3), onCpu.div(3)),
    await agree('sub, mul broadcast', onGpu.sub(b.to('webgpu')).mul(onGpu), onCpu.sub(b).mul(onCpu)),
  ];
  report(`routed ops: max |gpu - cpu| ${Math.max(...worst).toExponential(1)} (atol 1e-5, rtol 1e-5)`);
  throwsWith(() => core.oneHot(core.relu(onGpu).int()), /maxElement: this op needs the largest value of a tensor on 'webgpu' on the host/);
});

test('backward on device tensors: gradients agree with the CPU (gradient sums and leaf accumulation on the device)', async () => {
  await initWebGPU();
  core.manualSeed(5);
  const data = { x: core.randn([4, 6]), w1: core.randn([6, 5]), w2: core.randn([5, 3]) };
  const forward = (x: Tensor, w1: Tensor, w2: Tensor): Tensor => {
    const h = core.relu(core.matmul(x, w1));
    // h is used twice, so its gradient is a sum of two on the tape
    return core.add(core.matmul(h, w2).tanh().sum(), h.mul(h).mean());
  };
  const leaves = (device: core.Device) => {
    const w1 = data.w1.detach().to(device);
    const w2 = data.w2.detach().to(device);
    w1.requiresGrad = true;
    w2.requiresGrad = true;
    return { x: data.x.to(device), w1, w2 };
  };
  const c = leaves('cpu');
  const g = leaves('webgpu');
  for (let step = 0; step < 2; step++) { // the second backward accumulates into .grad
    forward(c.x, c.w1, c.w2).backward();
    const loss = forward(g.x, g.w1, g.w2);
    assert.is(loss.device, 'webgpu');
    loss.backward();
  }
  const worst = [await agree('w1.grad', g.w1.grad!, c.w1.grad!), await agree('w2.grad', g.w2.grad!, c.w2.grad!)];
  report(`backward (two accumulated): max |gpu - cpu| ${Math.max(...worst).toExponential(1)} (atol 1e-5, rtol 1e-5)`);
});

test('dispose() returns a device tensor\'s buffer to the pool at once; a read afterwards says it was released', async () => {
  const context = await initWebGPU();
  const x = core.tensor([1, 2, 3]).to('webgpu');
  const view = x.reshape([3, 1]);
  await x.read();
  const held = context.memory().inUse;
  x.dispose();
  assert.is(context.memory().inUse, held - 1);
  x.dispose(); // once only
  view.dispose();
  assert.is(context.memory().inUse, held - 1);
  try {
    await view.read();
    assert.unreachable('a released buffer was read');
  } catch (err) {
    assert.match((err as Error).message, /read: this device tensor was released/);
  }
  core.tensor([1]).dispose(); // nothing on the CPU
});

function report(line: string): void {
  console.log(`report: webgpu-device ${line}`);
}

await run();

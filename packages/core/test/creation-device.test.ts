import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { creationCalls as makers } from './fixtures/creation-calls.js';

// The `device` option of the creation functions, on the CPU (test/browser/webgpu-creation.browser.ts runs them on
// 'webgpu'): every function takes it, 'cpu' changes nothing, an unknown device or key is an error naming the function.

test("every creation function takes { device: 'cpu' }: the same tensor as without it", () => {
  for (const [name, make] of Object.entries(makers)) {
    const plain = make({});
    const placed = make({ device: 'cpu' });
    assert.is(placed.device, 'cpu', name);
    assert.equal(placed.tolist(), plain.tolist(), name);
    assert.is(placed.dtype, plain.dtype, name);
    assert.ok(make({ device: 'cpu', requiresGrad: true, dtype: 'float32' }).requiresGrad, `${name} with requiresGrad`);
  }
});

test("'cuda', another device or a misspelt key is an error naming the function and the devices torchlet has", () => {
  for (const [name, make] of Object.entries(makers)) {
    assert.throws(() => make({ device: 'cuda' }), new RegExp(`^${name}: unknown device 'cuda': torchlet has 'cpu' and 'webgpu' \\(no CUDA: use 'webgpu' for the GPU\\)`), name);
    assert.throws(() => make({ device: 'tpu' }), new RegExp(`^${name}: unknown device 'tpu': torchlet has 'cpu' and 'webgpu'$`), name);
    assert.throws(() => make({ devcie: 'cpu' }), new RegExp(`^${name}: unknown option "devcie".*did you mean "device"\\?`), name);
  }
  assert.throws(() => core.zeros(2, { device: 3 } as never), /zeros: unknown device 3: torchlet has 'cpu' and 'webgpu'/);
});

test.run();

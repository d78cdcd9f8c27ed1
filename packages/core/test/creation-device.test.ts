import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';

// The `device` option of the creation functions, on the CPU (test/browser/webgpu-creation.browser.ts runs them on
// 'webgpu'): every function takes it, 'cpu' changes nothing, an unknown device or key is an error naming the function.

type Make = (options: object) => core.Tensor;
const like = core.arange(6, { dtype: 'float32' }).reshape([2, 3]);
const makers: Record<string, Make> = {
  tensor: (o) => core.tensor([[1, 2], [3, 4]], o),
  empty: (o) => core.empty([2, 3], o),
  zeros: (o) => core.zeros(2, 3, o),
  ones: (o) => core.ones([2, 3], o),
  full: (o) => core.full([2, 3], 7, o),
  eye: (o) => core.eye(2, 3, o),
  arange: (o) => core.arange(1, 7, 2, o),
  linspace: (o) => core.linspace(0, 1, 5, o),
  rand: (o) => core.rand([2, 3], { generator: new core.Generator(1), ...o }),
  randn: (o) => core.randn(2, 3, { generator: new core.Generator(1), ...o }),
  randint: (o) => core.randint(0, 9, [2, 3], { generator: new core.Generator(1), ...o }),
  zerosLike: (o) => core.zerosLike(like, o),
  onesLike: (o) => core.onesLike(like, o),
  fullLike: (o) => core.fullLike(like, 3, o),
  randLike: (o) => core.randLike(like, { generator: new core.Generator(1), ...o }),
  randnLike: (o) => core.randnLike(like, { generator: new core.Generator(1), ...o }),
};

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

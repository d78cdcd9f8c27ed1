import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@torchlet/core';
import * as kernels from '../src/kernels/backend.js';

// The backend table's factory entries (no tensor argument) take the device last (issue 17): with 'cpu', given or
// left out, each makes the same CPU tensor of the values below. (Their 'webgpu' routing runs in
// test/browser/webgpu-factory.browser.ts, on a real adapter.)

/** A draw sequence the seeded entries can share: 0, 0.1, ..., 0.9, 0, ... */
function draws(): () => number {
  let i = 0;
  return () => (i++ % 10) / 10;
}

function values(t: Tensor): { device: string; dtype: string; shape: number[]; data: number[] } {
  assert.instance(t, Tensor);
  return { device: t.device, dtype: t.dtype, shape: [...t.shape], data: [...t.data] };
}

const cases: readonly { name: string; make: (device?: 'cpu') => Tensor; expected: ReturnType<typeof values> }[] = [
  { name: 'full', make: (d) => kernels.full([2, 2], -1.5, 'float32', d), expected: { device: 'cpu', dtype: 'float32', shape: [2, 2], data: [-1.5, -1.5, -1.5, -1.5] } },
  { name: 'full bool', make: (d) => kernels.full([3], 2, 'bool', d), expected: { device: 'cpu', dtype: 'bool', shape: [3], data: [1, 1, 1] } },
  { name: 'range', make: (d) => kernels.range(4, 3, -2, 'int32', d), expected: { device: 'cpu', dtype: 'int32', shape: [3], data: [4, 2, 0] } },
  { name: 'cyclicRange', make: (d) => kernels.cyclicRange(4, -1, 1, d), expected: { device: 'cpu', dtype: 'int32', shape: [4], data: [3, 0, 1, 2] } },
  {
    name: 'triangleMask',
    make: (d) => kernels.triangleMask(2, 3, 1, true, 'float32', d),
    expected: { device: 'cpu', dtype: 'float32', shape: [2, 3], data: [0, 1, 1, 0, 0, 1] },
  },
  { name: 'lowerTriangleMask', make: (d) => kernels.lowerTriangleMask(2, 3, d), expected: { device: 'cpu', dtype: 'int32', shape: [2, 3], data: [1, 0, 0, 1, 1, 0] } },
  // Fisher-Yates with draws 0, 0.1, 0.2: swap(3, 0), swap(2, 0), swap(1, 0)
  { name: 'randperm', make: (d) => kernels.randperm(4, 'int32', draws(), d), expected: { device: 'cpu', dtype: 'int32', shape: [4], data: [1, 2, 3, 0] } },
  // keep 0.5: a draw below 0.5 keeps (value 2), the rest drop
  {
    name: 'dropoutMask',
    make: (d) => kernels.dropoutMask(7, 'float32', 0.5, draws(), d),
    expected: { device: 'cpu', dtype: 'float32', shape: [7], data: [2, 2, 2, 2, 2, 0, 0] },
  },
];

for (const { name, make, expected } of cases) {
  test(`${name}: the same CPU tensor with the device left out or 'cpu'`, () => {
    assert.equal(values(make()), expected, 'device left out');
    assert.equal(values(make('cpu')), expected, "device 'cpu'");
  });
}

test.run();

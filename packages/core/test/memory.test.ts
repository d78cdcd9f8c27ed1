import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Tensor, randn } from '@torchlet/core';

const inputsOf = (t: Tensor): number => t._node!.inputs.filter((i) => i !== null).length;

// What a freed graph holds (the CPU side of issue 17's memory with no ceremony; the device side runs in
// test/browser/webgpu-memory.browser.ts): after a backward without retainGraph a node keeps neither its saved values
// nor its inputs, so a tensor the user keeps (a loss in a list) does not keep its step's activations alive.

test('a node freed by backward drops its inputs; under retainGraph it keeps them for the second walk', () => {
  const x = randn([3, 4], { requiresGrad: true });
  const h = x.mul(2);
  const loss = h.relu().sum();
  assert.is(inputsOf(loss), 1);
  loss.backward();
  assert.is(inputsOf(loss), 0, 'the root node');
  assert.is(inputsOf(h), 0, 'an inner node');
  assert.throws(() => loss.backward(), /sum: trying to backward through the graph a second time, but its saved values were freed/);
  const kept = x.mul(3).sum();
  kept.backward(undefined, { retainGraph: true });
  assert.is(inputsOf(kept), 1);
  kept.backward();
  const expected = [...x.data].map((v) => (v > 0 ? 2 : 0) + 6);
  assert.equal([...x.grad!.data], expected, 'relu(2x).sum() once, 3x.sum() twice through the retained graph');
});

test.run();

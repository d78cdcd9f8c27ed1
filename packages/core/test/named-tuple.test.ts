// max(x, dim) and min(x, dim) return PyTorch's named tuple (values, indices): an array that destructures and also has
// .values and .indices (issue 10). sort and topk (branch math) return the same type, made by valuesIndices.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ValuesIndices, max, min, tensor } from '@torchlet/core';
import { valuesIndices } from '../src/ops/named-tuple.js';

const x = () => tensor([[1, 5, 2], [7, 0, 7]]);

test('const [values, indices] = max(x, 1) and .values / .indices name the same tensors', () => {
  const result = max(x(), 1);
  const [values, indices] = result;
  assert.is(values, result.values);
  assert.is(indices, result.indices);
  assert.equal(values.tolist(), [5, 7]);
  assert.equal(indices.tolist(), [1, 0]);
  assert.is(indices.dtype, 'int32');
  const [lo, at] = min(x(), 0, true);
  assert.equal(lo.tolist(), [[1, 0, 2]]);
  assert.equal(at.tolist(), [[0, 1, 0]]);
  const viaMethod = x().max({ dim: 1, keepdim: true });
  assert.equal(viaMethod.values.shape, [2, 1]);
  assert.equal(viaMethod[1].tolist(), [[1], [0]]);
});

test('it is an array of two: length, iteration and spreading see the pair; it is frozen, as a tuple', () => {
  const result: ValuesIndices = max(x(), 1);
  assert.ok(Array.isArray(result));
  assert.is(result.length, 2);
  assert.equal([...result].length, 2);
  assert.equal(Object.keys(result), ['0', '1']);
  assert.ok(Object.isFrozen(result));
  assert.throws(() => { (result as unknown as { values: unknown }).values = null; }, TypeError);
});

test('the gradient flows through the destructured values', () => {
  const leaf = tensor([[1, 5, 2], [7, 0, 3]], { requiresGrad: true });
  const [values] = max(leaf, 1);
  values.sum().backward();
  assert.equal(leaf.grad!.tolist(), [[0, 1, 0], [1, 0, 0]]);
});

test('valuesIndices makes the same shape of result for other ops', () => {
  const v = tensor([3, 1]);
  const i = tensor([0, 1], { dtype: 'int32' });
  const pair = valuesIndices(v, i);
  const [a, b] = pair;
  assert.is(a, v);
  assert.is(b, i);
  assert.is(pair.values, v);
  assert.is(pair.indices, i);
});

test.run();

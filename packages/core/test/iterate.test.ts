import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, arange, tensor } from '@torchlet/core';

test('a tensor iterates over its first dimension: for...of and spread give its rows', () => {
  const t = arange(6).reshape([3, 2]);
  const rows: number[][] = [];
  for (const row of t) rows.push(row.tolist() as number[]);
  assert.equal(rows, [[0, 1], [2, 3], [4, 5]]);
  const spread = [...tensor([7, 8])];
  assert.ok(spread.every((s) => s instanceof Tensor && s.ndim === 0));
  assert.equal(spread.map((s) => s.item()), [7, 8]);
  assert.equal([...arange(0)], []);
});

test('rows keep the gradient path to the tensor they came from', () => {
  const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const [first, second] = x;
  first.mul(2).add(second).sum().backward();
  assert.equal(x.grad?.tolist(), [[2, 2], [1, 1]]);
});

test('iterating a 0-d tensor is an error, as in PyTorch', () => {
  assert.throws(() => [...tensor(3)], /iteration over a 0-d tensor/);
});

test.run();

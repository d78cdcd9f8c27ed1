// torch.add / torch.sub's keyword-only alpha (issue 10): add(x, y, { alpha }) is x + alpha·y, with gradients, in
// functions and methods; a positional alpha is refused. Reference values from PyTorch 1.13 (float64):
//   a = torch.add(x, y, alpha=2.5); s = torch.sub(x, y, alpha=-3); (a.sum() + (s * s).sum()).backward()
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { add, gradcheck, randn, sub, tensor } from '@torchlet/core';

const f64 = (data: number[] | number[][]) => tensor(data, { dtype: 'float64' });
const close = (actual: number[], expected: number[]) => actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `${i}: ${v} vs ${expected[i]}`));

test('add/sub with alpha match PyTorch, values and gradients', () => {
  const x = f64([[1.5, -2.0, 3.25], [0.1, 0.2, 0.3]]);
  const y = f64([0.5, -1.0, 2.0]);
  x.requiresGrad = true;
  y.requiresGrad = true;
  const a = add(x, y, { alpha: 2.5 });
  const s = sub(x, y, { alpha: -3 });
  close(Array.from(a.data), [2.75, -4.5, 8.25, 1.35, -2.3, 5.3]);
  close(Array.from(s.data), [3.0, -5.0, 9.25, 1.6, -2.8, 6.3]);
  a.sum().add(s.mul(s).sum()).backward();
  close(Array.from(x.grad!.data), [7.0, -9.0, 19.5, 4.2, -4.6, 13.6]);
  close(Array.from(y.grad!.data), [32.6, -41.8, 98.3]);
});

test('alpha is gradchecked, and the methods honour it as the functions do', () => {
  gradcheck((p, q) => add(p, q, { alpha: -1.75 }), [randn([2, 3], { dtype: 'float64', requiresGrad: true }), randn([3], { dtype: 'float64', requiresGrad: true })]);
  gradcheck((p, q) => sub(p, q, { alpha: 0.5 }), [randn([2, 3], { dtype: 'float64', requiresGrad: true }), randn([2, 1], { dtype: 'float64', requiresGrad: true })]);
  const x = tensor([1, 2]);
  assert.equal(x.add(tensor([1, 1]), { alpha: 2 }).tolist(), [3, 4]);
  assert.equal(x.sub(3, { alpha: 2 }).tolist(), [-5, -4]);
  assert.equal(add(3, x, { alpha: 2 }).tolist(), [5, 7]);
  assert.equal(add(x, tensor([1, 1]), {}).tolist(), [2, 3]);
  assert.equal(add(tensor([1.0, 2.0]), 3, { alpha: 2 }).tolist(), [7, 8]); // PyTorch: tensor([7., 8.])
});

test('int32 takes an integer alpha (PyTorch: [10, 14]); a fractional one, a positional one or a typo is refused', () => {
  const i = tensor([1, 2], { dtype: 'int32' });
  const r = add(i, tensor([3, 4], { dtype: 'int32' }), { alpha: 3 });
  assert.is(r.dtype, 'int32');
  assert.equal(r.tolist(), [10, 14]);
  assert.throws(() => add(i, i, { alpha: 0.5 }), /add: for int32 operands alpha must be an integer, got 0\.5/);
  assert.throws(() => (add as (...a: unknown[]) => unknown)(i, i, 2), /add: alpha is keyword-only, as in torch\.add: write add\(input, other, \{ alpha \}\)/);
  assert.throws(() => (sub as (...a: unknown[]) => unknown)(i, i, 2), /sub: alpha is keyword-only/);
  assert.throws(() => add(i, i, { alhpa: 2 } as never), /add: unknown option "alhpa" \(expected "alpha"\): did you mean "alpha"\?/);
  assert.throws(() => add(i, i, { alpha: 'two' } as never), /add: alpha must be a number, got two/);
  assert.throws(() => (i.add as (...a: unknown[]) => unknown)(i, 2), /add: alpha is keyword-only/);
  // bool: PyTorch stores alpha·other as bool, so a nonzero alpha leaves other as it is
  const t = tensor([true, false]);
  assert.equal(Array.from(add(tensor([false, false]), t, { alpha: 2 }).data), [1, 0]);
  assert.equal(Array.from(add(tensor([false, false]), t, { alpha: 0 }).data), [0, 0]);
});

test.run();

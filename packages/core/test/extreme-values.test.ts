import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, div, gradcheck, linear, mul, mul_, noGrad, randn, relu, tensor, zeros } from '@torchlet/core';

// Issue 11: valid but extreme input gives PyTorch's answer (expected values from PyTorch 1.13's semantics).

test('int32 mul wraps exactly as 32-bit integers (Math.imul), elementwise, broadcast and in place', () => {
  const a = tensor([2147483647, 123456789, -7, 65536], { dtype: 'int32' });
  const b = tensor([2147483647, 987654321, 3, 65536], { dtype: 'int32' });
  // (2^31 - 1)^2 = 2^62 - 2^32 + 1 ≡ 1; 123456789·987654321 ≡ -67153019; 2^32 ≡ 0 (mod 2^32, signed)
  assert.equal(Array.from(mul(a, b).data), [1, -67153019, -21, 0]);
  assert.equal(mul(a, b).dtype, 'int32');
  // a broadcast operand takes the same loop with a stride of 0
  assert.equal(Array.from(mul(tensor([[123456789]], { dtype: 'int32' }), tensor([987654321, 2], { dtype: 'int32' })).data), [-67153019, 246913578]);
  assert.equal(Array.from(mul(tensor([2147483647], { dtype: 'int32' }), 2147483647).data), [1]);
  const c = tensor([123456789, 2147483647], { dtype: 'int32' });
  noGrad(() => mul_(c, tensor([987654321, 2147483647], { dtype: 'int32' })));
  assert.equal(Array.from(c.data), [-67153019, 1]);
  const d = tensor([123456789, -2], { dtype: 'int32' });
  mul_(d, 987654321);
  assert.equal(Array.from(d.data), [-67153019, -1975308642]);
  // float products are untouched
  assert.equal(Array.from(mul(tensor([1.5, -2], { dtype: 'float64' }), 3).data), [4.5, -6]);
});

test("div's divisor gradient is -g·(a/b)/b, finite where b·b would overflow or underflow", () => {
  const grads = (a: number, b: number, dtype: 'float32' | 'float64') => {
    const x = tensor([a], { dtype, requiresGrad: true });
    const y = tensor([b], { dtype, requiresGrad: true });
    div(x, y).sum().backward();
    return [x.grad!.data[0], y.grad!.data[0]];
  };
  const [, g32] = grads(1e-25, 1e-25, 'float32');
  assert.ok(Math.abs(g32 / -1e25 - 1) < 1e-6, `float32 1e-25 / 1e-25: divisor gradient ${g32}, expected -1e25`);
  const [, g20] = grads(1e20, 1e20, 'float32');
  const b20 = Math.fround(1e20);
  assert.ok(g20 !== 0 && Math.abs(g20 / (-1 / b20) - 1) < 1e-6, `float32 1e20 / 1e20: divisor gradient ${g20}, expected ${-1 / b20}`);
  const [ga, g200] = grads(1e-200, 1e-200, 'float64');
  assert.is(g200, -1e200);
  assert.is(ga, 1e200);
  // still the right gradient everywhere else, broadcasting included
  const x = randn([3, 4], { dtype: 'float64', requiresGrad: true });
  const y = randn([4], { dtype: 'float64' }).abs().add(0.5);
  y.requiresGrad = true;
  assert.ok(gradcheck((p, q) => div(p, q), [x, y]));
});

test('linear with 0 input features returns the bias broadcast, and the bias gradient counts the rows', () => {
  const x = zeros([2, 0], { requiresGrad: true });
  const w = zeros([3, 0], { requiresGrad: true });
  const b = tensor([1, 2, 3], { requiresGrad: true });
  const y = linear(x, w, b);
  assert.equal(y.shape, [2, 3]);
  assert.equal(y.tolist(), [[1, 2, 3], [1, 2, 3]]);
  y.sum().backward();
  assert.equal(Array.from(b.grad!.data), [2, 2, 2]);
  assert.equal(w.grad!.shape, [3, 0]);
  assert.equal(x.grad!.shape, [2, 0]);
  // without a bias: zeros of the output shape
  assert.equal(linear(zeros([4, 0]), zeros([2, 0])).tolist(), [[0, 0], [0, 0], [0, 0], [0, 0]]);
  assert.ok(y instanceof Tensor);
});

test("relu's gradient passes g at NaN and is 0 at x <= 0, in the plain, bit-pattern and wasm sizes alike", () => {
  // 5 elements take the plain loop, 300 the float32 bit loop, 5000 the wasm kernel (under the wasm backend)
  for (const n of [5, 300, 5000]) {
    for (const dtype of ['float32', 'float64'] as const) {
      const values = Array.from({ length: n }, (_, i) => [NaN, -1, 0, -0, 2, -Infinity, Infinity][i % 7]);
      const x = tensor(values, { dtype, requiresGrad: true });
      relu(x).backward(tensor(values.map(() => 3), { dtype }));
      const expected = values.map((v) => (v <= 0 ? 0 : 3)); // NaN <= 0 is false: NaN passes, as PyTorch's threshold_backward
      assert.equal(Array.from(x.grad!.data), expected, `${dtype}, ${n} elements`);
    }
  }
});

test.run();

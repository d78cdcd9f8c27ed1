import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mul, mul_, noGrad, tensor } from '@torchlet/core';

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

test.run();

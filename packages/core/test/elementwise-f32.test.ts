import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, Tensor, add, mul, sub } from '@torchlet/core';
// The kernels are not part of the public API, so they are imported from their source files.
import { addInto, binaryBroadcast } from '../src/kernels/elementwise.js';
import { addIntoF32, binarySameShapeF32 } from '../src/kernels/elementwise-f32.js';

const gen = new Generator(41);
const specials = [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38, 1, -1];

/** n float32 values: the special ones first, then random reals of very different magnitudes. */
function values(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = i < specials.length ? specials[(i * 7) % specials.length] : gen.normal() * 10 ** Math.floor(gen.random() * 12 - 6);
  return a;
}

const sameBits = (label: string, a: Float32Array, b: Float32Array): void => {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${label} differs at ${i}: ${a[i]} vs ${b[i]}`);
};

test('float32 same-shape add, sub, mul and += have the bits of the shared loops, special values included', () => {
  for (const n of [0, 1, 5, 17, 1000]) {
    const a = values(n);
    const b = values(n).reverse();
    for (const op of ['add', 'sub', 'mul'] as const) {
      const fast = new Float32Array(n);
      const loop = new Float32Array(n);
      assert.ok(binarySameShapeF32(op, a, b, fast));
      binaryBroadcast(op, a, [n], b, [n], loop, [n]);
      sameBits(`${op} of ${n}`, fast, loop);
    }
    const fast = Float32Array.from(a);
    const loop = Float32Array.from(a);
    addIntoF32(fast, b);
    addInto(loop, b);
    sameBits(`+= of ${n}`, fast, loop);
  }
  assert.not.ok(binarySameShapeF32('div', new Float32Array(1), new Float32Array(1), new Float32Array(1)), 'other ops are left to the shared loop');
});

test('add, sub, mul (ops) of float32 tensors: same shape, broadcast and mixed dtypes agree with the definition', () => {
  const a = new Tensor(values(24), [2, 3, 4]);
  const b = new Tensor(values(24).reverse(), [2, 3, 4]);
  const row = new Tensor(values(4), [4]);
  for (const [name, f, ref] of [['add', add, (x: number, y: number) => x + y], ['sub', sub, (x: number, y: number) => x - y], ['mul', mul, (x: number, y: number) => x * y]] as const) {
    const same = f(a, b);
    const broad = f(a, row);
    const mixed = f(a, b.double());
    for (let i = 0; i < 24; i++) {
      assert.ok(Object.is(same.data[i], Math.fround(ref(a.data[i], b.data[i]))), `${name} same shape at ${i}`);
      assert.ok(Object.is(broad.data[i], Math.fround(ref(a.data[i], row.data[i % 4]))), `${name} broadcast at ${i}`);
      assert.ok(Object.is(mixed.data[i], ref(a.data[i], b.data[i])), `${name} float32 with float64 at ${i}`);
    }
    assert.is(mixed.dtype, 'float64');
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getBackend, setBackend, randn, conv2d, matmul, manualSeed, assertClose } from '@torchlet/core';

test('the backend follows TORCHLET_BACKEND and can be switched; both give the same products', () => {
  const initial = getBackend();
  assert.is(initial, process.env.TORCHLET_BACKEND === 'js' ? 'js' : 'wasm');
  manualSeed(3);
  const x = randn([4, 3, 12, 12]);
  const w = randn([8, 3, 3, 3]);
  const a = randn([33, 70]);
  const b = randn([70, 21]);
  const results = (['js', 'wasm'] as const).map((backend) => {
    setBackend(backend);
    assert.is(getBackend(), backend);
    return [conv2d(x, w, null, { padding: 1 }), matmul(a, b)];
  });
  setBackend(initial);
  assertClose(results[0][0], results[1][0], { atol: 1e-4, rtol: 1e-5 });
  assertClose(results[0][1], results[1][1], { atol: 1e-4, rtol: 1e-5 });
  assert.throws(() => setBackend('gpu' as never), /setBackend: expected 'js' or 'wasm', got "gpu"/);
});

test.run();

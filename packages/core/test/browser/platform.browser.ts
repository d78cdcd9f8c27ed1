// On a cross-origin isolated page's main thread: the wasm kernels run, but the pool stays at one thread (a page's main
// thread may not wait in Atomics.wait) and says so.
import * as assert from 'uvu/assert';
import { captureWarnings, run, test } from '../../../../scripts/browser/harness.js';

const warnings = captureWarnings();
// Imported after the hook: the pool decides its thread count, and warns, when it loads.
const core = await import('@torchlet/core');

test('the page is cross-origin isolated, and the main thread runs on one thread with a warning that says why', () => {
  assert.is(crossOriginIsolated, true);
  assert.is(core.getNumThreads(), 1);
  core.setNumThreads(2); // warns here if the default was 1 already (one core), else it warned at load
  assert.is(core.getNumThreads(), 1, 'setNumThreads cannot give the main thread workers');
  core.setNumThreads(3);
  assert.is(warnings.length, 1, `one warning per reason: ${warnings.join('\n')}`);
  assert.match(warnings[0], /running on 1 thread, not \d: this is a page's main thread, where Atomics.wait is not allowed; run torchlet inside a Worker/);
});

test('the wasm kernels run in the page and agree with the TypeScript reference', () => {
  assert.is(core.getBackend(), 'wasm');
  core.manualSeed(3);
  const a = core.randn([70, 90]);
  const b = core.randn([90, 50]);
  const x = core.randn([4, 3, 12, 12]);
  const w = core.randn([5, 3, 3, 3]);
  const fast = [core.matmul(a, b), core.relu(core.conv2d(x, w, null, { padding: 1 }))];
  core.setBackend('js');
  try {
    const reference = [core.matmul(a, b), core.relu(core.conv2d(x, w, null, { padding: 1 }))];
    for (let i = 0; i < fast.length; i++) core.assertClose(fast[i], reference[i], { atol: 1e-4, rtol: 1e-4 });
  } finally {
    core.setBackend('wasm');
  }
});

test('creation functions refuse impossible sizes in the browser too', () => {
  assert.throws(() => core.zeros([1e6, 1e6]), /^zeros: shape \[1000000, 1000000\] has 1000000000000 elements, more than the limit of 2147483647/);
});

await run();

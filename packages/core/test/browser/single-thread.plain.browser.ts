// On a page that is not cross-origin isolated: one thread, a warning naming the headers to set, and training works.
import * as assert from 'uvu/assert';
import { captureWarnings, run, test } from '../../../../scripts/browser/harness.js';

const warnings = captureWarnings();
const core = await import('@torchlet/core');

test('without COOP/COEP the pool runs one thread and the warning names both headers', () => {
  assert.is(crossOriginIsolated, false);
  assert.is(core.getNumThreads(), 1);
  core.setNumThreads(3); // warns here if the default was 1 already (one core), else it warned at load
  assert.is(core.getNumThreads(), 1);
  assert.is(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /not cross-origin isolated/);
  assert.match(warnings[0], /Cross-Origin-Opener-Policy: same-origin/);
  assert.match(warnings[0], /Cross-Origin-Embedder-Policy: require-corp/);
});

test('a linear model trains on one thread with the wasm kernels', () => {
  assert.is(core.getBackend(), 'wasm');
  core.manualSeed(1);
  const x = core.randn([256, 64]);
  const y = x.matmul(core.randn([64, 1]));
  const w = core.zeros([64, 1], { requiresGrad: true });
  const loss = () => core.mseLoss(x.matmul(w), y);
  const first = loss().item();
  for (let i = 0; i < 100; i++) {
    const l = loss();
    w.grad = null;
    l.backward();
    core.noGrad(() => core.sub_(w, core.mul(w.grad!, 0.1)));
  }
  assert.ok(loss().item() < first / 10, `loss ${first} -> ${loss().item()}`);
});

await run();

// The same seed gives the same numbers in Node and in Chromium: LeNet-5 trained for 30 steps on 2 threads in both
// (the same wasm kernels: both run the SIMD128 gemm, see preferGemmBuild; the relaxed-SIMD build that Chromium picks
// by default is checked against SIMD128 in packages/core/test/wasm-gemm-builds.test.ts), losses and a hash of the
// weights compared bit for bit.
import * as assert from 'uvu/assert';
import { nodeReference, run, runWorker, test } from '../../../scripts/browser/harness.js';
import type { StepsReport } from './lenet-steps.js';

const settings = { steps: 30, batch: 64, threads: 2, lr: 0.01 };

test('LeNet-5, 30 seeded steps on 2 threads: Chromium and Node give the same losses and weights, bit for bit', async () => {
  const browser = await runWorker<StepsReport>('lenet.worker', settings);
  const node = await nodeReference<StepsReport>('examples/lenet', settings);
  for (const report of [browser, node]) {
    assert.is(report.threads, 2);
    assert.is(report.backend, 'wasm');
    assert.is(report.gemmBuild, 'simd128');
    assert.ok(report.workerChunks > 0, 'the second thread took part');
    assert.is(report.losses.length, settings.steps);
  }
  assert.ok(browser.losses.every(Number.isFinite), 'finite losses');
  assert.equal(browser.losses, node.losses);
  assert.is(browser.weightsHash, node.weightsHash);
  const last = browser.losses[settings.steps - 1];
  console.log(`report: LeNet-5, ${settings.steps} steps on 2 threads: every loss (last ${last}) and the weights (FNV-1a ${browser.weightsHash}) identical in Chromium and Node; worker chunks ${browser.workerChunks} / ${node.workerChunks}`);
});

await run();

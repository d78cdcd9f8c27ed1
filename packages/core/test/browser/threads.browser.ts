// Inside a Worker of a cross-origin isolated page: the kernel pool runs on Web Workers over the shared memory.
import * as assert from 'uvu/assert';
import { run, runWorker, test } from '../../../../scripts/browser/harness.js';
import type { ThreadsReport } from './threads.worker.js';

test('in a Worker, products and conv2d split across 2 threads give the bits of 1 thread', async () => {
  const report = await runWorker<ThreadsReport>('threads.worker', null);
  assert.is(report.numThreads, 2);
  assert.is(report.ready, 2, 'the pool worker started from the inlined Blob URL');
  assert.ok(report.workerChunks > 0, 'the pool worker computed chunks');
  assert.equal(report.warnings, []);
  assert.ok(report.sameBits, 'split results equal one-thread results bit for bit');
  assert.is(report.afterOne, 1);
});

await run();

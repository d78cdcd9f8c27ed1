import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { platform } from '../src/platform/index.js';

/** Runs `code` in a fresh Node with the pool and the wasm gemm loaded, after `prelude`; returns its output. */
function run(prelude: string, code: string): { stdout: string; stderr: string } {
  const pool = new URL('../src/kernels/wasm/pool.ts', import.meta.url).href;
  const gemm = new URL('../src/kernels/wasm/gemm.ts', import.meta.url).href;
  const script = `${prelude}; const pool = await import(${JSON.stringify(pool)}); const wasm = await import(${JSON.stringify(gemm)}); ${code}`;
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TORCHLET_NUM_THREADS: '2' },
    encoding: 'utf8',
  });
  return { stdout: r.stdout, stderr: r.stderr };
}

const product = `const a = new Float32Array(512 * 512).fill(1); const c = new Float32Array(512 * 512);
  const before = pool.workerChunks(); wasm.gemmWasm(false, false, 512, 512, 512, a, 0, a, 0, c, 0, false);`;

test('Node is detected as the platform, with TORCHLET_NUM_THREADS from process.env and threads available', () => {
  assert.is(platform.name, 'node');
  assert.is(platform.threadsUnavailable(), null);
  assert.is(platform.env('TORCHLET_BACKEND'), process.env.TORCHLET_BACKEND);
});

test('without process.getBuiltinModule (Node < 20.16) the pool loads worker_threads by a dynamic import and still splits', () => {
  const r = run('delete process.getBuiltinModule', `console.log(await pool.threadsReady()); ${product} console.log(pool.workerChunks() > before, c[0]);`);
  assert.is(r.stdout.trim(), '2\ntrue 512', r.stderr);
});

test('a worker stopped while node:worker_threads is still loading never runs, and the pool stays usable', () => {
  const r = run(
    'delete process.getBuiltinModule',
    `console.log(pool.availableThreads()); pool.setNumThreads(1); pool.setNumThreads(2); console.log(await pool.threadsReady()); ${product} console.log(pool.workerChunks() > before);`,
  );
  assert.is(r.stdout.trim(), '1\n2\ntrue', r.stderr);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// The loader is not part of the public API, so it is imported from its source file.
import { gemmBuild, gemmModuleBytes, wasmAvailable } from '../src/kernels/wasm/loader.js';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const root = fileURLToPath(new URL('../../..', import.meta.url));
const loaderUrl = new URL('../src/kernels/wasm/loader.ts', import.meta.url).href;

/** Runs an ES module snippet in a fresh Node with relaxed SIMD switched on; its exit status, stdout and stderr. */
function withRelaxedSimd(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // No colours: the suites run in the child compare printed output.
  const env: Record<string, string | undefined> = { ...process.env, TORCHLET_BACKEND: 'wasm', NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [RELAXED_FLAG, '--conditions=source', '--import', 'tsx', ...args], { cwd: root, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Both builds of the gemm module on one shared memory, the same products (every transpose; odd sizes; depths across
 * the 256-deep blocks), each against a float64 sum: prints the largest error of each build and the largest difference
 * between them, in units of u·Σ|terms|, and whether they differ at all (they do where the fused multiply-add runs).
 */
const compareBuilds = `
const { gemmModuleBytes, instantiateGemm, workspaceAddress, alignUp } = await import(${JSON.stringify(loaderUrl)});
const memory = new WebAssembly.Memory({ initial: 256, maximum: 32768, shared: true });
const builds = ['simd128', 'relaxed-simd'].map((b) => instantiateGemm(new WebAssembly.Module(gemmModuleBytes(b)), memory));
const work = workspaceAddress(builds[0], 0);
const a = alignUp(workspaceAddress(builds[0], 1)), b = a + (1 << 20), c = [b + (1 << 20), b + (2 << 20)];
const heap = new Float32Array(memory.buffer);
let seed = 1;
const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
let worst = [0, 0], apart = 0, differ = false;
for (const [M, N, K] of [[1, 1, 1], [3, 17, 5], [17, 3, 300], [16, 100, 144], [144, 40, 16], [5, 9, 600]]) {
  for (const [tA, tB] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
    for (let i = 0; i < M * K; i++) heap[a / 4 + i] = next();
    for (let i = 0; i < K * N; i++) heap[b / 4 + i] = next();
    builds.forEach((x, i) => x.gemmF32(tA, tB, M, N, K, a, tA ? M : K, b, tB ? K : N, c[i], N, 0, work));
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0, abs = 0;
      for (let k = 0; k < K; k++) {
        const p = heap[a / 4 + (tA ? k * M + i : i * K + k)] * heap[b / 4 + (tB ? j * K + k : k * N + j)];
        s += p; abs += Math.abs(p);
      }
      const unit = 2 ** -24 * abs;
      const got = c.map((at) => heap[at / 4 + i * N + j]);
      got.forEach((g, w) => (worst[w] = Math.max(worst[w], Math.abs(g - s) / unit)));
      apart = Math.max(apart, Math.abs(got[0] - got[1]) / unit);
      differ ||= got[0] !== got[1];
    }
  }
}
console.log(JSON.stringify({ worst, apart, differ }));
`;

if (wasmAvailable()) {
  test('the loader runs the relaxed-SIMD gemm where the engine validates it, else the SIMD128 one', () => {
    const expected = WebAssembly.validate(gemmModuleBytes('relaxed-simd')) ? 'relaxed-simd' : 'simd128';
    assert.is(gemmBuild(), expected);
    const r = withRelaxedSimd(['--input-type=module', '-e', `const l = await import(${JSON.stringify(loaderUrl)}); console.log(l.gemmBuild());`]);
    assert.is(r.stdout.trim(), 'relaxed-simd', r.stderr);
  });

  test('the SIMD128 and relaxed-SIMD (fused multiply-add) builds agree within float32 rounding on odd shapes and every transpose', () => {
    const r = withRelaxedSimd(['--input-type=module', '-e', compareBuilds]);
    assert.is(r.status, 0, r.stderr);
    const { worst, apart } = JSON.parse(r.stdout) as { worst: number[]; apart: number; differ: boolean };
    // Summation errors grow like √K·u·Σ|terms| at most (see wasm-gemm.test.ts); the largest depth here is 600.
    const bound = 4 * Math.sqrt(600) + 2;
    assert.ok(worst[0] <= bound && worst[1] <= bound, `error of the builds (units of u·Σ|terms|): ${worst}`);
    assert.ok(apart <= 2 * bound, `difference between the builds: ${apart}`);
  });

  test('with relaxed SIMD on, the gemm and implicit-GEMM conv2d suites (against float64 sums) pass on the relaxed-SIMD build', () => {
    const r = withRelaxedSimd(['node_modules/uvu/bin.js', '.', '^packages/core/test/(wasm-gemm|conv-implicit)\\.test\\.ts$', '--no-color']);
    assert.is(r.status, 0, `${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    assert.match(r.stdout, /Passed:\s+\d+/);
    assert.match(r.stdout, /conv-implicit\.test\.ts/);
  });
} else {
  test('gemm builds: WebAssembly SIMD is not available here, nothing to test', () => {
    assert.is(wasmAvailable(), false);
  });
}

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '@torchlet/core';
// The kernels are not part of the public API, so they are imported from their source files.
import { spawnSync } from 'node:child_process';
import { gemm } from '../src/kernels/gemm.js';
import { gemmWasm, setSplitMinWork, wasmAvailable } from '../src/kernels/wasm/gemm.js';
import { alignUp, gemmRuntime, operandsAddress, workspaceAddress } from '../src/kernels/wasm/loader.js';
import { availableThreads, getNumThreads, setNumThreads, threadsReady, workerChunks } from '../src/kernels/wasm/pool.js';

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
type FloatArray = Float32Array | Float64Array;
type Case = [transA: boolean, transB: boolean, M: number, N: number, K: number];

const transposes: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

/**
 * C[i][j] (+)= Σk op(A)[i][k]·op(B)[k][j] in float64, straight from the definition, and beside it
 * Σk |op(A)[i][k]·op(B)[k][j]| (+ |C[i][j]|), which bounds the rounding error of any summation order.
 */
function naiveGemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: FloatArray, aOff: number, B: FloatArray, bOff: number, C: Float64Array, absSum: Float64Array, cOff: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let abs = 0;
      for (let k = 0; k < K; k++) {
        const p = (transA ? A[aOff + k * M + i] : A[aOff + i * K + k]) * (transB ? B[bOff + j * K + k] : B[bOff + k * N + j]);
        s += p;
        abs += Math.abs(p);
      }
      const c = cOff + i * N + j;
      C[c] = (accumulate ? C[c] : 0) + s;
      absSum[c] = abs + (accumulate ? Math.abs(C[c] - s) : 0);
    }
  }
}

const gen = new Generator(11);
function randomArray(Ctor: FloatCtor, n: number): FloatArray {
  const a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = gen.normal();
  return a;
}

/**
 * Unit roundoff of the dtype. A sum of K products in any order is within K·u·Σ|terms| of the exact value; rounding
 * errors that add like a random walk stay far below 4·√K·u·Σ|terms|, the tighter tolerance used here so that a
 * dropped or misplaced term in a long sum still shows.
 */
const unitRoundoff = (C: FloatArray): number => (C instanceof Float32Array ? 2 ** -24 : 2 ** -53);

function assertWithinRounding(label: string, actual: FloatArray, expected: Float64Array, absSum: Float64Array, K: number): void {
  const u = unitRoundoff(actual);
  for (let i = 0; i < actual.length; i++) {
    const tol = (4 * Math.sqrt(K) + 2) * u * absSum[i] + u * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      assert.unreachable(`${label} differs at C[${i}]: ${actual[i]} vs ${expected[i]} (tolerance ${tol})`);
    }
  }
}

/**
 * Runs gemmWasm, the JS gemm and the naive loop on the same random operands placed at the given offsets inside
 * larger buffers; compares all of C (so values outside the written block must be left alone).
 */
function check(Ctor: FloatCtor, [transA, transB, M, N, K]: Case, offsets: [number, number, number] = [0, 0, 0], accumulate = false): void {
  const [aOff, bOff, cOff] = offsets;
  const label = `gemmWasm(${Ctor.name}, transA=${transA}, transB=${transB}, M=${M}, N=${N}, K=${K}, offsets=${offsets}, accumulate=${accumulate})`;
  const A = randomArray(Ctor, aOff + M * K + 3);
  const B = randomArray(Ctor, bOff + K * N + 3);
  const C = randomArray(Ctor, cOff + M * N + 3);
  const expected = Float64Array.from(C);
  const absSum = new Float64Array(C.length);
  naiveGemm(transA, transB, M, N, K, A, aOff, B, bOff, expected, absSum, cOff, accumulate);
  const viaJs = new Ctor(C);
  gemm(transA, transB, M, N, K, A, aOff, B, bOff, viaJs, cOff, accumulate);
  gemmWasm(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
  assertWithinRounding(`${label} vs the naive loop`, C, expected, absSum, K);
  // Both kernels are within the tolerance of the exact sum, so within twice that of each other.
  const twice = absSum.map((x) => 2 * x);
  assertWithinRounding(`${label} vs the JS gemm`, C, Float64Array.from(viaJs), twice, K);
}

test('WebAssembly SIMD is available in this Node', () => {
  assert.ok(wasmAvailable());
});

test('gemmWasm on hand-computed values, float32 and float64', () => {
  for (const Ctor of [Float32Array, Float64Array]) {
    // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
    const A = new Ctor([1, 2, 3, 4]);
    const B = new Ctor([5, 6, 7, 8]);
    const C = new Ctor(4);
    gemmWasm(false, false, 2, 2, 2, A, 0, B, 0, C, 0, false);
    assert.equal(Array.from(C), [19, 22, 43, 50]);
    // Aᵀ · B = [[26, 30], [38, 44]], accumulated onto the previous C
    gemmWasm(true, false, 2, 2, 2, A, 0, B, 0, C, 0, true);
    assert.equal(Array.from(C), [45, 52, 81, 94]);
    // A · Bᵀ = [[17, 23], [39, 53]]; Aᵀ · Bᵀ = [[23, 31], [34, 46]]
    gemmWasm(false, true, 2, 2, 2, A, 0, B, 0, C, 0, false);
    assert.equal(Array.from(C), [17, 23, 39, 53]);
    gemmWasm(true, true, 2, 2, 2, A, 0, B, 0, C, 0, false);
    assert.equal(Array.from(C), [23, 31, 34, 46]);
  }
});

test('gemmWasm float32 matches the naive loop and the JS gemm for every transpose and every M, N in 1..17', () => {
  for (const [ta, tb] of transposes) {
    for (let M = 1; M <= 17; M++) {
      for (let N = 1; N <= 17; N++) {
        for (const K of [1, 3, 4, 9]) check(Float32Array, [ta, tb, M, N, K]);
      }
    }
  }
});

test('gemmWasm float32 on odd sizes and on sizes that cross the cache blocks (KC 256, MC 128, NC 4096)', () => {
  const sizes: [number, number, number][] = [
    [37, 23, 19], [16, 12, 8], [1, 33, 257], [33, 1, 300], [131, 21, 517], [9, 4103, 13], [5, 4097, 260],
  ];
  for (const [ta, tb] of transposes) {
    for (const [M, N, K] of sizes) check(Float32Array, [ta, tb, M, N, K]);
  }
});

test('gemmWasm float32 on the LeNet-5 convolution products at batch 64 (forward, dW, dX)', () => {
  const cases: Case[] = [
    [false, false, 6, 50176, 25], // conv1 forward: W [6, 25] · cols [25, 64·28·28]
    [false, true, 6, 25, 50176], // conv1 dW: dY · colsᵀ
    [true, false, 25, 50176, 6], // conv1 dcols: Wᵀ · dY
    [false, false, 50176, 6, 25], // the same products with the pixels as rows
    [false, false, 50176, 25, 6],
    [false, false, 16, 6400, 150], // conv2 forward
    [false, true, 16, 150, 6400], // conv2 dW
    [true, false, 150, 6400, 16], // conv2 dcols
    [true, true, 16, 150, 6400],
  ];
  for (const c of cases) check(Float32Array, c);
});

test('gemmWasm honours offsets and leaves the rest of C alone', () => {
  for (const Ctor of [Float32Array, Float64Array]) {
    for (const [ta, tb] of transposes) {
      check(Ctor, [ta, tb, 5, 6, 3], [7, 2, 11]);
      check(Ctor, [ta, tb, 8, 9, 9], [1, 13, 5]);
      check(Ctor, [ta, tb, 37, 23, 19], [3, 17, 29]);
    }
  }
});

test('gemmWasm accumulates into C when asked, also across depth blocks', () => {
  for (const Ctor of [Float32Array, Float64Array]) {
    for (const [ta, tb] of transposes) {
      check(Ctor, [ta, tb, 6, 7, 5], [0, 0, 0], true);
      check(Ctor, [ta, tb, 9, 8, 2], [3, 1, 4], true);
      check(Ctor, [ta, tb, 37, 23, 300], [2, 0, 1], true);
    }
  }
});

test('gemmWasm float64 matches the naive loop for every transpose, small, odd and block-crossing sizes', () => {
  const sizes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [4, 4, 4], [7, 9, 11], [37, 23, 19], [67, 2053, 7], [70, 13, 261]];
  for (const [ta, tb] of transposes) {
    for (let M = 1; M <= 9; M++) {
      for (let N = 1; N <= 9; N++) check(Float64Array, [ta, tb, M, N, 5]);
    }
    for (const [M, N, K] of sizes) check(Float64Array, [ta, tb, M, N, K]);
  }
});

test('gemmWasm reuses its memory: a large product, then small ones, then a larger one', () => {
  const sizes: Case[] = [[false, false, 200, 300, 100], [true, true, 3, 2, 5], [false, true, 1, 1, 1], [true, false, 300, 500, 200]];
  for (const c of sizes) check(Float32Array, c);
});

test('gemmWasm on mixed float32/float64 operands gives the JS gemm result', () => {
  const A = randomArray(Float32Array, 6 * 4);
  const B = randomArray(Float64Array, 4 * 5);
  const C = new Float64Array(6 * 5);
  const expected = new Float64Array(6 * 5);
  gemm(false, false, 6, 5, 4, A, 0, B, 0, expected, 0, false);
  gemmWasm(false, false, 6, 5, 4, A, 0, B, 0, C, 0, false);
  assert.equal(Array.from(C), Array.from(expected));
  assert.ok(C.some((x) => x !== 0));
});

test('gemmWasm with K = 0 writes zeros (or leaves C when accumulating); M = 0 or N = 0 touches nothing', () => {
  for (const Ctor of [Float32Array, Float64Array]) {
    const C = new Ctor(Array.from({ length: 20 }, (_, i) => i + 1));
    gemmWasm(false, false, 4, 5, 0, new Ctor(0), 0, new Ctor(0), 0, C, 0, true);
    assert.equal(Array.from(C), Array.from({ length: 20 }, (_, i) => i + 1));
    gemmWasm(false, false, 0, 5, 3, new Ctor(0), 0, new Ctor(15), 0, C, 0, false);
    gemmWasm(false, false, 4, 0, 3, new Ctor(12), 0, new Ctor(0), 0, C, 0, false);
    assert.equal(Array.from(C), Array.from({ length: 20 }, (_, i) => i + 1));
    gemmWasm(false, false, 4, 5, 0, new Ctor(0), 0, new Ctor(0), 0, C, 0, false);
    assert.equal(Array.from(C), new Array(20).fill(0));
  }
});

/** True when x and y hold the same bits (so -0 ≠ 0 and equal NaNs match). */
function sameBits(x: FloatArray, y: FloatArray): boolean {
  const bx = new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
  const by = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  return bx.length === by.length && bx.every((v, i) => v === by[i]);
}

/**
 * Runs gemmWasm single-threaded (no product split) and split across the pool's threads on the same operands, and
 * the naive loop: the split result must be the single-threaded one to the bit, and within rounding of the loop.
 */
function checkThreaded(Ctor: FloatCtor, [transA, transB, M, N, K]: Case, offsets: [number, number, number] = [0, 0, 0], accumulate = false): void {
  const [aOff, bOff, cOff] = offsets;
  const label = `threaded gemmWasm(${Ctor.name}, transA=${transA}, transB=${transB}, M=${M}, N=${N}, K=${K}, offsets=${offsets}, accumulate=${accumulate})`;
  const A = randomArray(Ctor, aOff + M * K + 3);
  const B = randomArray(Ctor, bOff + K * N + 3);
  const C = randomArray(Ctor, cOff + M * N + 3);
  const expected = Float64Array.from(C);
  const absSum = new Float64Array(C.length);
  naiveGemm(transA, transB, M, N, K, A, aOff, B, bOff, expected, absSum, cOff, accumulate);
  const single = new Ctor(C);
  const previous = setSplitMinWork(Infinity);
  gemmWasm(transA, transB, M, N, K, A, aOff, B, bOff, single, cOff, accumulate);
  setSplitMinWork(0);
  gemmWasm(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
  setSplitMinWork(previous);
  if (!sameBits(C, single)) assert.unreachable(`${label} differs from the single-threaded result`);
  assertWithinRounding(`${label} vs the naive loop`, C, expected, absSum, K);
}

const initialThreads = getNumThreads();
// Later test files in the same process get the thread count they started with.
test.after(() => setNumThreads(initialThreads));

test('the pool starts its worker: 2 threads by default', async () => {
  assert.is(initialThreads, Number(process.env.TORCHLET_NUM_THREADS || 2));
  setNumThreads(2);
  assert.is(await threadsReady(), 2);
  assert.is(availableThreads(), 2);
});

test('split products give the single-threaded bits: LeNet-5 convolution products at batch 64, float32 and float64', () => {
  const cases: Case[] = [
    [false, false, 6, 50176, 25], // conv1 forward, split by columns
    [false, true, 6, 25, 50176], // conv1 dW: too narrow to split (one chunk)
    [true, false, 25, 50176, 6], // conv1 dcols
    [false, false, 50176, 6, 25], // pixels as rows, split by rows
    [false, false, 16, 6400, 150], // conv2 forward
    [false, true, 16, 150, 6400], // conv2 dW, split by columns
    [true, false, 150, 6400, 16], // conv2 dcols
  ];
  for (const c of cases) checkThreaded(Float32Array, c);
  for (const c of cases.slice(0, 3)) checkThreaded(Float64Array, c);
});

test('split products give the single-threaded bits: odd sizes, every transpose, offsets, accumulate, both dtypes', () => {
  const sizes: [number, number, number][] = [[67, 13, 19], [13, 67, 19], [131, 97, 300], [97, 131, 5], [1, 4103, 7], [4103, 1, 9], [129, 129, 1]];
  for (const Ctor of [Float32Array, Float64Array]) {
    for (const [ta, tb] of transposes) {
      for (const [M, N, K] of sizes) checkThreaded(Ctor, [ta, tb, M, N, K]);
      checkThreaded(Ctor, [ta, tb, 75, 66, 261], [5, 3, 7]);
      checkThreaded(Ctor, [ta, tb, 66, 75, 300], [2, 9, 1], true);
      checkThreaded(Ctor, [ta, tb, 300, 70, 3], [0, 0, 0], true);
    }
  }
});

test('the worker takes chunks of split products', () => {
  const before = workerChunks();
  const A = randomArray(Float32Array, 256 * 256);
  const B = randomArray(Float32Array, 256 * 256);
  const C = new Float32Array(256 * 256);
  // Which thread computes which chunk depends on timing; over a few products the worker takes some.
  const deadline = performance.now() + 10_000;
  while (workerChunks() === before && performance.now() < deadline) gemmWasm(false, false, 256, 256, 256, A, 0, B, 0, C, 0, false);
  assert.ok(workerChunks() > before, 'the worker computed no chunk in 10 s');
});

test('the wasm entries compute any block of a larger product in place, through leading dimensions', () => {
  const runtime = gemmRuntime();
  assert.ok(runtime !== null);
  const { exports, memory } = runtime;
  // Whole matrices: op(A) 23×19 (stored 23×19, or 19×23 when transposed), op(B) 19×29, C 23×29; the block is
  // rows 5..5+11 and columns 3..3+17 of C, from depth 2 for 13 depths.
  const [MA, NB, KA] = [23, 29, 19];
  const [i0, m, j0, n, p0, k] = [5, 11, 3, 17, 2, 13];
  for (const Ctor of [Float32Array, Float64Array]) {
    const bytes = Ctor.BYTES_PER_ELEMENT;
    for (const [ta, tb] of transposes) {
      for (const accumulate of [false, true]) {
        const A = randomArray(Ctor, MA * KA);
        const B = randomArray(Ctor, KA * NB);
        const C = randomArray(Ctor, MA * NB);
        const lda = ta ? MA : KA;
        const ldb = tb ? KA : NB;
        const aPtr = alignUp(operandsAddress(exports, getNumThreads()));
        const bPtr = alignUp(aPtr + A.byteLength);
        const cPtr = alignUp(bPtr + B.byteLength);
        memory.grow(Math.max(0, Math.ceil((cPtr + C.byteLength - memory.buffer.byteLength) / 65536)));
        const heap = new Ctor(memory.buffer);
        heap.set(A, aPtr / bytes);
        heap.set(B, bPtr / bytes);
        heap.set(C, cPtr / bytes);
        // op(A)[i][p] is A[i·lda + p], or A[p·lda + i] when transposed; likewise for B.
        const aBlock = aPtr + (ta ? p0 * lda + i0 : i0 * lda + p0) * bytes;
        const bBlock = bPtr + (tb ? j0 * ldb + p0 : p0 * ldb + j0) * bytes;
        const cBlock = cPtr + (i0 * NB + j0) * bytes;
        const entry = Ctor === Float32Array ? exports.gemmF32 : exports.gemmF64;
        entry(+ta, +tb, m, n, k, aBlock, lda, bBlock, ldb, cBlock, NB, +accumulate, workspaceAddress(exports, 0));
        const actual = heap.slice(cPtr / bytes, cPtr / bytes + MA * NB);
        for (let i = 0; i < MA; i++) {
          for (let j = 0; j < NB; j++) {
            const at = i * NB + j;
            if (i < i0 || i >= i0 + m || j < j0 || j >= j0 + n) {
              if (!Object.is(actual[at], C[at])) assert.unreachable(`C[${i}][${j}] outside the block was changed`);
              continue;
            }
            let s = accumulate ? C[at] : 0;
            let abs = accumulate ? Math.abs(C[at]) : 0;
            for (let p = p0; p < p0 + k; p++) {
              const prod = (ta ? A[p * lda + i] : A[i * lda + p]) * (tb ? B[j * ldb + p] : B[p * ldb + j]);
              s += prod;
              abs += Math.abs(prod);
            }
            const u = Ctor === Float32Array ? 2 ** -24 : 2 ** -53;
            const tol = (4 * Math.sqrt(k) + 2) * u * abs + u * Math.abs(s);
            if (!(Math.abs(actual[at] - s) <= tol)) {
              assert.unreachable(`block C[${i}][${j}] (${Ctor.name}, transA=${ta}, transB=${tb}): ${actual[at]} vs ${s}`);
            }
          }
        }
      }
    }
  }
});

test('setNumThreads(1) stops the worker and keeps every product on the main thread; 2 starts it again', async () => {
  setNumThreads(1);
  assert.is(getNumThreads(), 1);
  assert.is(availableThreads(), 1);
  const before = workerChunks();
  const previous = setSplitMinWork(0);
  for (let i = 0; i < 3; i++) checkThreaded(Float32Array, [false, false, 256, 200, 100]);
  assert.is(workerChunks(), before);
  setNumThreads(2);
  assert.is(await threadsReady(), 2);
  checkThreaded(Float32Array, [true, true, 200, 256, 100]);
  setSplitMinWork(previous);
});

test('setNumThreads rejects what is not a thread count', () => {
  for (const bad of [0, -1, 1.5, 17, Number.NaN]) {
    assert.throws(() => setNumThreads(bad), /setNumThreads: expected an integer from 1 to 16, got/);
  }
  assert.is(getNumThreads(), 2);
});

/** Runs a snippet against the pool's source in a fresh Node with TORCHLET_NUM_THREADS set; its stdout and stderr. */
function withThreadsVariable(value: string, code: string): { stdout: string; stderr: string } {
  const pool = new URL('../src/kernels/wasm/pool.ts', import.meta.url).href;
  const gemmUrl = new URL('../src/kernels/wasm/gemm.ts', import.meta.url).href;
  const script = `const pool = await import(${JSON.stringify(pool)}); const wasm = await import(${JSON.stringify(gemmUrl)}); ${code}`;
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TORCHLET_NUM_THREADS: value },
    encoding: 'utf8',
  });
  return { stdout: r.stdout, stderr: r.stderr };
}

test('TORCHLET_NUM_THREADS sets the thread count; 1 never starts a worker; anything else is an error', () => {
  const large = `const a = new Float32Array(300 * 300); wasm.gemmWasm(false, false, 300, 300, 300, a, 0, a, 0, new Float32Array(300 * 300), 0, false);`;
  const one = withThreadsVariable('1', `${large} console.log(pool.getNumThreads(), await pool.threadsReady());`);
  assert.is(one.stdout.trim(), '1 1', one.stderr);
  const three = withThreadsVariable('3', `console.log(pool.getNumThreads(), await pool.threadsReady());`);
  assert.is(three.stdout.trim(), '3 3', three.stderr);
  for (const bad of ['abc', '0', '17']) {
    const r = withThreadsVariable(bad, `console.log('loaded');`);
    assert.match(r.stderr, new RegExp(`TORCHLET_NUM_THREADS must be an integer from 1 to 16, got '${bad}'`));
  }
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '@torchlet/core';
// The kernels are not part of the public API, so they are imported from their source files.
import { gemm } from '../src/kernels/gemm.js';
import { gemmWasm, wasmAvailable } from '../src/kernels/wasm/gemm.js';

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

test.run();

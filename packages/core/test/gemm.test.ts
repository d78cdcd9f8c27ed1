import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator } from '@torchlet/core';
// The kernel is not part of the public API, so it is imported from its source file.
import { gemm } from '../src/kernels/gemm.js';

type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;

/** C[i][j] (+)= Σk op(A)[i][k]·op(B)[k][j], straight from the definition. */
function naiveGemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: ArrayLike<number>, aOff: number, B: ArrayLike<number>, bOff: number, C: Float64Array, cOff: number, accumulate: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOff + k * M + i] : A[aOff + i * K + k];
        const b = transB ? B[bOff + j * K + k] : B[bOff + k * N + j];
        s += a * b;
      }
      C[cOff + i * N + j] = (accumulate ? C[cOff + i * N + j] : 0) + s;
    }
  }
}

const gen = new Generator(7);
function randomArray(Ctor: FloatCtor, n: number): Float32Array | Float64Array {
  const a = new Ctor(n);
  for (let i = 0; i < n; i++) a[i] = gen.normal();
  return a;
}

/** Runs gemm and the naive loop on the same random operands placed at the given offsets; compares all of C. */
function check(Ctor: FloatCtor, transA: boolean, transB: boolean, M: number, N: number, K: number, offsets: [number, number, number], accumulate: boolean): void {
  const [aOff, bOff, cOff] = offsets;
  const A = randomArray(Ctor, aOff + M * K + 3);
  const B = randomArray(Ctor, bOff + K * N + 3);
  const C = randomArray(Ctor, cOff + M * N + 3);
  const expected = Float64Array.from(C);
  naiveGemm(transA, transB, M, N, K, A, aOff, B, bOff, expected, cOff, accumulate);
  gemm(transA, transB, M, N, K, A, aOff, B, bOff, C, cOff, accumulate);
  const tol = Ctor === Float32Array ? 1e-4 : 1e-12;
  for (let i = 0; i < C.length; i++) {
    const e = Ctor === Float32Array ? Math.fround(expected[i]) : expected[i];
    if (Math.abs(C[i] - e) > tol * (1 + Math.abs(e) + K)) {
      assert.unreachable(
        `gemm(transA=${transA}, transB=${transB}, M=${M}, N=${N}, K=${K}, offsets=${offsets}, accumulate=${accumulate}) ` +
          `differs at C[${i}]: ${C[i]} vs ${e}`,
      );
    }
  }
}

const transposes: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

test('gemm matches the naive loop for every transpose combination and every size 1..9', () => {
  for (const [ta, tb] of transposes) {
    for (let M = 1; M <= 9; M++) {
      for (let N = 1; N <= 9; N++) {
        for (const K of [1, 4, 7]) check(Float64Array, ta, tb, M, N, K, [0, 0, 0], false);
      }
    }
  }
});

test('gemm on sizes that are not multiples of 4 (37×23×19) and that are (16×12×8), float32 and float64', () => {
  for (const Ctor of [Float32Array, Float64Array]) {
    for (const [ta, tb] of transposes) {
      check(Ctor, ta, tb, 37, 23, 19, [0, 0, 0], false);
      check(Ctor, ta, tb, 16, 12, 8, [0, 0, 0], false);
    }
  }
});

test('gemm honours offsets and leaves the rest of C alone', () => {
  for (const Ctor of [Float32Array, Float64Array]) {
    for (const [ta, tb] of transposes) {
      check(Ctor, ta, tb, 5, 6, 3, [7, 2, 11], false);
      check(Ctor, ta, tb, 8, 4, 9, [1, 13, 5], false);
    }
  }
});

test('gemm accumulates into C when asked', () => {
  for (const Ctor of [Float32Array, Float64Array]) {
    for (const [ta, tb] of transposes) {
      check(Ctor, ta, tb, 6, 7, 5, [0, 0, 0], true);
      check(Ctor, ta, tb, 9, 8, 2, [3, 1, 4], true);
      check(Ctor, ta, tb, 37, 23, 19, [2, 0, 1], true);
    }
  }
});

test('gemm on hand-computed values', () => {
  // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
  const A = new Float64Array([1, 2, 3, 4]);
  const B = new Float64Array([5, 6, 7, 8]);
  const C = new Float64Array(4);
  gemm(false, false, 2, 2, 2, A, 0, B, 0, C, 0, false);
  assert.equal(Array.from(C), [19, 22, 43, 50]);
  // Aᵀ · B = [[1, 3], [2, 4]] · B = [[26, 30], [38, 44]], accumulated onto the previous C
  gemm(true, false, 2, 2, 2, A, 0, B, 0, C, 0, true);
  assert.equal(Array.from(C), [45, 52, 81, 94]);
  // A · Bᵀ = [[17, 23], [39, 53]]
  gemm(false, true, 2, 2, 2, A, 0, B, 0, C, 0, false);
  assert.equal(Array.from(C), [17, 23, 39, 53]);
});

test('gemm with K = 0 writes zeros (or leaves C when accumulating)', () => {
  const C = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  gemm(false, false, 4, 5, 0, new Float64Array(0), 0, new Float64Array(0), 0, C, 0, true);
  assert.is(C[19], 20);
  gemm(false, false, 4, 5, 0, new Float64Array(0), 0, new Float64Array(0), 0, C, 0, false);
  assert.equal(Array.from(C), new Array(20).fill(0));
});

test.run();

import type { FloatArray } from '../dtype.js';

/**
 * C = op(A) · op(B) (+ C when accumulate), row-major, with op(X) = X or Xᵀ.
 * op(A) is M×K, op(B) is K×N. A transposed operand is read through swapped strides, never copied.
 * Offsets select a matrix inside a larger buffer (one group of a grouped convolution, one batch of a bmm).
 * The body is a 4×4 register tile: 16 accumulators in locals, 8 loads per 16 multiply-adds.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: FloatArray,
  aOff: number,
  B: FloatArray,
  bOff: number,
  C: FloatArray,
  cOff: number,
  accumulate: boolean,
): void {
  const ars = transA ? 1 : K; // step to the next row i of op(A)
  const acs = transA ? M : 1; // step to the next k
  const brs = transB ? 1 : N; // step to the next k of op(B)
  const bcs = transB ? K : 1; // step to the next column j
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    const a0 = aOff + i * ars;
    const a1 = a0 + ars;
    const a2 = a1 + ars;
    const a3 = a2 + ars;
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      let pb = bOff + j * bcs;
      let pa = 0;
      for (let k = 0; k < K; k++) {
        const x0 = A[a0 + pa], x1 = A[a1 + pa], x2 = A[a2 + pa], x3 = A[a3 + pa];
        const y0 = B[pb], y1 = B[pb + bcs], y2 = B[pb + 2 * bcs], y3 = B[pb + 3 * bcs];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
        pa += acs;
        pb += brs;
      }
      const r0 = cOff + i * N + j;
      const r1 = r0 + N;
      const r2 = r1 + N;
      const r3 = r2 + N;
      if (accumulate) {
        C[r0] += c00; C[r0 + 1] += c01; C[r0 + 2] += c02; C[r0 + 3] += c03;
        C[r1] += c10; C[r1 + 1] += c11; C[r1 + 2] += c12; C[r1 + 3] += c13;
        C[r2] += c20; C[r2 + 1] += c21; C[r2 + 2] += c22; C[r2 + 3] += c23;
        C[r3] += c30; C[r3 + 1] += c31; C[r3 + 2] += c32; C[r3 + 3] += c33;
      } else {
        C[r0] = c00; C[r0 + 1] = c01; C[r0 + 2] = c02; C[r0 + 3] = c03;
        C[r1] = c10; C[r1 + 1] = c11; C[r1 + 2] = c12; C[r1 + 3] = c13;
        C[r2] = c20; C[r2 + 1] = c21; C[r2 + 2] = c22; C[r2 + 3] = c23;
        C[r3] = c30; C[r3 + 1] = c31; C[r3 + 2] = c32; C[r3 + 3] = c33;
      }
    }
  }
  // Edges: the rows below M4 (all columns) and the columns right of N4 (rows above M4).
  for (let i = 0; i < M; i++) {
    const jStart = i < M4 ? N4 : 0;
    const ai = aOff + i * ars;
    for (let j = jStart; j < N; j++) {
      let s = 0;
      let pa = ai;
      let pb = bOff + j * bcs;
      for (let k = 0; k < K; k++) {
        s += A[pa] * B[pb];
        pa += acs;
        pb += brs;
      }
      const c = cOff + i * N + j;
      C[c] = accumulate ? C[c] + s : s;
    }
  }
}

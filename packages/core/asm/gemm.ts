// Matrix product C = op(A)·op(B) (+ C) with WebAssembly SIMD for f32 and f64, compiled by AssemblyScript
// (scripts/build-wasm.mjs). T is f32 or f64; every size and branch on it is resolved at compile time.
//
// The caller (src/kernels/wasm/gemm.ts) owns the memory, which is imported and shared with the worker threads
// (src/kernels/wasm/pool.ts): it copies A, B and C into it and passes byte addresses. Leading dimensions (BLAS style,
// in elements) let a thread compute any row or column block of C in place, with its own workspace.
// Layout follows the Goto/BLIS scheme: B is packed per (KC × nc) block and A per (mc × KC) block into
// the workspace, as micro-panels laid out in the order the micro-kernel reads them, so all four transpose cases
// run the same register tile: MR rows × two vectors (4×8 for f32, 4×4 for f64). Panels are zero-padded at the
// edges; a partial tile is computed into a scratch tile and only its valid part is written to C.

import { broadcast, madd, storeTransposed4x4 } from './simd';

const MR: i32 = 4; // rows of the register tile
const KC: i32 = 256; // depth of a packed block: an A and a B micro-panel (8 KB each at most) stay in L1
const MC_BYTES: i32 = 512; // bytes of one packed A column: 128 f32 or 64 f64 rows per block (128 KB, L2)
const NC_BYTES: i32 = 16384; // bytes of one packed B row: 4096 f32 or 2048 f64 columns per block (4 MB)

const PACKED_A_BYTES: usize = <usize>(MC_BYTES * KC);
const PACKED_B_BYTES: usize = <usize>(KC * NC_BYTES);
const TILE_BYTES: usize = <usize>(MR * 32);

/** Columns of the register tile: two vectors' worth (8 f32 or 4 f64). */
// @ts-ignore: decorator
@inline
function nrOf<T>(): i32 {
  return 32 / <i32>sizeof<T>();
}

/** First free byte after this module's static data: the caller lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of scratch memory gemmF32 and gemmF64 need at `work` (packed A block, packed B block, one edge tile). */
export function workspaceBytes(): usize {
  return PACKED_A_BYTES + PACKED_B_BYTES + TILE_BYTES;
}

/**
 * Packs rows i0..i0+mc, depths p0..p0+kc of op(A) into micro-panels of MR rows: panel r holds, for each k,
 * the MR values op(A)[i][k] contiguously. Rows past mc are zeros. A's rows are lda elements apart.
 */
function packA<T>(transA: bool, lda: i32, a: usize, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  const E = <usize>sizeof<T>();
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const panel = dst + <usize>(ir * kc) * E;
    let k0 = 0; // depths below k0 are already packed by a vector path
    if (mr == MR) {
      if (transA) {
        // A is stored K×M: the MR rows of one k are adjacent in memory (one f32x4, or two f64x2).
        let src = a + <usize>(p0 * lda + i0 + ir) * E;
        const step = <usize>lda * E;
        for (let k = 0; k < kc; k++) {
          const d = panel + <usize>(k * MR) * E;
          v128.store(d, v128.load(src));
          if (sizeof<T>() == 8) v128.store(d, v128.load(src, 16), 16);
          src += step;
        }
        k0 = kc;
      } else if (sizeof<T>() == 4) {
        // A is stored M×K: each row runs along k, so f32 4×4 blocks are transposed into the panel.
        const row = a + <usize>((i0 + ir) * lda + p0) * E;
        const stride = <usize>lda * E;
        for (; k0 + 4 <= kc; k0 += 4) {
          const src = row + <usize>k0 * E;
          storeTransposed4x4(
            v128.load(src), v128.load(src + stride), v128.load(src + 2 * stride), v128.load(src + 3 * stride),
            panel + <usize>(k0 * MR) * E, <usize>MR * E,
          );
        }
      }
    }
    // What is left: partial panels, f64 rows, and the last kc % 4 depths of an f32 panel.
    for (let r = 0; r < MR; r++) {
      let d = panel + <usize>(k0 * MR + r) * E;
      if (r < mr) {
        const i = i0 + ir + r;
        const step = (transA ? <usize>lda : 1) * E;
        let src = a + <usize>(transA ? p0 * lda + i : i * lda + p0) * E + <usize>k0 * step;
        for (let k = k0; k < kc; k++) {
          store<T>(d, load<T>(src));
          src += step;
          d += <usize>MR * E;
        }
      } else {
        for (let k = k0; k < kc; k++) {
          store<T>(d, <T>0);
          d += <usize>MR * E;
        }
      }
    }
  }
}

/**
 * Packs depths p0..p0+kc, columns j0..j0+nc of op(B) into micro-panels of NR columns: panel c holds, for each k,
 * the NR values op(B)[k][j] contiguously. Columns past nc are zeros. B's rows are ldb elements apart.
 */
function packB<T>(transB: bool, ldb: i32, b: usize, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const E = <usize>sizeof<T>();
  const NR = nrOf<T>();
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const panel = dst + <usize>(jr * kc) * E;
    let k0 = 0; // depths below k0 are already packed by a vector path
    if (nr == NR) {
      if (!transB) {
        // B is stored K×N: the NR columns of one k are adjacent in memory (two vectors).
        let src = b + <usize>(p0 * ldb + j0 + jr) * E;
        const step = <usize>ldb * E;
        for (let k = 0; k < kc; k++) {
          const d = panel + (<usize>k << 5);
          v128.store(d, v128.load(src));
          v128.store(d, v128.load(src, 16), 16);
          src += step;
        }
        k0 = kc;
      } else if (sizeof<T>() == 4) {
        // B is stored N×K: each column runs along k, so two f32 4×4 blocks per 4 depths are transposed.
        const col = b + <usize>((j0 + jr) * ldb + p0) * E;
        const stride = <usize>ldb * E;
        for (; k0 + 4 <= kc; k0 += 4) {
          const src = col + <usize>k0 * E;
          const d = panel + (<usize>k0 << 5);
          storeTransposed4x4(
            v128.load(src), v128.load(src + stride), v128.load(src + 2 * stride), v128.load(src + 3 * stride), d, 32,
          );
          const src4 = src + 4 * stride;
          storeTransposed4x4(
            v128.load(src4), v128.load(src4 + stride), v128.load(src4 + 2 * stride), v128.load(src4 + 3 * stride),
            d + 16, 32,
          );
        }
      }
    }
    // What is left: partial panels, f64 columns, and the last kc % 4 depths of an f32 panel.
    for (let c = 0; c < NR; c++) {
      let d = panel + <usize>(k0 * NR + c) * E;
      if (c < nr) {
        const j = j0 + jr + c;
        const step = <usize>(transB ? 1 : ldb) * E;
        let src = b + <usize>(transB ? j * ldb + p0 : p0 * ldb + j) * E + <usize>k0 * step;
        for (let k = k0; k < kc; k++) {
          store<T>(d, load<T>(src));
          src += step;
          d += 32;
        }
      } else {
        for (let k = k0; k < kc; k++) {
          store<T>(d, <T>0);
          d += 32;
        }
      }
    }
  }
}

/**
 * The MR × two-vector register tile: c[0..4][0..NR] (row stride ldc bytes) = or += A panel · B panel over kc.
 * Eight vector accumulators, two B vectors and one broadcast A value stay in registers.
 */
// @ts-ignore: decorator
@inline
function microKernel<T>(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, accumulate: bool): void {
  const E = <usize>sizeof<T>();
  let c00 = v128.splat<T>(<T>0), c01 = v128.splat<T>(<T>0);
  let c10 = v128.splat<T>(<T>0), c11 = v128.splat<T>(<T>0);
  let c20 = v128.splat<T>(<T>0), c21 = v128.splat<T>(<T>0);
  let c30 = v128.splat<T>(<T>0), c31 = v128.splat<T>(<T>0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = broadcast<T>(pa);
    c00 = madd<T>(a, b0, c00);
    c01 = madd<T>(a, b1, c01);
    a = broadcast<T>(pa + E);
    c10 = madd<T>(a, b0, c10);
    c11 = madd<T>(a, b1, c11);
    a = broadcast<T>(pa + 2 * E);
    c20 = madd<T>(a, b0, c20);
    c21 = madd<T>(a, b1, c21);
    a = broadcast<T>(pa + 3 * E);
    c30 = madd<T>(a, b0, c30);
    c31 = madd<T>(a, b1, c31);
    pa += <usize>MR * E;
    pb += 32;
  }
  if (accumulate) {
    c00 = v128.add<T>(c00, v128.load(c));
    c01 = v128.add<T>(c01, v128.load(c, 16));
    c10 = v128.add<T>(c10, v128.load(c + ldc));
    c11 = v128.add<T>(c11, v128.load(c + ldc, 16));
    c20 = v128.add<T>(c20, v128.load(c + 2 * ldc));
    c21 = v128.add<T>(c21, v128.load(c + 2 * ldc, 16));
    c30 = v128.add<T>(c30, v128.load(c + 3 * ldc));
    c31 = v128.add<T>(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** The narrow MR × one-vector tile for edge panels with at most NR/2 valid columns; writes c[0..4][0..NR/2]. */
// @ts-ignore: decorator
@inline
function microKernelNarrow<T>(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize): void {
  const E = <usize>sizeof<T>();
  let c0 = v128.splat<T>(<T>0), c1 = v128.splat<T>(<T>0), c2 = v128.splat<T>(<T>0), c3 = v128.splat<T>(<T>0);
  for (let k = 0; k < kc; k++) {
    const b = v128.load(pb);
    c0 = madd<T>(broadcast<T>(pa), b, c0);
    c1 = madd<T>(broadcast<T>(pa + E), b, c1);
    c2 = madd<T>(broadcast<T>(pa + 2 * E), b, c2);
    c3 = madd<T>(broadcast<T>(pa + 3 * E), b, c3);
    pa += <usize>MR * E;
    pb += 32;
  }
  v128.store(c, c0);
  v128.store(c + ldc, c1);
  v128.store(c + 2 * ldc, c2);
  v128.store(c + 3 * ldc, c3);
}

/** The short 2 × two-vector tile for edge panels with at most 2 valid rows; writes c[0..2][0..NR]. */
// @ts-ignore: decorator
@inline
function microKernelShort<T>(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize): void {
  const E = <usize>sizeof<T>();
  let c00 = v128.splat<T>(<T>0), c01 = v128.splat<T>(<T>0);
  let c10 = v128.splat<T>(<T>0), c11 = v128.splat<T>(<T>0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = broadcast<T>(pa);
    c00 = madd<T>(a, b0, c00);
    c01 = madd<T>(a, b1, c01);
    a = broadcast<T>(pa + E);
    c10 = madd<T>(a, b0, c10);
    c11 = madd<T>(a, b1, c11);
    pa += <usize>MR * E;
    pb += 32;
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
}

/** Writes the valid mr×nr corner of a scratch tile (row stride 32 bytes) into C. */
function storeEdgeTile<T>(tile: usize, c: usize, ldc: usize, mr: i32, nr: i32, accumulate: bool): void {
  const E = <usize>sizeof<T>();
  for (let r = 0; r < mr; r++) {
    const src = tile + <usize>(r * 32);
    const dst = c + <usize>r * ldc;
    for (let j = 0; j < nr; j++) {
      const o = <usize>j * E;
      const v = load<T>(src + o);
      store<T>(dst + o, accumulate ? load<T>(dst + o) + v : v);
    }
  }
}

function gemm<T>(
  transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool, work: usize,
): void {
  const E = <usize>sizeof<T>();
  const NR = nrOf<T>();
  const MC = MC_BYTES / <i32>E;
  const NC = NC_BYTES / <i32>E;
  const packedA = work;
  const packedB = work + PACKED_A_BYTES;
  const tile = packedB + PACKED_B_BYTES;
  const cRowBytes = <usize>ldc * E;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      // Later depth blocks add onto what the first one wrote.
      const acc = accumulate || pc > 0;
      packB<T>(transB, ldb, b, pc, kc, jc, nc, packedB);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA<T>(transA, lda, a, ic, mc, pc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = packedB + <usize>(jr * kc) * E;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pa = packedA + <usize>(ir * kc) * E;
            const cij = c + <usize>((ic + ir) * ldc + jc + jr) * E;
            if (mr == MR && nr == NR) {
              microKernel<T>(kc, pa, pb, cij, cRowBytes, acc);
            } else {
              if (mr <= 2) microKernelShort<T>(kc, pa, pb, tile, 32);
              else if (nr <= NR / 2) microKernelNarrow<T>(kc, pa, pb, tile, 32);
              else microKernel<T>(kc, pa, pb, tile, 32, false);
              storeEdgeTile<T>(tile, cij, cRowBytes, mr, nr, acc);
            }
          }
        }
      }
    }
  }
}

/**
 * C (M×N at byte address c, rows ldc elements apart) = op(A)·op(B), or += when accumulate, in f32. op(A) is M×K,
 * op(B) is K×N; A is stored M×K (K×M when transA) with rows lda elements apart, B is stored K×N (N×K when transB)
 * with rows ldb elements apart. Needs M, N, K ≥ 1 and workspaceBytes() bytes at work, which no other thread uses.
 * Each element of C is summed in the same order whatever block of C a call covers, so a product split by rows or
 * columns across threads gives the same bits as one call.
 */
export function gemmF32(
  transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool, work: usize,
): void {
  gemm<f32>(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate, work);
}

/** gemmF32 in f64. */
export function gemmF64(
  transA: bool, transB: bool, M: i32, N: i32, K: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, accumulate: bool, work: usize,
): void {
  gemm<f64>(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate, work);
}

// The stride-1 im2col and col2im kernels (and a fill), compiled into this module too so that conv2d's per-sample
// work (unfold, product, fold) runs on the shared memory in every thread of the pool (src/kernels/wasm/conv-job.ts).
export { im2colStride1F32, col2imStride1F32, fillF32 } from './convpool';
// The implicit-GEMM convolution (forward, the input gradient as a forward pass, the weight gradient), on the same shared memory.
export {
  convPackWeightF32, convPackFlippedWeightF32, conv2dStride1ScratchBytes, conv2dStride1F32,
  conv2dStride1WeightGradScratchBytes, conv2dStride1WeightGradF32,
} from './conv-implicit';

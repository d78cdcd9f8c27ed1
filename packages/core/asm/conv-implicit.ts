// conv2d at stride 1 and dilation 1 as an implicit matrix product, without im2col, in f32 (compiled into the gemm
// module, so conv2d's jobs run it on the shared memory in every thread: src/kernels/wasm/conv-job.ts).
//
// One sample's input is copied once into a zero-padded buffer xp[C, Hp, Wp]; then y[o, oh, ow] = Σ_k W[o, k] ·
// xp[off(k) + oh·Wp + ow] over the taps k = (c, ki, kj), off(k) = (c·Hp + ki)·Wp + kj. A register tile of 4 output
// channels × 8 positions of one output row reads its 8 inputs per tap with two unaligned loads straight from xp, so
// no cols matrix is written, packed and read back: at resnetish's thin products (16 channels, 3×3) im2col and the
// gemm's packing of cols cost about as much as the multiply-adds. The weight is packed once per call of a chunk.
// Each output sums its taps in order with madd, as gemmF32 sums them up to its 256-deep blocks: up to 256 taps, y has
// the bits of im2col + gemmF32 (past that the gemm stores a block's sum and adds the next; this sums on in registers).
// The input gradient is the same kernel run on dy: dx = conv(dy, W transposed and flipped, padding k - 1 - pad).
// The weight gradient (conv2dStride1WeightGradF32) reads the same padded input, with dy transposed.

import { broadcast, madd, storeTransposed4x4 } from './simd';

const MR: i32 = 4; // output channels of the register tile
const TILE_BYTES: usize = <usize>(MR * 32);

// @ts-ignore: decorator
@inline
function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

// @ts-ignore: decorator
@inline
function packedWeightBytes(O: i32, K: i32): usize {
  return <usize>(roundUp4(O) * K) << 2;
}

/**
 * Bytes of scratch conv2dStride1F32 needs for C input channels, a kH×kW kernel, an Ho×Wo output and O output
 * channels: the packed weight (which convPackWeightF32 / convPackFlippedWeightF32 write at its start), the tap offsets,
 * an edge tile and the padded input.
 */
export function conv2dStride1ScratchBytes(C: i32, kH: i32, kW: i32, Ho: i32, Wo: i32, O: i32): usize {
  const K = C * kH * kW;
  const padded = <usize>(C * (Ho + kH - 1) * (roundUp4(Wo) + kW - 1)) << 2;
  return packedWeightBytes(O, K) + (<usize>roundUp4(K) << 2) + TILE_BYTES + padded;
}

/**
 * Packs weight [O, K] (rows K elements apart) at scratch for conv2dStride1F32: panels of MR rows, each holding for every
 * tap k the MR values W[o][k] contiguously; rows past O are zeros.
 */
export function convPackWeightF32(O: i32, K: i32, w: usize, scratch: usize): void {
  let d = scratch;
  for (let o0 = 0; o0 < O; o0 += MR) {
    for (let k = 0; k < K; k++) {
      for (let r = 0; r < MR; r++) {
        const o = o0 + r;
        store<f32>(d, o < O ? load<f32>(w + (<usize>(o * K + k) << 2)) : 0);
        d += 4;
      }
    }
  }
}

/**
 * Packs the weight of the input gradient's convolution at scratch, from one group's weight w[Og, Cg, kH, kW]:
 * W'[c, o, i, j] = w[o, c, kH - 1 - i, kW - 1 - j], Cg rows of K = Og·kH·kW taps, laid out as convPackWeightF32 lays W.
 */
export function convPackFlippedWeightF32(Og: i32, Cg: i32, kH: i32, kW: i32, w: usize, scratch: usize): void {
  const taps = kH * kW;
  let d = scratch;
  for (let c0 = 0; c0 < Cg; c0 += MR) {
    for (let o = 0; o < Og; o++) {
      for (let t = 0; t < taps; t++) {
        const flipped = taps - 1 - t; // (kH - 1 - i)·kW + (kW - 1 - j) for t = i·kW + j
        for (let r = 0; r < MR; r++) {
          const c = c0 + r;
          store<f32>(d, c < Cg ? load<f32>(w + (<usize>((o * Cg + c) * taps + flipped) << 2)) : 0);
          d += 4;
        }
      }
    }
  }
}

/**
 * The MR × 8 tile: c[r][0..8] (rows ldc bytes apart) = or += Σ over kc taps of the packed weight at pa times the
 * 8 inputs at base + offset, the offsets (bytes, one i32 per tap) at po.
 */
// @ts-ignore: decorator
@inline
function tile4x8(kc: i32, pa: usize, po: usize, base: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const src = base + <usize>load<i32>(po);
    const b0 = v128.load(src);
    const b1 = v128.load(src, 16);
    let a = broadcast<f32>(pa);
    c00 = madd<f32>(a, b0, c00);
    c01 = madd<f32>(a, b1, c01);
    a = broadcast<f32>(pa + 4);
    c10 = madd<f32>(a, b0, c10);
    c11 = madd<f32>(a, b1, c11);
    a = broadcast<f32>(pa + 8);
    c20 = madd<f32>(a, b0, c20);
    c21 = madd<f32>(a, b1, c21);
    a = broadcast<f32>(pa + 12);
    c30 = madd<f32>(a, b0, c30);
    c31 = madd<f32>(a, b1, c31);
    pa += 16;
    po += 4;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
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

/** The MR × 4 tile for the last four columns of a row (Wo rounded up to 4): as tile4x8 with one vector per row. */
// @ts-ignore: decorator
@inline
function tile4x4(kc: i32, pa: usize, po: usize, base: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b = v128.load(base + <usize>load<i32>(po));
    c0 = madd<f32>(broadcast<f32>(pa), b, c0);
    c1 = madd<f32>(broadcast<f32>(pa + 4), b, c1);
    c2 = madd<f32>(broadcast<f32>(pa + 8), b, c2);
    c3 = madd<f32>(broadcast<f32>(pa + 12), b, c3);
    pa += 16;
    po += 4;
  }
  if (accumulate) {
    c0 = f32x4.add(c0, v128.load(c));
    c1 = f32x4.add(c1, v128.load(c + ldc));
    c2 = f32x4.add(c2, v128.load(c + 2 * ldc));
    c3 = f32x4.add(c3, v128.load(c + 3 * ldc));
  }
  v128.store(c, c0);
  v128.store(c + ldc, c1);
  v128.store(c + 2 * ldc, c2);
  v128.store(c + 3 * ldc, c3);
}

/** Writes (or adds) the valid mr×nr corner of an edge tile (rows 32 bytes apart) into y. */
function storeEdge(tile: usize, y: usize, ldy: usize, mr: i32, nr: i32, accumulate: bool): void {
  for (let r = 0; r < mr; r++) {
    const src = tile + <usize>(r * 32);
    const dst = y + <usize>r * ldy;
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(src + o);
      store<f32>(dst + o, accumulate ? load<f32>(dst + o) + v : v);
    }
  }
}

/** dst[0..n) = 0 for f32, four at a time. */
// @ts-ignore: decorator
@inline
function zeroRun(dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.splat(0));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/**
 * Copies x[C, H, W] into xp[C, Hp, Wp] with its top-left at (padTop, padLeft), zeros around (either pad may be
 * negative). Rows are a few dozen floats: vector loops, where memory.fill/copy per run cost more in call overhead.
 */
function padInput(C: i32, H: i32, W: i32, padTop: i32, padLeft: i32, Hp: i32, Wp: i32, x: usize, xp: usize): void {
  const lo = min(max(padLeft, 0), Wp);
  const hi = max(lo, min(padLeft + W, Wp));
  const rowBytes = <usize>Wp << 2;
  let d = xp;
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < Hp; r++) {
      const ih = r - padTop;
      if (ih < 0 || ih >= H) {
        zeroRun(d, Wp);
      } else {
        zeroRun(d, lo);
        const src = x + (<usize>((c * H + ih) * W + lo - padLeft) << 2);
        const dst = d + (<usize>lo << 2);
        const n = hi - lo;
        let i = 0;
        for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
        for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
        zeroRun(d + (<usize>hi << 2), Wp - hi);
      }
      d += rowBytes;
    }
  }
}

/**
 * y[O, Ho, Wo] = (or +=, when accumulate) the stride-1 convolution of one sample x[C, H, W] with the weight packed at
 * scratch (convPackWeightF32 of [O, C·kH·kW], or convPackFlippedWeightF32), padding padTop/padLeft (negative crops);
 * byte addresses, scratch of conv2dStride1ScratchBytes(C, kH, kW, Ho, Wo, O) bytes that no other thread uses.
 */
export function conv2dStride1F32(
  C: i32, H: i32, W: i32, kH: i32, kW: i32, padTop: i32, padLeft: i32, Ho: i32, Wo: i32, O: i32,
  x: usize, y: usize, accumulate: bool, scratch: usize,
): void {
  const K = C * kH * kW;
  const Wo4 = roundUp4(Wo);
  const Hp = Ho + kH - 1;
  const Wp = Wo4 + kW - 1;
  const packed = scratch;
  const offsets = packed + packedWeightBytes(O, K);
  const tile = offsets + (<usize>roundUp4(K) << 2);
  const xp = tile + TILE_BYTES;
  padInput(C, H, W, padTop, padLeft, Hp, Wp, x, xp);
  let k = 0;
  for (let c = 0; c < C; c++) {
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        store<i32>(offsets + (<usize>k << 2), ((c * Hp + ki) * Wp + kj) << 2);
        k++;
      }
    }
  }
  const ldy = <usize>(Ho * Wo) << 2;
  for (let oh = 0; oh < Ho; oh++) {
    const xRow = xp + (<usize>(oh * Wp) << 2);
    const yRow = y + (<usize>(oh * Wo) << 2);
    for (let ow0 = 0; ow0 < Wo; ow0 += 8) {
      const wide = ow0 + 8 <= Wo4;
      const nr = min(wide ? 8 : 4, Wo - ow0);
      const base = xRow + (<usize>ow0 << 2);
      for (let o0 = 0; o0 < O; o0 += MR) {
        const pa = packed + (<usize>(o0 * K) << 2);
        const mr = min(MR, O - o0);
        const yc = yRow + <usize>o0 * ldy + (<usize>ow0 << 2);
        if (mr == MR && nr == (wide ? 8 : 4)) {
          if (wide) tile4x8(K, pa, offsets, base, yc, ldy, accumulate);
          else tile4x4(K, pa, offsets, base, yc, ldy, accumulate);
        } else {
          if (wide) tile4x8(K, pa, offsets, base, tile, 32, false);
          else tile4x4(K, pa, offsets, base, tile, 32, false);
          storeEdge(tile, yc, ldy, mr, nr, accumulate);
        }
      }
    }
  }
}

/** Bytes of scratch conv2dStride1WeightGradF32 needs: the tap offsets, dy transposed and the padded input. */
export function conv2dStride1WeightGradScratchBytes(C: i32, kH: i32, kW: i32, Ho: i32, Wo: i32, O: i32): usize {
  const K = C * kH * kW;
  const padded = <usize>(C * (Ho + kH - 1) * (roundUp4(Wo) + kW - 1)) << 2;
  return (<usize>roundUp4(K) << 2) + 32 + (<usize>(Ho * Wo * ((O + 7) & ~7)) << 2) + padded;
}

/**
 * dw[O, C·kH·kW] += the weight gradient of one sample's stride-1 convolution, Σ over positions p of dy[o, p] ·
 * xp[off(k) + p], without im2col: the gemm's register tile on dwᵀ, 4 taps × 8 output channels, with the 4 taps'
 * inputs broadcast straight from the padded input and dy read from a copy transposed to [position][channel] in panels
 * of 8 channels (zero channels up to a multiple of 8). Each tile sums over all the sample's positions, then is added into dw (taps of the
 * last tile past K repeat tap K - 1 and are dropped). Byte addresses; scratch of conv2dStride1WeightGradScratchBytes bytes.
 */
export function conv2dStride1WeightGradF32(
  C: i32, H: i32, W: i32, kH: i32, kW: i32, padTop: i32, padLeft: i32, Ho: i32, Wo: i32, O: i32,
  x: usize, dy: usize, dw: usize, scratch: usize,
): void {
  const K = C * kH * kW;
  const L = Ho * Wo;
  const O8 = (O + 7) & ~7;
  const Hp = Ho + kH - 1;
  const Wp = roundUp4(Wo) + kW - 1;
  const offsets = scratch;
  const tmp = offsets + (<usize>roundUp4(K) << 2);
  const dyT = tmp + 32;
  const xp = dyT + (<usize>(L * O8) << 2);
  padInput(C, H, W, padTop, padLeft, Hp, Wp, x, xp);
  let t = 0;
  for (let c = 0; c < C; c++) {
    for (let ki = 0; ki < kH; ki++) {
      for (let kj = 0; kj < kW; kj++) {
        store<i32>(offsets + (<usize>t << 2), ((c * Hp + ki) * Wp + kj) << 2);
        t++;
      }
    }
  }
  // dyT holds dy transposed in panels of 8 channels, each [position][8] (32 KB at 1024 positions: it stays in L1 while
  // every tap's tile streams it): 4×4 blocks transposed in registers, the edges one by one, zeros for o in [O, O8).
  const O4 = O & ~3, L4 = L & ~3;
  const plane = <usize>L << 2;
  const panelBytes = <usize>(L * 8) << 2;
  for (let o = 0; o < O4; o += 4) {
    const src = dy + <usize>o * plane;
    const dst = dyT + <usize>(o >> 3) * panelBytes + (<usize>(o & 7) << 2);
    for (let p = 0; p < L4; p += 4) {
      const s = src + (<usize>p << 2);
      storeTransposed4x4(
        v128.load(s), v128.load(s + plane), v128.load(s + 2 * plane), v128.load(s + 3 * plane), dst + (<usize>p << 5), 32,
      );
    }
  }
  for (let p = 0; p < L; p++) {
    for (let o = p < L4 ? O4 : 0; o < O8; o++) {
      const at = dyT + <usize>(o >> 3) * panelBytes + (<usize>p << 5) + (<usize>(o & 7) << 2);
      store<f32>(at, o < O ? load<f32>(dy + (<usize>(o * L + p) << 2)) : 0);
    }
  }
  const xRowBytes = <usize>Wp << 2;
  const kRowBytes = <usize>K << 2;
  for (let o0 = 0; o0 < O8; o0 += 8) {
    const panel = dyT + <usize>(o0 >> 3) * panelBytes;
    for (let k0 = 0; k0 < K; k0 += MR) {
      const p0 = xp + <usize>load<i32>(offsets + (<usize>k0 << 2));
      const p1 = xp + <usize>load<i32>(offsets + (<usize>min(k0 + 1, K - 1) << 2));
      const p2 = xp + <usize>load<i32>(offsets + (<usize>min(k0 + 2, K - 1) << 2));
      const p3 = xp + <usize>load<i32>(offsets + (<usize>min(k0 + 3, K - 1) << 2));
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let pb = panel;
      for (let oh = 0; oh < Ho; oh++) {
        let xo = <usize>oh * xRowBytes;
        const end = xo + (<usize>Wo << 2);
        for (; xo < end; xo += 4) {
          const b0 = v128.load(pb);
          const b1 = v128.load(pb, 16);
          let a = broadcast<f32>(p0 + xo);
          c00 = madd<f32>(a, b0, c00);
          c01 = madd<f32>(a, b1, c01);
          a = broadcast<f32>(p1 + xo);
          c10 = madd<f32>(a, b0, c10);
          c11 = madd<f32>(a, b1, c11);
          a = broadcast<f32>(p2 + xo);
          c20 = madd<f32>(a, b0, c20);
          c21 = madd<f32>(a, b1, c21);
          a = broadcast<f32>(p3 + xo);
          c30 = madd<f32>(a, b0, c30);
          c31 = madd<f32>(a, b1, c31);
          pb += 32;
        }
      }
      addTransposed(c00, c01, tmp, dw, o0, k0, O, K, kRowBytes);
      if (k0 + 1 < K) addTransposed(c10, c11, tmp, dw, o0, k0 + 1, O, K, kRowBytes);
      if (k0 + 2 < K) addTransposed(c20, c21, tmp, dw, o0, k0 + 2, O, K, kRowBytes);
      if (k0 + 3 < K) addTransposed(c30, c31, tmp, dw, o0, k0 + 3, O, K, kRowBytes);
    }
  }
}

/** dw[o0 + j][k] += (lo, hi)[j] for the channels j < 8 below O: one tap's row of a dwᵀ tile, through 32 bytes at tmp. */
// @ts-ignore: decorator
@inline
function addTransposed(lo: v128, hi: v128, tmp: usize, dw: usize, o0: i32, k: i32, O: i32, K: i32, kRowBytes: usize): void {
  v128.store(tmp, lo);
  v128.store(tmp, hi, 16);
  const at = dw + (<usize>(o0 * K + k) << 2);
  const n = min(8, O - o0);
  for (let j = 0; j < n; j++) {
    const p = at + <usize>j * kRowBytes;
    store<f32>(p, load<f32>(p) + load<f32>(tmp + (<usize>j << 2)));
  }
}

// Convolution and pooling kernels in f32 with WebAssembly SIMD, compiled by AssemblyScript (scripts/build-wasm.mjs).
// The caller (src/kernels/wasm/convpool.ts) owns the memory: it copies the inputs into this module's memory,
// passes byte addresses, and copies the results back. Compared selects are v128.bitselect on f32x4.gt masks:
// branch-free, so random data costs no mispredicted branches (the JS loops spend most of their time on those).

/** First free byte after this module's static data: the caller lays its buffers out from here. */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * Max and argmax of the 2×2 window whose top-left is index i0 of the plane at x (rows of width W), visiting its
 * taps in row-major order: strictly greater keeps the first maximum, and the first NaN wins and stops the search.
 * The scalar rule, for the windows left over at the end of a row and for four-window groups that hold a NaN.
 */
// @ts-ignore: decorator
@inline
function maxWindow(x: usize, i0: i32, W: i32, out: usize, indices: usize): void {
  let best = load<f32>(x + (<usize>i0 << 2));
  let at = i0;
  for (let t = 1; t < 4; t++) {
    if (best != best) break;
    const i = t == 1 ? i0 + 1 : t == 2 ? i0 + W : i0 + W + 1;
    const v = load<f32>(x + (<usize>i << 2));
    if (v > best || v != v) {
      best = v;
      at = i;
    }
  }
  store<f32>(out, best);
  store<i32>(indices, at);
}

/**
 * 2×2 stride-2 max pooling without padding over `planes` planes of H×W (Ho = ⌊H/2⌋, Wo = ⌊W/2⌋), writing the
 * values and the flat index ih·W + iw of each window's first maximum. Four windows per step: the even and odd
 * columns of the two rows are split by shuffles, then (a, b), (c, d) and the two winners are compared.
 */
export function maxPool2x2F32(planes: i32, H: i32, W: i32, Ho: i32, Wo: i32, x: usize, out: usize, indices: usize): void {
  const step = i32x4(0, 2, 4, 6);
  const one = i32x4.splat(1);
  const down = i32x4.splat(W);
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    const plane = x + (<usize>(p * H * W) << 2);
    for (let oh = 0; oh < Ho; oh++) {
      const rowIdx = 2 * oh * W;
      const r0 = plane + (<usize>rowIdx << 2);
      const r1 = r0 + (<usize>W << 2);
      let ow = 0;
      for (; ow + 4 <= Wo; ow += 4) {
        const off = <usize>(2 * ow) << 2;
        const u0 = v128.load(r0 + off);
        const u1 = v128.load(r0 + off, 16);
        const l0 = v128.load(r1 + off);
        const l1 = v128.load(r1 + off, 16);
        const a = v128.shuffle<f32>(u0, u1, 0, 2, 4, 6);
        const b = v128.shuffle<f32>(u0, u1, 1, 3, 5, 7);
        const c = v128.shuffle<f32>(l0, l1, 0, 2, 4, 6);
        const d = v128.shuffle<f32>(l0, l1, 1, 3, 5, 7);
        const nan = v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(c, c), f32x4.ne(d, d)));
        if (v128.any_true(nan)) {
          for (let k = 0; k < 4; k++) {
            maxWindow(plane, rowIdx + 2 * (ow + k), W, out + ((o + <usize>k) << 2), indices + ((o + <usize>k) << 2));
          }
        } else {
          const ia = i32x4.add(i32x4.splat(rowIdx + 2 * ow), step);
          const ic = i32x4.add(ia, down);
          // Strictly greater: on a tie the earlier of the pair (and the upper row) keeps the window.
          const bWins = f32x4.gt(b, a);
          const top = v128.bitselect(b, a, bWins);
          const topAt = v128.bitselect(i32x4.add(ia, one), ia, bWins);
          const dWins = f32x4.gt(d, c);
          const bottom = v128.bitselect(d, c, dWins);
          const bottomAt = v128.bitselect(i32x4.add(ic, one), ic, dWins);
          const bottomWins = f32x4.gt(bottom, top);
          v128.store(out + (o << 2), v128.bitselect(bottom, top, bottomWins));
          v128.store(indices + (o << 2), v128.bitselect(bottomAt, topAt, bottomWins));
        }
        o += 4;
      }
      for (; ow < Wo; ow++, o++) maxWindow(plane, rowIdx + 2 * ow, W, out + (o << 2), indices + (o << 2));
    }
  }
}

/** dst[0..n) = src[0..n) for f32 at byte addresses, four at a time. */
// @ts-ignore: decorator
@inline
function copyF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[0..n) = 0 for f32, four at a time (memory.fill is a call out of the module: slow for a few elements). */
// @ts-ignore: decorator
@inline
function zeroF32(dst: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), zero);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[0..n) = value for f32 at a byte address, four at a time: conv2d's bias rows and cleared gradients. */
export function fillF32(dst: usize, value: f32, n: i32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), value);
}

/** dst[0..n) += src[0..n) for f32 at byte addresses, four at a time. */
// @ts-ignore: decorator
@inline
function addF32(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const d = dst + (<usize>i << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const d = dst + (<usize>i << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>i << 2)));
  }
}

/** The output positions o in [lo, hi) of one kernel tap at offset off (stride 1) that read inside [0, size). */
// @ts-ignore: decorator
@inline
function validLo(off: i32, outSize: i32): i32 {
  return off >= 0 ? 0 : min(-off, outSize);
}
// @ts-ignore: decorator
@inline
function validHi(off: i32, size: i32, outSize: i32, lo: i32): i32 {
  return max(lo, min(size - off, outSize));
}

/**
 * im2col of one sample x[C, H, W] into cols[C·kH·kW, Ho·Wo] for stride 1 and dilation 1 (see src/kernels/im2col.ts):
 * each output row of each kernel tap is one contiguous run of the input row, between zeros for the padding.
 */
export function im2colStride1F32(C: i32, H: i32, W: i32, kH: i32, kW: i32, padTop: i32, padLeft: i32, Ho: i32, Wo: i32, x: usize, cols: usize): void {
  const rowBytes = <usize>Wo << 2;
  let d = cols;
  for (let c = 0; c < C; c++) {
    const plane = x + (<usize>(c * H * W) << 2);
    for (let ki = 0; ki < kH; ki++) {
      const offH = ki - padTop;
      const ohLo = validLo(offH, Ho);
      const ohHi = validHi(offH, H, Ho, ohLo);
      for (let kj = 0; kj < kW; kj++) {
        const offW = kj - padLeft;
        const owLo = validLo(offW, Wo);
        const owHi = validHi(offW, W, Wo, owLo);
        memory.fill(d, 0, <usize>ohLo * rowBytes);
        d += <usize>ohLo * rowBytes;
        let s = plane + (<usize>((ohLo + offH) * W + offW) << 2);
        for (let oh = ohLo; oh < ohHi; oh++) {
          zeroF32(d, owLo);
          copyF32(d + (<usize>owLo << 2), s + (<usize>owLo << 2), owHi - owLo);
          zeroF32(d + (<usize>owHi << 2), Wo - owHi);
          d += rowBytes;
          s += <usize>W << 2;
        }
        memory.fill(d, 0, <usize>(Ho - ohHi) * rowBytes);
        d += <usize>(Ho - ohHi) * rowBytes;
      }
    }
  }
}

/** The adjoint of im2colStride1F32: adds each entry of cols into the input position it was read from (dx += ...). */
export function col2imStride1F32(C: i32, H: i32, W: i32, kH: i32, kW: i32, padTop: i32, padLeft: i32, Ho: i32, Wo: i32, cols: usize, dx: usize): void {
  const rowBytes = <usize>Wo << 2;
  let s = cols;
  for (let c = 0; c < C; c++) {
    const plane = dx + (<usize>(c * H * W) << 2);
    for (let ki = 0; ki < kH; ki++) {
      const offH = ki - padTop;
      const ohLo = validLo(offH, Ho);
      const ohHi = validHi(offH, H, Ho, ohLo);
      for (let kj = 0; kj < kW; kj++) {
        const offW = kj - padLeft;
        const owLo = validLo(offW, Wo);
        const owHi = validHi(offW, W, Wo, owLo);
        let src = s + <usize>ohLo * rowBytes + (<usize>owLo << 2);
        let dst = plane + (<usize>((ohLo + offH) * W + offW + owLo) << 2);
        for (let oh = ohLo; oh < ohHi; oh++) {
          addF32(dst, src, owHi - owLo);
          src += rowBytes;
          dst += <usize>W << 2;
        }
        s += <usize>Ho * rowBytes;
      }
    }
  }
}

/**
 * relu of n f32 at x into out, on the bit patterns as src/ops/unary.ts's loop does (same bits): a negative number
 * (-0 and -Infinity included) becomes +0, a NaN passes unchanged.
 */
export function reluF32(x: usize, out: usize, n: i32): void {
  const magnitude = i32x4.splat(0x7fffffff);
  const nanFloor = i32x4.splat(0x7f800001);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const b = v128.load(x + (<usize>i << 2));
    const notNaN = i32x4.shr_s(i32x4.sub(v128.and(b, magnitude), nanFloor), 31); // -1 unless b is a NaN, then 0
    v128.store(out + (<usize>i << 2), v128.andnot(b, v128.and(i32x4.shr_s(b, 31), notNaN)));
  }
  for (; i < n; i++) {
    const b = load<i32>(x + (<usize>i << 2));
    const notNaN = ((b & 0x7fffffff) - 0x7f800001) >> 31;
    store<i32>(out + (<usize>i << 2), b & ~((b >> 31) & notNaN));
  }
}

/** relu's gradient: out = g where y > 0 (a positive number, +Infinity included), else +0; as src/ops/unary.ts. */
export function reluGradF32(y: usize, g: usize, out: usize, n: i32): void {
  // +0 where y <= 0 (±0, negative, -Infinity), g elsewhere, NaN included (PyTorch's threshold_backward); as
  // reluGradFloat32Bits in src/kernels/unary.ts
  const magnitude = i32x4.splat(0x7fffffff);
  const nanFloor = i32x4.splat(0x7f800001);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const b = v128.load(y + (<usize>i << 2));
    const nonZero = i32x4.shr_s(v128.or(b, i32x4.neg(b)), 31);
    const notNaN = i32x4.shr_s(i32x4.sub(v128.and(b, magnitude), nanFloor), 31);
    const keep = v128.andnot(nonZero, v128.and(i32x4.shr_s(b, 31), notNaN));
    v128.store(out + (<usize>i << 2), v128.and(v128.load(g + (<usize>i << 2)), keep));
  }
  for (; i < n; i++) {
    const b = load<i32>(y + (<usize>i << 2));
    const nonZero = (b | -b) >> 31;
    const notNaN = ((b & 0x7fffffff) - 0x7f800001) >> 31;
    store<i32>(out + (<usize>i << 2), load<i32>(g + (<usize>i << 2)) & nonZero & ~((b >> 31) & notNaN));
  }
}

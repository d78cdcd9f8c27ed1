import { test } from 'uvu';
import * as assert from 'uvu/assert';
// The wasm conv2d entries are not part of the public API, so they are imported from their source files.
import { IMPLICIT_FORWARD, IMPLICIT_INPUT_GRAD, IMPLICIT_WEIGHT_GRAD } from '../src/kernels/wasm/conv-job.js';
import {
  conv2dBackwardThreaded, conv2dForwardThreaded, setConvImplicitPasses, type ThreadedConvGeometry,
} from '../src/kernels/wasm/conv.js';
import { gemmBuild, wasmAvailable } from '../src/kernels/wasm/loader.js';

/*
 * The implicit-GEMM convolution (asm/conv-implicit.ts: forward, the input gradient as a convolution of dy with the
 * flipped weight, the weight gradient from the padded input and dy transposed) against float64 loops written from the definition, on odd shapes: 1, 3, 17 channels, widths on
 * every remainder mod 8, kernels 1×1 to 5×5 and 2×3, padding 0 to beyond the kernel (the input gradient's padding
 * k - 1 - pad is then negative), asymmetric padding, groups, depths past the 256-deep blocks. The forward pass must
 * also have the bits of im2col + gemmF32 (the kernel sums in the gemm's order).
 */

let seed = 7;
const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
const random = (n: number): Float32Array => Float32Array.from({ length: n }, next);

interface Case {
  N: number; C: number; H: number; W: number; O: number; kH: number; kW: number;
  padTop: number; padBottom: number; padLeft: number; padRight: number; groups: number;
}

const cases: Case[] = [];
const add = (c: Partial<Case> & Pick<Case, 'C' | 'H' | 'W' | 'O' | 'kH' | 'kW'>, pad: number | [number, number, number, number] = 0): void => {
  const [padTop, padBottom, padLeft, padRight] = typeof pad === 'number' ? [pad, pad, pad, pad] : pad;
  cases.push({ N: 2, groups: 1, padTop, padBottom, padLeft, padRight, ...c });
};
for (const C of [1, 3, 17]) for (const O of [1, 3, 17]) add({ C, O, H: 6, W: 9, kH: 3, kW: 3 }, 1);
for (let W = 1; W <= 17; W++) add({ C: 2, O: 5, H: 3, W, kH: 3, kW: 3 }, 1); // every output width mod 8
add({ C: 4, O: 6, H: 7, W: 5, kH: 1, kW: 1 });
add({ C: 3, O: 4, H: 9, W: 11, kH: 5, kW: 5 }, 2);
add({ C: 3, O: 4, H: 8, W: 10, kH: 2, kW: 3 }, [0, 1, 1, 1]); // 'same' for an even kernel: more padding after
add({ C: 2, O: 3, H: 5, W: 6, kH: 3, kW: 3 }, 3); // padding past the kernel
add({ C: 2, O: 3, H: 4, W: 4, kH: 3, kW: 3 }, [2, 0, 0, 2]);
add({ N: 1, C: 3, O: 2, H: 1, W: 1, kH: 3, kW: 3 }, 1);
add({ C: 6, O: 9, H: 7, W: 9, kH: 3, kW: 3, groups: 3 }, 1);
add({ N: 3, C: 4, O: 4, H: 5, W: 13, kH: 3, kW: 3, groups: 4 }, [1, 0, 2, 1]);
add({ N: 1, C: 40, O: 5, H: 6, W: 7, kH: 3, kW: 3 }, 1); // depth 360: two 256-deep blocks
add({ N: 1, C: 5, O: 40, H: 6, W: 7, kH: 3, kW: 3 }, 1); // the input gradient's depth 360
add({ N: 3, C: 16, O: 16, H: 32, W: 32, kH: 3, kW: 3 }, 1); // resnetish's block conv

const label = (c: Case): string => JSON.stringify(c);

function geometry(c: Case): ThreadedConvGeometry {
  return {
    C: c.C, H: c.H, W: c.W, kH: c.kH, kW: c.kW, padTop: c.padTop, padLeft: c.padLeft,
    Ho: c.H + c.padTop + c.padBottom - c.kH + 1, Wo: c.W + c.padLeft + c.padRight - c.kW + 1, O: c.O, groups: c.groups,
  };
}

/** y, dx and dw in float64 from the definition of a stride-1 convolution. */
function reference(c: Case, g: ThreadedConvGeometry, x: Float32Array, w: Float32Array, b: Float32Array, dy: Float32Array) {
  const { N, C, H, W, O, kH, kW, groups } = c;
  const { Ho, Wo } = g;
  const Cg = C / groups, Og = O / groups;
  const y = new Float64Array(N * O * Ho * Wo), dx = new Float64Array(N * C * H * W), dw = new Float64Array(w.length);
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let oh = 0; oh < Ho; oh++) for (let ow = 0; ow < Wo; ow++) {
    const yi = ((n * O + o) * Ho + oh) * Wo + ow;
    let s = b[o];
    const gi = Math.floor(o / Og);
    for (let cg = 0; cg < Cg; cg++) for (let i = 0; i < kH; i++) for (let j = 0; j < kW; j++) {
      const ih = oh + i - c.padTop, iw = ow + j - c.padLeft;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
      const xi = ((n * C + gi * Cg + cg) * H + ih) * W + iw, wi = ((o * Cg + cg) * kH + i) * kW + j;
      s += x[xi] * w[wi];
      dx[xi] += dy[yi] * w[wi];
      dw[wi] += dy[yi] * x[xi];
    }
    y[yi] = s;
  }
  return { y, dx, dw };
}

function close(what: string, got: Float32Array, want: Float64Array): void {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < got.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-4 + 1e-4 * Math.abs(want[i]))) assert.unreachable(`${what} at ${i}: ${got[i]} vs ${want[i]}`);
  }
}

function run(c: Case, mask: number) {
  const g = geometry(c);
  seed = 7;
  const x = random(c.N * c.C * c.H * c.W), w = random(c.O * (c.C / c.groups) * c.kH * c.kW), b = random(c.O);
  const dy = random(c.N * c.O * g.Ho * g.Wo);
  const y = new Float32Array(dy.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
  const old = setConvImplicitPasses(mask);
  try {
    assert.ok(conv2dForwardThreaded(g, c.N, x, w, b, y), 'forward ran');
    assert.ok(conv2dBackwardThreaded(g, c.N, x, w, dy, dx, dw), 'backward ran');
  } finally {
    setConvImplicitPasses(old);
  }
  return { g, x, w, b, dy, y, dx, dw };
}

if (wasmAvailable()) {
  test(`the implicit-GEMM conv2d (${gemmBuild()} build) matches float64 loops on odd shapes, forward, input and weight gradients`, () => {
    for (const c of cases) {
      const r = run(c, IMPLICIT_FORWARD | IMPLICIT_INPUT_GRAD | IMPLICIT_WEIGHT_GRAD);
      const want = reference(c, r.g, r.x, r.w, r.b, r.dy);
      close(`${label(c)}: forward`, r.y, want.y);
      close(`${label(c)}: input gradient`, r.dx, want.dx);
      close(`${label(c)}: weight gradient`, r.dw, want.dw);
    }
  });

  test('the implicit-GEMM forward pass has the bits of im2col + gemmF32 up to 256 taps; the gradients agree with gemmF32 + col2im and im2col + gemmF32 within rounding', () => {
    for (const c of cases) {
      const implicit = run(c, IMPLICIT_FORWARD | IMPLICIT_INPUT_GRAD | IMPLICIT_WEIGHT_GRAD);
      const gemm = run(c, 0);
      // Up to 256 taps (the gemm's block depth) both sum in the same order; past that the gemm adds block sums.
      if ((c.C / c.groups) * c.kH * c.kW <= 256) {
        for (let i = 0; i < gemm.y.length; i++) {
          if (!Object.is(implicit.y[i], gemm.y[i])) assert.unreachable(`${label(c)}: forward differs at ${i}: ${implicit.y[i]} vs ${gemm.y[i]}`);
        }
      } else {
        close(`${label(c)}: forward`, implicit.y, Float64Array.from(gemm.y));
      }
      close(`${label(c)}: input gradient`, implicit.dx, Float64Array.from(gemm.dx));
      close(`${label(c)}: weight gradient`, implicit.dw, Float64Array.from(gemm.dw));
    }
  });
} else {
  test('implicit-GEMM conv2d: WebAssembly SIMD is not available here, nothing to test', () => {
    assert.is(wasmAvailable(), false);
  });
}

test.run();

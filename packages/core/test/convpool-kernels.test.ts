import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, Tensor, getBackend, relu, setBackend } from '@torchlet/core';
// The kernels are not part of the public API, so they are imported from their source files.
import type { ConvGeometry } from '../src/kernels/im2col.js';
import { type PoolGeometry, avgPool2dBackward, avgPool2dForward } from '../src/kernels/pool.js';
// The variants the CPU backend picks (the wasm kernels under the wasm backend, else the loops of kernels/*.ts).
import { col2imVariant as col2im, im2colVariant as im2col } from '../src/kernels/cpu/conv.js';
import { maxPool2dForwardVariant as maxPool2dForward } from '../src/kernels/cpu/pool.js';
import { wasmAvailable } from '../src/kernels/wasm/gemm.js';
import { reluGradWasm, reluWasm } from '../src/kernels/wasm/convpool.js';

const gen = new Generator(23);
type FloatArray = Float32Array | Float64Array;

/**
 * Runs fn under every backend that can run here and returns the results: the js loops always, and the
 * WebAssembly kernels (float32 fast paths) when available. Restores the backend the suite runs under.
 */
function underEachBackend<T>(fn: () => T): T[] {
  const initial = getBackend();
  const results: T[] = [];
  try {
    for (const backend of wasmAvailable() ? (['js', 'wasm'] as const) : (['js'] as const)) {
      setBackend(backend);
      results.push(fn());
    }
  } finally {
    setBackend(initial);
  }
  return results;
}

function filled(ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, value: () => number): FloatArray {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = value();
  return a;
}

const randomArray = (ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number) => filled(ctor, n, () => gen.random() * 4 - 2);

function assertSameBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.unreachable(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

/** A convolution geometry; stride1 forces the stride-1, dilation-1 case the WebAssembly kernels cover. */
function randomConvGeometry(stride1: boolean): ConvGeometry {
  for (;;) {
    const kH = gen.integer(1, 6);
    const kW = gen.integer(1, 6);
    const [sH, sW, dH, dW] = stride1 ? [1, 1, 1, 1] : [gen.integer(1, 4), gen.integer(1, 4), gen.integer(1, 3), gen.integer(1, 3)];
    // Padding up to one past the kernel, so some taps fall wholly in the padding.
    const padTop = gen.integer(0, kH + 1);
    const padLeft = gen.integer(0, kW + 1);
    const H = gen.integer(1, 16);
    const W = gen.integer(1, 16);
    const Ho = Math.floor((H + 2 * padTop - dH * (kH - 1) - 1) / sH) + 1;
    const Wo = Math.floor((W + 2 * padLeft - dW * (kW - 1) - 1) / sW) + 1;
    if (Ho < 1 || Wo < 1) continue;
    return { C: gen.integer(1, 4), H, W, kH, kW, strideH: sH, strideW: sW, padTop, padLeft, dilationH: dH, dilationW: dW, Ho, Wo };
  }
}

/** im2col from its definition: cols[(c·kH + ki)·kW + kj][oh·Wo + ow] = x[c][oh·s - pad + ki·d][ow·s - pad + kj·d], 0 outside. */
function naiveIm2col(g: ConvGeometry, x: ArrayLike<number>, xOff: number, cols: FloatArray, colsOff: number): void {
  const L = g.Ho * g.Wo;
  for (let c = 0; c < g.C; c++)
    for (let ki = 0; ki < g.kH; ki++)
      for (let kj = 0; kj < g.kW; kj++)
        for (let oh = 0; oh < g.Ho; oh++)
          for (let ow = 0; ow < g.Wo; ow++) {
            const ih = oh * g.strideH - g.padTop + ki * g.dilationH;
            const iw = ow * g.strideW - g.padLeft + kj * g.dilationW;
            const inside = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W;
            cols[colsOff + ((c * g.kH + ki) * g.kW + kj) * L + oh * g.Wo + ow] = inside ? x[xOff + (c * g.H + ih) * g.W + iw] : 0;
          }
}

/** col2im from its definition, visiting cols in the same row order as the kernels, so the sums round the same way. */
function naiveCol2im(g: ConvGeometry, cols: ArrayLike<number>, colsOff: number, dx: FloatArray, dxOff: number): void {
  const L = g.Ho * g.Wo;
  for (let c = 0; c < g.C; c++)
    for (let ki = 0; ki < g.kH; ki++)
      for (let kj = 0; kj < g.kW; kj++)
        for (let oh = 0; oh < g.Ho; oh++)
          for (let ow = 0; ow < g.Wo; ow++) {
            const ih = oh * g.strideH - g.padTop + ki * g.dilationH;
            const iw = ow * g.strideW - g.padLeft + kj * g.dilationW;
            if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
            dx[dxOff + (c * g.H + ih) * g.W + iw] += cols[colsOff + ((c * g.kH + ki) * g.kW + kj) * L + oh * g.Wo + ow];
          }
}

const describeConv = (g: ConvGeometry) =>
  `C${g.C} ${g.H}x${g.W} k${g.kH}x${g.kW} s${g.strideH},${g.strideW} p${g.padTop},${g.padLeft} d${g.dilationH},${g.dilationW}`;

test('im2col and col2im equal their definitions to the bit, in both dtypes, on every backend (fast stride-1 and general paths)', () => {
  for (let trial = 0; trial < 120; trial++) {
    const g = randomConvGeometry(trial % 3 !== 0);
    const ctor = trial % 2 === 0 ? Float32Array : Float64Array;
    const inLen = g.C * g.H * g.W;
    const colsLen = g.C * g.kH * g.kW * g.Ho * g.Wo;
    // Offsets into larger buffers, as the conv op uses them (sample n of a batch); stale values must be overwritten.
    const xOff = gen.integer(0, 5);
    const colsOff = gen.integer(0, 5);
    const x = randomArray(ctor, xOff + inLen + 3);
    const expectedCols = randomArray(ctor, colsOff + colsLen + 2);
    const stale = expectedCols.slice();
    naiveIm2col(g, x, xOff, expectedCols, colsOff);
    const dcols = randomArray(ctor, colsOff + colsLen + 2);
    const dx0 = randomArray(ctor, xOff + inLen + 3);
    const expectedDx = dx0.slice();
    naiveCol2im(g, dcols, colsOff, expectedDx, xOff);
    const runs = underEachBackend(() => {
      const cols = stale.slice();
      im2col(g, x, xOff, cols, colsOff);
      const dx = dx0.slice();
      col2im(g, dcols, colsOff, dx, xOff);
      return { backend: getBackend(), cols, dx };
    });
    for (const { backend, cols, dx } of runs) {
      assertSameBits(cols, expectedCols, `im2col ${backend} ${ctor.name} ${describeConv(g)}`);
      assertSameBits(dx, expectedDx, `col2im ${backend} ${ctor.name} ${describeConv(g)}`);
    }
  }
});

/** Seed 001's max-pool loop for 2×2 windows at stride 2: np.argmax keeps the first maximum; a NaN wins as in PyTorch. */
function naiveMaxPool2x2(planes: number, H: number, W: number, x: ArrayLike<number>) {
  const Ho = Math.floor(H / 2);
  const Wo = Math.floor(W / 2);
  const out = new Float64Array(planes * Ho * Wo);
  const idx = new Int32Array(out.length);
  for (let p = 0; p < planes; p++)
    for (let i = 0; i < Ho; i++)
      for (let j = 0; j < Wo; j++) {
        let best = NaN;
        let at = -1;
        for (const [a, b] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
          const k = (2 * i + a) * W + 2 * j + b;
          const v = x[p * H * W + k];
          if (at >= 0 && best !== best) break;
          if (at < 0 || v > best || v !== v) {
            best = v;
            at = k;
          }
        }
        out[(p * Ho + i) * Wo + j] = best;
        idx[(p * Ho + i) * Wo + j] = at;
      }
  return { out, idx, Ho, Wo };
}

const special = [NaN, Infinity, -Infinity, 0, -0];

test('maxPool2d 2x2 stride-2 kernels equal the reference: ties, NaN, ±Infinity, ±0, every row remainder, both dtypes and backends', () => {
  for (let trial = 0; trial < 80; trial++) {
    const planes = gen.integer(1, 4);
    // Widths 2..21 give every number of windows modulo 4 (the WebAssembly kernel takes four at a time), odd sizes drop the last row/column.
    const H = gen.integer(2, 12);
    const W = gen.integer(2, 22);
    const ctor = trial % 4 === 3 ? Float64Array : Float32Array;
    const specialRate = trial % 2 === 0 ? 0 : 0.08;
    // Small integers make ties common.
    const x = filled(ctor, planes * H * W, () => (gen.random() < specialRate ? special[gen.integer(0, special.length)] : gen.integer(-3, 4)));
    const ref = naiveMaxPool2x2(planes, H, W, x);
    const g: PoolGeometry = { planes, H, W, kH: 2, kW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, Ho: ref.Ho, Wo: ref.Wo };
    const runs = underEachBackend(() => {
      const out = new ctor(ref.out.length).fill(7);
      const indices = new Int32Array(ref.idx.length).fill(-7);
      maxPool2dForward(g, x, out, indices);
      return { backend: getBackend(), out, indices };
    });
    for (const { backend, out, indices } of runs) {
      const what = `${backend} ${ctor.name} planes ${planes} ${H}x${W}`;
      assertSameBits(out, ref.out, `values ${what}`);
      assertSameBits(indices, ref.idx, `indices ${what}`);
    }
  }
});

test('maxPool2d 2x2 stride-2 kernel on random reals, where the winner of every window is unpredictable', () => {
  const [planes, H, W] = [5, 26, 26];
  const x = randomArray(Float32Array, planes * H * W);
  const ref = naiveMaxPool2x2(planes, H, W, x);
  const g: PoolGeometry = { planes, H, W, kH: 2, kW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, Ho: 13, Wo: 13 };
  for (const { out, indices } of underEachBackend(() => {
    const out = new Float32Array(ref.out.length);
    const indices = new Int32Array(ref.idx.length);
    maxPool2dForward(g, x, out, indices);
    return { out, indices };
  })) {
    assertSameBits(out, ref.out, 'values');
    assertSameBits(indices, ref.idx, 'indices');
  }
});

test('avgPool2d kernels: windows inside the input (the unclipped path) equal the definition, 2x2 and other sizes', () => {
  for (let trial = 0; trial < 40; trial++) {
    const kH = trial % 2 === 0 ? 2 : gen.integer(1, 5);
    const kW = trial % 2 === 0 ? 2 : gen.integer(1, 5);
    const sH = trial % 2 === 0 ? 2 : gen.integer(1, 4);
    const sW = trial % 2 === 0 ? 2 : gen.integer(1, 4);
    const H = kH + gen.integer(0, 10);
    const W = kW + gen.integer(0, 10);
    const Ho = Math.floor((H - kH) / sH) + 1;
    const Wo = Math.floor((W - kW) / sW) + 1;
    const planes = gen.integer(1, 4);
    const ctor = trial % 3 === 0 ? Float32Array : Float64Array;
    const divisorOverride = trial % 5 === 0 ? gen.integer(1, 7) : 0;
    const count = divisorOverride || kH * kW;
    const g: PoolGeometry = { planes, H, W, kH, kW, strideH: sH, strideW: sW, padH: 0, padW: 0, dilationH: 1, dilationW: 1, Ho, Wo };
    const x = randomArray(ctor, planes * H * W);
    const dy = randomArray(ctor, planes * Ho * Wo);
    const out = new ctor(planes * Ho * Wo);
    const expectedOut = new ctor(out.length);
    const dx = randomArray(ctor, x.length);
    const expectedDx = dx.slice();
    for (let p = 0; p < planes; p++)
      for (let i = 0; i < Ho; i++)
        for (let j = 0; j < Wo; j++) {
          const o = (p * Ho + i) * Wo + j;
          let s = 0;
          for (let a = 0; a < kH; a++) for (let b = 0; b < kW; b++) s += x[p * H * W + (i * sH + a) * W + j * sW + b];
          expectedOut[o] = s / count;
          for (let a = 0; a < kH; a++) for (let b = 0; b < kW; b++) expectedDx[p * H * W + (i * sH + a) * W + j * sW + b] += dy[o] / count;
        }
    for (const countIncludePad of [true, false]) {
      avgPool2dForward(g, { countIncludePad, divisorOverride }, x, out);
      assertSameBits(out, expectedOut, `avgPool2dForward k${kH}x${kW} s${sH},${sW} ${H}x${W} divisor ${count}`);
    }
    avgPool2dBackward(g, { countIncludePad: true, divisorOverride }, dy, dx);
    assertSameBits(dx, expectedDx, `avgPool2dBackward k${kH}x${kW} s${sH},${sW} ${H}x${W} divisor ${count}`);
  }
});

/** Bit patterns relu and its gradient must handle: ±0, ±Infinity, NaNs of both signs, subnormals, the extremes. */
const specialBits = [
  0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x00000001,
  0x80000001, 0x007fffff, 0x807fffff, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000,
];

/** relu on one float32 bit pattern, from its definition: a negative number (-0, -Infinity) gives +0, NaN passes. */
function reluBits(b: number): number {
  const v = new Float32Array(new Int32Array([b]).buffer)[0];
  return v !== v ? b | 0 : v > 0 ? b | 0 : 0;
}

function bitsArray(n: number, pick: (i: number) => number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => pick(i));
}

test('relu and its gradient in WebAssembly equal the definition to the bit: ±0, ±Infinity, NaN, subnormals, every length remainder', () => {
  if (!wasmAvailable()) return;
  const randomBits = (): number => (gen.random() * 2 ** 32) | 0;
  for (const n of [1, 3, 4, 5, 8, 17, 4099]) {
    const x = bitsArray(n, (i) => (i < specialBits.length ? specialBits[(i * 7) % specialBits.length] : randomBits()));
    const g = bitsArray(n, () => randomBits());
    const out = new Float32Array(n);
    assert.ok(reluWasm(new Float32Array(x.buffer), out));
    const outBits = new Int32Array(out.buffer);
    for (let i = 0; i < n; i++) assert.is(outBits[i], reluBits(x[i]), `relu of bits 0x${(x[i] >>> 0).toString(16)} (n ${n})`);
    // The gradient gives +0 where relu's output y is <= 0, else passes g (NaN included, as PyTorch).
    const dx = new Float32Array(n);
    assert.ok(reluGradWasm(out, new Float32Array(g.buffer), dx));
    const dxBits = new Int32Array(dx.buffer);
    for (let i = 0; i < n; i++) {
      const y = out[i];
      assert.is(dxBits[i], y <= 0 ? 0 : g[i], `relu gradient at y = ${y} (bits 0x${(outBits[i] >>> 0).toString(16)}, n ${n})`);
    }
    // and on every pattern as y itself, not only relu's outputs: negative numbers, -0 and NaNs of both signs
    const dy = new Float32Array(n);
    assert.ok(reluGradWasm(new Float32Array(x.buffer), new Float32Array(g.buffer), dy));
    const dyBits = new Int32Array(dy.buffer);
    const xf = new Float32Array(x.buffer);
    for (let i = 0; i < n; i++) assert.is(dyBits[i], xf[i] <= 0 ? 0 : g[i], `relu gradient at y bits 0x${(x[i] >>> 0).toString(16)} (n ${n})`);
  }
});

test('relu (op) gives the same bits on both backends above the WebAssembly size, forward and backward', () => {
  const n = 5003;
  const x = new Tensor(new Float32Array(n), [n]);
  const xBits = new Int32Array(x.data.buffer);
  for (let i = 0; i < n; i++) xBits[i] = i < specialBits.length ? specialBits[i] : (gen.random() * 2 ** 32) | 0;
  const upstream = new Tensor(Float32Array.from({ length: n }, () => gen.normal()), [n]);
  const [js, wasm = js] = underEachBackend(() => {
    const xc = new Tensor(Float32Array.from(x.data), [n]);
    xc.requiresGrad = true;
    const y = relu(xc);
    y.backward(upstream);
    return [new Int32Array(Float32Array.from(y.data).buffer), new Int32Array(Float32Array.from(xc.grad!.data).buffer)];
  });
  assert.equal(Array.from(wasm[0]), Array.from(js[0]), 'forward');
  assert.equal(Array.from(wasm[1]), Array.from(js[1]), 'backward');
  const yBits = js[0];
  for (let i = 0; i < n; i++) assert.is(yBits[i], reluBits(xBits[i]), `relu at ${i}`);
});

test.run();

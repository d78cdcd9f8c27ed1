import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, Tensor, assertClose, conv2d, getBackend, setBackend, type Conv2dOptions } from '@torchlet/core';
// The pool is not part of the public API, so it is imported from its source files.
import { col2im, im2col, type ConvGeometry } from '../src/kernels/im2col.js';
import { setConvSplitMinWork } from '../src/kernels/wasm/conv.js';
import { gemmWasm, wasmAvailable } from '../src/kernels/wasm/gemm.js';
import { getNumThreads, setNumThreads, threadsReady, workerChunks } from '../src/kernels/wasm/pool.js';

const gen = new Generator(5);

function random(shape: readonly number[], requiresGrad = true): Tensor {
  const t = new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = gen.normal();
  t.requiresGrad = requiresGrad;
  return t;
}

interface Result {
  y: Float32Array;
  dx: Float32Array | null;
  dw: Float32Array | null;
  db: Float32Array | null;
}

/** conv2d forward, then backward of sum(y · dy) with a fixed random dy, from fresh copies of the inputs. */
function run(x: Tensor, w: Tensor, b: Tensor | null, dy: Tensor, options: Conv2dOptions): Result {
  const copy = (t: Tensor): Tensor => {
    const c = new Tensor(Float32Array.from(t.data), t.shape);
    c.requiresGrad = t.requiresGrad;
    return c;
  };
  const [xc, wc, bc] = [copy(x), copy(w), b ? copy(b) : null];
  const y = conv2d(xc, wc, bc, options);
  y.mul(dy).sum().backward();
  const data = (t: Tensor | null): Float32Array | null => (t === null ? null : Float32Array.from(t.data));
  return { y: Float32Array.from(y.data), dx: data(xc.grad), dw: data(wc.grad), db: data(bc?.grad ?? null) };
}

const sameBits = (label: string, a: Float32Array | null, b: Float32Array | null): void => {
  assert.ok(a !== null && b !== null, `${label}: missing`);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.unreachable(`${label} differs at ${i}: ${a[i]} vs ${b[i]}`);
  assert.is(a.length, b.length, label);
};

interface Case {
  x: number[];
  w: number[];
  bias: boolean;
  options: Conv2dOptions;
  inputGrad: boolean;
}

const cases: Case[] = [
  { x: [64, 1, 28, 28], w: [6, 1, 5, 5], bias: true, options: { padding: 2 }, inputGrad: false }, // LeNet-5's conv1
  { x: [64, 6, 14, 14], w: [16, 6, 5, 5], bias: true, options: {}, inputGrad: true }, // LeNet-5's conv2
  { x: [13, 4, 9, 11], w: [6, 2, 3, 3], bias: false, options: { padding: [1, 2], groups: 2 }, inputGrad: true },
  { x: [3, 3, 10, 10], w: [8, 3, 3, 3], bias: true, options: { padding: 'same' }, inputGrad: true }, // fewer samples than chunks
  { x: [64, 16, 12, 12], w: [16, 16, 3, 3], bias: false, options: { padding: 1 }, inputGrad: true }, // resnetish's: implicit input gradient
];

const label = (c: Case): string => `x ${JSON.stringify(c.x)}, w ${JSON.stringify(c.w)}, ${JSON.stringify(c.options)}`;

if (wasmAvailable()) {
  const savedThreads = getNumThreads();
  const savedBackend = getBackend();

  test.before(() => setBackend('wasm'));
  test.after(() => {
    setNumThreads(savedThreads);
    setBackend(savedBackend);
  });

  /**
   * The per-sample loop of kernels/cpu/conv.ts written out with the wasm product (gemmWasm) and the reference
   * im2col/col2im (the wasm ones have their bits): what conv2d on one thread computed before it ran inside wasm.
   */
  function perSampleLoop(c: Case, x: Tensor, w: Tensor, b: Tensor | null, dy: Tensor): Result {
    const [N, C, H, W] = c.x;
    const [O, Cg, kH, kW] = c.w;
    const groups = c.options.groups ?? 1;
    const [Ho, Wo] = [dy.shape[2], dy.shape[3]];
    const pad = c.options.padding === 'same' ? [(kH - 1) >> 1, (kW - 1) >> 1] : [c.options.padding ?? 0].flat() as number[];
    const g: ConvGeometry = {
      C, H, W, kH, kW, strideH: 1, strideW: 1, padTop: pad[0], padLeft: pad[1] ?? pad[0], dilationH: 1, dilationW: 1, Ho, Wo,
    };
    const [Og, rowsG, L] = [O / groups, Cg * kH * kW, Ho * Wo];
    const X = x.data as Float32Array, Wt = w.data as Float32Array, G = dy.data as Float32Array;
    const y = new Float32Array(N * O * L), dx = new Float32Array(x.data.length), dw = new Float32Array(w.data.length);
    const cols = new Float32Array(C * kH * kW * L);
    if (b !== null) for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) y.fill(b.data[o], (n * O + o) * L, (n * O + o + 1) * L);
    for (let n = 0; n < N; n++) {
      im2col(g, X, n * C * H * W, cols, 0);
      for (let gi = 0; gi < groups; gi++) {
        gemmWasm(false, false, Og, L, rowsG, Wt, gi * Og * rowsG, cols, gi * rowsG * L, y, (n * O + gi * Og) * L, b !== null);
        gemmWasm(false, true, Og, rowsG, L, G, (n * O + gi * Og) * L, cols, gi * rowsG * L, dw, gi * Og * rowsG, true);
        gemmWasm(true, false, rowsG, L, Og, Wt, gi * Og * rowsG, G, (n * O + gi * Og) * L, cols, gi * rowsG * L, false);
      }
      col2im(g, cols, 0, dx, n * C * H * W);
    }
    return { y, dx, dw, db: null };
  }

  test('conv2d on one thread runs the batch inside wasm: forward with the bits of the per-sample loop of wasm products, the gradients (implicit-GEMM kernels at some shapes) within rounding', () => {
    setNumThreads(1);
    for (const c of cases) {
      const x = random(c.x, true);
      const w = random(c.w);
      const b = c.bias ? random([c.w[0]]) : null;
      const dy = random(conv2d(x, w, b, c.options).shape, false);
      const one = run(x, w, b, dy, c.options);
      const loop = perSampleLoop(c, x, w, b, dy);
      const name = label(c);
      sameBits(`${name}: forward`, one.y, loop.y);
      assertClose(new Tensor(one.dx!, c.x), new Tensor(loop.dx!, c.x), { atol: 1e-4, rtol: 1e-5 });
      assertClose(new Tensor(one.dw!, c.w), new Tensor(loop.dw!, c.w), { atol: 1e-4, rtol: 1e-5 });
    }
  });

  test('conv2d split across 2 threads: forward and input gradient have the bits of one thread, the weight gradient is within rounding', async () => {
    const oldMin = setConvSplitMinWork(0);
    try {
      for (const c of cases) {
        const x = random(c.x, c.inputGrad);
        const w = random(c.w);
        const b = c.bias ? random([c.w[0]]) : null;
        setNumThreads(1);
        const probe = conv2d(x, w, b, c.options);
        const dy = random(probe.shape, false);
        const one = run(x, w, b, dy, c.options);
        setNumThreads(2);
        assert.is(await threadsReady(), 2, 'the worker starts');
        const before = workerChunks();
        const two = run(x, w, b, dy, c.options);
        const name = label(c);
        sameBits(`${name}: forward`, two.y, one.y);
        if (c.inputGrad) sameBits(`${name}: input gradient`, two.dx, one.dx);
        else assert.is(two.dx, null, `${name}: no input gradient asked for`);
        if (c.bias) sameBits(`${name}: bias gradient`, two.db, one.db);
        assert.ok(two.dw !== null && one.dw !== null);
        assertClose(new Tensor(two.dw, c.w), new Tensor(one.dw, c.w), { atol: 1e-4, rtol: 1e-5 });
        // Same thread count, same chunks: the weight gradient has the same bits from call to call.
        const again = run(x, w, b, dy, c.options);
        sameBits(`${name}: weight gradient, second call`, again.dw, two.dw);
        // On the large cases the worker should take part: it wakes within a chunk or two (tens of microseconds), so a
        // few calls are plenty even on a busy machine. The small cases may be done before the worker has woken.
        for (let i = 0; i < 20 && c.x[0] >= 64 && workerChunks() === before; i++) run(x, w, b, dy, c.options);
        if (c.x[0] >= 64) assert.ok(workerChunks() > before, `${name}: the worker computed some of the samples`);
      }
    } finally {
      setConvSplitMinWork(oldMin);
    }
  });

  test('conv2d with 2 threads gives the same bits whether the worker takes part or not (not started, or below the split size)', async () => {
    const c = cases[1];
    const x = random(c.x, c.inputGrad);
    const w = random(c.w);
    const b = random([c.w[0]]);
    setNumThreads(1);
    const dy = random(conv2d(x, w, b, c.options).shape, false);
    setNumThreads(2);
    await threadsReady();
    const oldMin = setConvSplitMinWork(0);
    let split: Result;
    try {
      split = run(x, w, b, dy, c.options);
    } finally {
      setConvSplitMinWork(Number.POSITIVE_INFINITY);
    }
    const before = workerChunks();
    const mainOnly = run(x, w, b, dy, c.options);
    assert.is(workerChunks(), before, 'below the split size the worker takes no chunk');
    setConvSplitMinWork(oldMin);
    // A worker that is still starting never holds a call up: the main thread computes every chunk.
    setNumThreads(1);
    setNumThreads(2);
    const fresh = run(x, w, b, dy, c.options);
    for (const [name, r] of [['main thread only', mainOnly], ['worker starting', fresh]] as const) {
      sameBits(`${name}: forward`, r.y, split.y);
      sameBits(`${name}: input gradient`, r.dx, split.dx);
      sameBits(`${name}: weight gradient`, r.dw, split.dw);
    }
    await threadsReady();
  });

  test('conv2d with more threads than the worker count ready (3 asked) still computes every sample', async () => {
    const c = cases[2];
    const x = random(c.x, true);
    const w = random(c.w);
    setNumThreads(1);
    const dy = random(conv2d(x, w, null, c.options).shape, false);
    const one = run(x, w, null, dy, c.options);
    setNumThreads(3);
    const oldMin = setConvSplitMinWork(0);
    try {
      await threadsReady();
      const three = run(x, w, null, dy, c.options);
      sameBits('forward', three.y, one.y);
      sameBits('input gradient', three.dx, one.dx);
      assertClose(new Tensor(three.dw!, c.w), new Tensor(one.dw!, c.w), { atol: 1e-4, rtol: 1e-5 });
    } finally {
      setConvSplitMinWork(oldMin);
      setNumThreads(2);
    }
  });

  test('conv2d cases outside the threaded path (strided, dilated, float64, empty batch) give the same bits with 1 or 2 threads', async () => {
    const x = random([8, 3, 12, 12]);
    const w = random([4, 3, 3, 3]);
    for (const options of [{ stride: 2 }, { dilation: 2 }] as Conv2dOptions[]) {
      setNumThreads(1);
      const dy = random(conv2d(x, w, null, options).shape, false);
      const one = run(x, w, null, dy, options);
      setNumThreads(2);
      await threadsReady();
      const two = run(x, w, null, dy, options);
      sameBits(`${JSON.stringify(options)}: forward`, two.y, one.y);
      sameBits(`${JSON.stringify(options)}: weight gradient`, two.dw, one.dw);
    }
    const x64 = x.double();
    const w64 = w.double();
    setNumThreads(2);
    const y2 = conv2d(x64, w64);
    setNumThreads(1);
    const y1 = conv2d(x64, w64);
    assert.equal(Array.from(y2.data), Array.from(y1.data));
    setNumThreads(2);
    const empty = random([0, 3, 12, 12]);
    const y0 = conv2d(empty, w, null, { padding: 1 });
    assert.equal(y0.shape, [0, 4, 12, 12]);
    y0.sum().backward();
    assert.equal(w.grad?.shape, [4, 3, 3, 3]);
    assert.ok(Array.from(w.grad!.data).every((v) => v === 0), 'an empty batch gives a zero weight gradient');
  });
} else {
  test('conv2d threads: WebAssembly SIMD is not available here, nothing to test', () => {
    assert.is(wasmAvailable(), false);
  });
}

test.run();

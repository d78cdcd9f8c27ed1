import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, adaptiveAvgPool2d, assertClose, avgPool2d, gradcheck, manualSeed, maxPool2d, randn, tensor, zeros } from '@torchlet/core';

manualSeed(5);
const gen = new Generator(17);

interface PoolCfg {
  N: number; C: number; H: number; W: number; kH: number; kW: number;
  sH: number; sW: number; pH: number; pW: number; dH: number; dW: number; ceil: boolean; Ho: number; Wo: number;
}

/** PyTorch's output size, written out independently of the library. */
function outSize(size: number, k: number, p: number, s: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out -= 1;
  return out;
}

/** A random configuration: overlapping (stride < kernel) and gapped windows, padding up to half the kernel, odd sizes. */
function randomPool(dilated: boolean): PoolCfg {
  for (;;) {
    const kH = gen.integer(1, 5);
    const kW = gen.integer(1, 5);
    const c = {
      N: gen.integer(1, 3), C: gen.integer(1, 4), H: gen.integer(3, 10), W: gen.integer(3, 10), kH, kW,
      sH: gen.integer(1, 4), sW: gen.integer(1, 4), pH: gen.integer(0, Math.floor(kH / 2) + 1), pW: gen.integer(0, Math.floor(kW / 2) + 1),
      dH: dilated ? gen.integer(1, 3) : 1, dW: dilated ? gen.integer(1, 3) : 1, ceil: gen.random() < 0.5,
    };
    const Ho = outSize(c.H, c.kH, c.pH, c.sH, c.dH, c.ceil);
    const Wo = outSize(c.W, c.kW, c.pW, c.sW, c.dW, c.ceil);
    if (Ho >= 1 && Wo >= 1) return { ...c, Ho, Wo };
  }
}

const describe = (c: PoolCfg) => `N${c.N} C${c.C} ${c.H}x${c.W} k${c.kH}x${c.kW} s${c.sH},${c.sW} p${c.pH},${c.pW} d${c.dH},${c.dW} ceil ${c.ceil}`;

/** Seed 001's MaxPool2D.forward loops (np.argmax keeps the first maximum), with padding and dilation. */
function naiveMaxPool(x: ArrayLike<number>, c: PoolCfg) {
  const out = new Float64Array(c.N * c.C * c.Ho * c.Wo);
  const idx = new Int32Array(out.length);
  for (let p = 0; p < c.N * c.C; p++)
    for (let i = 0; i < c.Ho; i++)
      for (let j = 0; j < c.Wo; j++) {
        let best = -Infinity;
        let at = -1;
        for (let a = 0; a < c.kH; a++)
          for (let b = 0; b < c.kW; b++) {
            const h = i * c.sH - c.pH + a * c.dH;
            const w = j * c.sW - c.pW + b * c.dW;
            if (h < 0 || h >= c.H || w < 0 || w >= c.W) continue;
            const v = x[p * c.H * c.W + h * c.W + w];
            if (at < 0 || v > best) {
              best = v;
              at = h * c.W + w;
            }
          }
        out[(p * c.Ho + i) * c.Wo + j] = best;
        idx[(p * c.Ho + i) * c.Wo + j] = at;
      }
  return { out, idx };
}

/** Seed 001's MaxPool2D.backward: d_x[max_h, max_w] += d_out. */
function naiveMaxPoolBackward(dy: ArrayLike<number>, idx: Int32Array, c: PoolCfg): Float64Array {
  const dx = new Float64Array(c.N * c.C * c.H * c.W);
  for (let p = 0; p < c.N * c.C; p++)
    for (let l = 0; l < c.Ho * c.Wo; l++) if (idx[p * c.Ho * c.Wo + l] >= 0) dx[p * c.H * c.W + idx[p * c.Ho * c.Wo + l]] += dy[p * c.Ho * c.Wo + l];
  return dx;
}

const pair = (a: number, b: number): [number, number] => [a, b];
const avgOptions = (c: PoolCfg) => ({ kernelSize: pair(c.kH, c.kW), stride: pair(c.sH, c.sW), padding: pair(c.pH, c.pW), ceilMode: c.ceil });
const maxOptions = (c: PoolCfg) => ({ ...avgOptions(c), dilation: pair(c.dH, c.dW) });

test('maxPool2d forward, indices and backward match the nested loops on random configurations', () => {
  for (let trial = 0; trial < 60; trial++) {
    const c = randomPool(true);
    // Small integers make ties common, so the first-maximum rule is exercised.
    const x = tensor(Array.from({ length: c.N * c.C * c.H * c.W }, () => gen.integer(-3, 4)), { shape: [c.N, c.C, c.H, c.W], dtype: 'float64', requiresGrad: true });
    const { values, indices } = maxPool2d(x, { ...maxOptions(c), returnIndices: true });
    const ref = naiveMaxPool(x.data, c);
    try {
      assert.equal(values.shape, [c.N, c.C, c.Ho, c.Wo]);
      assert.is(indices.dtype, 'int32');
      assert.equal(Array.from(indices.data), Array.from(ref.idx));
      assertClose(values, ref.out);
      const dy = randn(values.shape, { dtype: 'float64' });
      values.backward(dy);
      assertClose(x.grad!, naiveMaxPoolBackward(dy.data, ref.idx, c), { atol: 1e-12, rtol: 1e-12 });
    } catch (e) {
      throw new Error(`${describe(c)}: ${(e as Error).message}`);
    }
  }
});

test('maxPool2d 2x2 stride 2 (the dedicated loop and WebAssembly kernel) matches the nested loops in float32 and float64', () => {
  for (let trial = 0; trial < 24; trial++) {
    const [N, C, H, W] = [gen.integer(1, 3), gen.integer(1, 4), gen.integer(2, 15), gen.integer(2, 23)];
    const c: PoolCfg = { N, C, H, W, kH: 2, kW: 2, sH: 2, sW: 2, pH: 0, pW: 0, dH: 1, dW: 1, ceil: false, Ho: Math.floor(H / 2), Wo: Math.floor(W / 2) };
    const dtype = trial % 2 === 0 ? 'float32' : 'float64';
    // ReLU-like data: many tied zeros, and random reals whose window winners are unpredictable.
    const x = tensor(Array.from({ length: N * C * H * W }, () => Math.max(0, gen.random() * 2 - 1)), { shape: [N, C, H, W], dtype, requiresGrad: true });
    const { values, indices } = maxPool2d(x, { kernelSize: 2, returnIndices: true });
    const ref = naiveMaxPool(x.data, c);
    const dy = randn(values.shape, { dtype });
    values.backward(dy);
    try {
      assert.equal(Array.from(indices.data), Array.from(ref.idx));
      assertClose(values, ref.out, { atol: 0, rtol: 0 });
      assertClose(x.grad!, naiveMaxPoolBackward(dy.data, ref.idx, c), { atol: 0, rtol: 0 });
    } catch (e) {
      throw new Error(`${dtype} ${describe(c)}: ${(e as Error).message}`);
    }
  }
});

test('maxPool2d passes gradcheck in float64 (distinct random values) on random configurations', () => {
  for (let trial = 0; trial < 10; trial++) {
    const c = randomPool(true);
    const x = randn([c.N, c.C, c.H, c.W], { dtype: 'float64', requiresGrad: true });
    try {
      gradcheck((xi) => maxPool2d(xi, maxOptions(c)), [x]);
    } catch (e) {
      throw new Error(`${describe(c)}: ${(e as Error).message}`);
    }
  }
});

test('maxPool2d ties: the gradient goes to the first maximum of the window only', () => {
  // After a ReLU most windows are all zeros: each window's gradient goes to its top-left position.
  const x = zeros([1, 1, 4, 4], { dtype: 'float64', requiresGrad: true });
  const y = maxPool2d(x, 2);
  y.backward(tensor([[[[1, 2], [3, 4]]]], { dtype: 'float64' }));
  assert.equal(x.grad!.tolist(), [[[[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]]]]);
  // Overlapping windows [1, 3], [3, 3], [3, 1]: the tied middle window picks the first 3.
  const r = tensor([[[[1, 3, 3, 1]]]], { dtype: 'float64', requiresGrad: true });
  const out = maxPool2d(r, { kernelSize: [1, 2], stride: 1, returnIndices: true });
  assert.equal(out.indices.tolist(), [[[[1, 1, 2]]]]);
  out.values.backward(tensor([[[[1, 10, 100]]]], { dtype: 'float64' }));
  assert.equal(r.grad!.tolist(), [[[[0, 11, 100, 0]]]]);
  // A 3x3 window of equal values with a higher value later: the maximum wins, not the first position.
  const z = tensor([[[[0, 0, 0], [0, 0, 0], [0, 0, 5]]]], { dtype: 'float64', requiresGrad: true });
  maxPool2d(z, 3).backward(tensor([[[[2]]]], { dtype: 'float64' }));
  assert.equal(z.grad!.tolist(), [[[[0, 0, 0], [0, 0, 0], [0, 0, 2]]]]);
  // Every window passes its gradient to exactly one position, so the gradient is conserved (unlike a max mask).
  const relu = tensor(Array.from({ length: 2 * 3 * 9 * 9 }, () => Math.max(0, gen.integer(-2, 2))), { shape: [2, 3, 9, 9], dtype: 'float64', requiresGrad: true });
  const pooled = maxPool2d(relu, { kernelSize: 3, stride: 2, padding: 1 });
  pooled.sum().backward();
  assert.is(relu.grad!.sum().item(), pooled.numel());
});

test('maxPool2d padding counts as -Infinity, indices are flat within the input plane, NaN wins', () => {
  const x = tensor([[[[-5, -6], [-7, -8]]]], { requiresGrad: true });
  const { values, indices } = maxPool2d(x, { kernelSize: 2, stride: 1, padding: 1, returnIndices: true });
  assert.equal(values.tolist(), [[[[-5, -5, -6], [-5, -5, -6], [-7, -7, -8]]]]);
  assert.equal(indices.tolist(), [[[[0, 0, 1], [0, 0, 1], [2, 2, 3]]]]);
  assert.equal(maxPool2d(tensor([[[[1, NaN], [3, 2]]]]), 2).tolist(), [[[[NaN]]]]);
  const inf = maxPool2d(tensor([[[[-Infinity, -Infinity]]]]), { kernelSize: [1, 2], returnIndices: true });
  assert.equal(inf.indices.tolist(), [[[[0]]]]);
  // With dilation a window can lie wholly in the padding: -Infinity, index -1, and no gradient.
  const gap = tensor([[[[1, 2], [3, 4]]]], { requiresGrad: true });
  const holes = maxPool2d(gap, { kernelSize: 2, stride: 1, padding: 1, dilation: 3, returnIndices: true });
  assert.equal(holes.values.tolist(), [[[[-Infinity]]]]);
  assert.equal(holes.indices.tolist(), [[[[-1]]]]);
  holes.values.backward(tensor([[[[1]]]]));
  assert.equal(gap.grad!.tolist(), [[[[0, 0], [0, 0]]]]);
  // Indices handed out are the ones backward uses: changing them in place is caught.
  const y = maxPool2d(x, { kernelSize: 2, returnIndices: true });
  y.indices.data[0] = 3;
  y.indices._bumpVersion();
  assert.throws(() => y.values.sum().backward(), /maxPool2d: a tensor saved for backward .* was modified/);
});

test("maxPool2d ceilMode follows PyTorch's rule that the last window starts inside the input or left padding", () => {
  assert.equal(maxPool2d(zeros([1, 1, 5, 5]), { kernelSize: 2, ceilMode: true }).shape, [1, 1, 3, 3]);
  assert.equal(maxPool2d(zeros([1, 1, 5, 5]), { kernelSize: 2 }).shape, [1, 1, 2, 2]);
  // (H + 2p - k + s - 1) / s + 1 = 4 windows, but the 4th would start at 6 - 1 = 5, in the right padding: dropped.
  assert.equal(maxPool2d(zeros([1, 1, 5, 5]), { kernelSize: 2, padding: 1, ceilMode: true }).shape, [1, 1, 3, 3]);
  assert.equal(maxPool2d(zeros([1, 1, 6, 6]), { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }).shape, [1, 1, 4, 4]);
  const x = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]]);
  assert.equal(maxPool2d(x, { kernelSize: 3, stride: 2, ceilMode: true }).tolist(), [[[[11, 12], [15, 16]]]]);
  assert.equal(maxPool2d(x, { kernelSize: 3, stride: 2 }).tolist(), [[[[11]]]]);
});

test('maxPool2d rejects bad input with messages naming the op and the shapes', () => {
  const x = zeros([1, 2, 6, 6]);
  assert.throws(() => maxPool2d(zeros([2, 6, 6]), 2), /^maxPool2d: expected a 4-D input \[N, C, H, W\], got shape \[2, 6, 6\]$/);
  assert.throws(() => maxPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2), /maxPool2d: expected a floating-point input, got int32/);
  assert.throws(() => maxPool2d(x, { kernelSize: 3, padding: 2 }), /^maxPool2d: padding \[2, 2\] must be at most half of kernelSize \[3, 3\]$/);
  assert.throws(() => maxPool2d(x, { kernelSize: [2, 4], padding: [1, 3] }), /maxPool2d: padding \[1, 3\] must be at most half of kernelSize \[2, 4\]/);
  assert.throws(() => maxPool2d(x, { kernelSize: 2, stride: 0 }), /maxPool2d: stride must be positive integers \(a number or \[h, w\]\), got 0/);
  assert.throws(() => maxPool2d(x, { kernelSize: 0 }), /maxPool2d: kernelSize must be positive integers/);
  assert.throws(() => maxPool2d(x, { kernelSize: 2, dilation: 0 }), /maxPool2d: dilation must be positive integers/);
  assert.throws(() => maxPool2d(x, { kernelSize: 2, padding: -1 }), /maxPool2d: padding must be non-negative integers/);
  assert.throws(() => maxPool2d(x, {} as never), /maxPool2d: kernelSize is required/);
  assert.throws(() => maxPool2d(x, 7), /^maxPool2d: input \[1, 2, 6, 6\] is too small for kernelSize \[7, 7\] and padding \[0, 0\] \(output would be \[0, 0\]\)$/);
  assert.throws(() => maxPool2d(x, { kernelSize: 3, dilation: 3 }), /maxPool2d: input \[1, 2, 6, 6\] is too small for kernelSize \[3, 3\] with dilation \[3, 3\]/);
  assert.throws(() => maxPool2d(x, 'two' as never), /maxPool2d: expected arguments .* got \(Tensor float32 .*, string\)/);
});

/** PyTorch's avg_pool2d, written as a walk over every window position. */
function naiveAvgPool(x: ArrayLike<number>, c: PoolCfg, countIncludePad: boolean, divisor: number) {
  const out = new Float64Array(c.N * c.C * c.Ho * c.Wo);
  const weights: [number, number, number][] = []; // (output, input, factor) for the backward reference
  for (let p = 0; p < c.N * c.C; p++)
    for (let i = 0; i < c.Ho; i++)
      for (let j = 0; j < c.Wo; j++) {
        let sum = 0;
        let inPadded = 0;
        let inInput = 0;
        const members: number[] = [];
        for (let a = 0; a < c.kH; a++)
          for (let b = 0; b < c.kW; b++) {
            const h = i * c.sH - c.pH + a;
            const w = j * c.sW - c.pW + b;
            if (h >= c.H + c.pH || w >= c.W + c.pW) continue; // past the padded input (ceilMode's last window)
            inPadded++;
            if (h < 0 || h >= c.H || w < 0 || w >= c.W) continue;
            inInput++;
            sum += x[p * c.H * c.W + h * c.W + w];
            members.push(p * c.H * c.W + h * c.W + w);
          }
        const o = (p * c.Ho + i) * c.Wo + j;
        const count = divisor || (countIncludePad ? inPadded : inInput);
        out[o] = inInput ? sum / count : 0;
        for (const m of members) weights.push([o, m, 1 / count]);
      }
  return { out, weights };
}

test('avgPool2d forward and backward match the nested loops (countIncludePad, ceilMode, divisorOverride)', () => {
  for (let trial = 0; trial < 60; trial++) {
    const c = randomPool(false);
    const countIncludePad = gen.random() < 0.5;
    const divisor = gen.random() < 0.2 ? gen.integer(1, 7) : 0;
    const x = randn([c.N, c.C, c.H, c.W], { dtype: 'float64', requiresGrad: true });
    const options = { ...avgOptions(c), countIncludePad, divisorOverride: divisor || null };
    const y = avgPool2d(x, options);
    const ref = naiveAvgPool(x.data, c, countIncludePad, divisor);
    const dy = randn(y.shape, { dtype: 'float64' });
    y.backward(dy);
    const dx = new Float64Array(x.numel());
    for (const [o, m, f] of ref.weights) dx[m] += dy.data[o] * f;
    try {
      assert.equal(y.shape, [c.N, c.C, c.Ho, c.Wo]);
      assertClose(y, ref.out, { atol: 1e-12, rtol: 1e-12 });
      assertClose(x.grad!, dx, { atol: 1e-12, rtol: 1e-12 });
    } catch (e) {
      throw new Error(`${describe(c)} countIncludePad ${countIncludePad} divisor ${divisor}: ${(e as Error).message}`);
    }
  }
});

test('avgPool2d with every window inside the input (the unclipped path) matches the nested loops, 2x2 and other windows', () => {
  for (let trial = 0; trial < 20; trial++) {
    const k = trial % 2 === 0 ? 2 : gen.integer(1, 5);
    const s = trial % 2 === 0 ? 2 : gen.integer(1, 4);
    const [N, C, H, W] = [gen.integer(1, 3), gen.integer(1, 3), k + gen.integer(0, 9), k + gen.integer(0, 9)];
    const c: PoolCfg = { N, C, H, W, kH: k, kW: k, sH: s, sW: s, pH: 0, pW: 0, dH: 1, dW: 1, ceil: false, Ho: Math.floor((H - k) / s) + 1, Wo: Math.floor((W - k) / s) + 1 };
    const divisor = trial % 3 === 0 ? gen.integer(1, 7) : 0;
    const dtype = trial % 4 < 2 ? 'float64' : 'float32';
    const x = randn([N, C, H, W], { dtype, requiresGrad: true });
    const y = avgPool2d(x, { kernelSize: k, stride: s, divisorOverride: divisor || null });
    const ref = naiveAvgPool(x.data, c, true, divisor);
    const dy = randn(y.shape, { dtype });
    y.backward(dy);
    const dx = new Float64Array(x.numel());
    for (const [o, m, f] of ref.weights) dx[m] += dy.data[o] * f;
    const tol = dtype === 'float64' ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-5, rtol: 1e-5 };
    try {
      assertClose(y, ref.out, tol);
      assertClose(x.grad!, dx, tol);
    } catch (e) {
      throw new Error(`${dtype} ${describe(c)} divisor ${divisor}: ${(e as Error).message}`);
    }
  }
});

test('avgPool2d hand examples and gradcheck', () => {
  const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], { dtype: 'float64', requiresGrad: true });
  assert.equal(avgPool2d(x, { kernelSize: 2, stride: 1 }).tolist(), [[[[3, 4], [6, 7]]]]);
  // The corner window of padding 1 holds only x[0, 0] = 1: divided by 4 when padding counts, by 1 otherwise.
  assert.is(avgPool2d(x, { kernelSize: 2, padding: 1 }).data[0], 0.25);
  assert.is(avgPool2d(x, { kernelSize: 2, padding: 1, countIncludePad: false }).data[0], 1);
  assert.is(avgPool2d(x, { kernelSize: 2, padding: 1, divisorOverride: 2 }).data[0], 0.5);
  // ceilMode's last window is clipped to the input and divided by its clipped size.
  assert.equal(avgPool2d(tensor([[[[1, 2, 3]]]]), { kernelSize: [1, 2], ceilMode: true }).tolist(), [[[[1.5, 3]]]]);
  avgPool2d(x, 3).backward(tensor([[[[9]]]], { dtype: 'float64' }));
  assert.equal(x.grad!.tolist(), [[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
  for (let trial = 0; trial < 8; trial++) {
    const c = randomPool(false);
    const xi = randn([c.N, c.C, c.H, c.W], { dtype: 'float64', requiresGrad: true });
    const countIncludePad = trial % 2 === 0;
    gradcheck((t) => avgPool2d(t, { ...avgOptions(c), countIncludePad }), [xi]);
  }
});

test('avgPool2d rejects bad input', () => {
  const x = zeros([1, 2, 6, 6]);
  assert.throws(() => avgPool2d(zeros([6, 6]), 2), /avgPool2d: expected a 4-D input \[N, C, H, W\], got shape \[6, 6\]/);
  assert.throws(() => avgPool2d(x, { kernelSize: 2, padding: 2 }), /avgPool2d: padding \[2, 2\] must be at most half of kernelSize \[2, 2\]/);
  assert.throws(() => avgPool2d(x, { kernelSize: 2, stride: [1, 0] }), /avgPool2d: stride must be positive integers/);
  assert.throws(() => avgPool2d(x, { kernelSize: 2, divisorOverride: 0 }), /avgPool2d: divisorOverride must be a positive integer, got 0/);
  assert.throws(() => avgPool2d(x, { kernelSize: 2, divisorOverride: 1.5 }), /avgPool2d: divisorOverride must be a positive integer, got 1.5/);
  assert.throws(() => avgPool2d(x, 8), /avgPool2d: input \[1, 2, 6, 6\] is too small for kernelSize \[8, 8\]/);
  assert.throws(() => avgPool2d(zeros([1, 1, 4, 4], { dtype: 'int32' }), 2), /avgPool2d: expected a floating-point input, got int32/);
});

/** PyTorch's adaptive windows [floor(i·H/h), ceil((i+1)·H/h)), as nested loops. */
function naiveAdaptive(x: ArrayLike<number>, planes: number, H: number, W: number, h: number, w: number): Float64Array {
  const out = new Float64Array(planes * h * w);
  for (let p = 0; p < planes; p++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++) {
        const hs = Math.floor((i * H) / h), he = Math.ceil(((i + 1) * H) / h);
        const ws = Math.floor((j * W) / w), we = Math.ceil(((j + 1) * W) / w);
        let s = 0;
        for (let a = hs; a < he; a++) for (let b = ws; b < we; b++) s += x[p * H * W + a * W + b];
        out[(p * h + i) * w + j] = s / ((he - hs) * (we - ws));
      }
  return out;
}

test('adaptiveAvgPool2d matches PyTorch windows, shrinking and growing, and passes gradcheck', () => {
  // 5 -> 3: windows [0, 2), [1, 4), [3, 5).
  assert.equal(adaptiveAvgPool2d(tensor([[[[1, 2, 3, 4, 5]]]]), [1, 3]).tolist(), [[[[1.5, 3, 4.5]]]]);
  // 2 -> 3: windows [0, 1), [0, 2), [1, 2).
  assert.equal(adaptiveAvgPool2d(tensor([[[[2, 4]]]]), [1, 3]).tolist(), [[[[2, 3, 4]]]]);
  assert.equal(adaptiveAvgPool2d(tensor([[[[1, 2], [3, 4]]]]), 1).tolist(), [[[[2.5]]]]);
  for (let trial = 0; trial < 10; trial++) {
    const [N, C, H, W] = [gen.integer(1, 3), gen.integer(1, 3), gen.integer(1, 10), gen.integer(1, 10)];
    const [h, w] = [gen.integer(1, 8), gen.integer(1, 8)];
    const x = randn([N, C, H, W], { dtype: 'float64', requiresGrad: true });
    const y = adaptiveAvgPool2d(x, [h, w]);
    assert.equal(y.shape, [N, C, h, w]);
    assertClose(y, naiveAdaptive(x.data, N * C, H, W, h, w), { atol: 1e-12, rtol: 1e-12 });
    gradcheck((t) => adaptiveAvgPool2d(t, [h, w]), [x]);
  }
  assert.throws(() => adaptiveAvgPool2d(zeros([2, 2]), 1), /adaptiveAvgPool2d: expected a 4-D input \[N, C, H, W\], got shape \[2, 2\]/);
  assert.throws(() => adaptiveAvgPool2d(zeros([1, 1, 2, 2]), [0, 1]), /adaptiveAvgPool2d: outputSize must be positive integers \(a number or \[h, w\]\), got \[0,1\]/);
  assert.throws(() => adaptiveAvgPool2d(zeros([1, 1, 0, 2]), 1), /adaptiveAvgPool2d: input \[1, 1, 0, 2\] has an empty spatial dimension/);
});

test('pooling works in float32', () => {
  const x = randn([2, 3, 7, 7]);
  const c: PoolCfg = { N: 2, C: 3, H: 7, W: 7, kH: 3, kW: 3, sH: 2, sW: 2, pH: 1, pW: 1, dH: 1, dW: 1, ceil: false, Ho: 4, Wo: 4 };
  const y = maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 });
  assert.is(y.dtype, 'float32');
  assertClose(y, naiveMaxPool(x.data, c).out);
  assert.is(avgPool2d(x, 2).dtype, 'float32');
  assertClose(adaptiveAvgPool2d(x, 3), naiveAdaptive(x.data, 6, 7, 7, 3, 3), { atol: 1e-6 });
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Generator, Tensor, assertClose, conv2d, gradcheck, manualSeed, randn, tensor, zeros } from '@torchlet/core';

manualSeed(3);
const gen = new Generator(11);

/** One convolution's sizes, with the top/left padding explicit (bottom/right follows from Ho, Wo). */
interface Cfg {
  N: number; C: number; H: number; W: number; O: number; kH: number; kW: number;
  sH: number; sW: number; pT: number; pL: number; dH: number; dW: number; groups: number; Ho: number; Wo: number;
}

function makeCfg(c: Omit<Cfg, 'Ho' | 'Wo' | 'pT' | 'pL'> & { p: [number, number] }): Cfg {
  const Ho = Math.floor((c.H + 2 * c.p[0] - c.dH * (c.kH - 1) - 1) / c.sH) + 1;
  const Wo = Math.floor((c.W + 2 * c.p[1] - c.dW * (c.kW - 1) - 1) / c.sW) + 1;
  return { ...c, pT: c.p[0], pL: c.p[1], Ho, Wo };
}

/** Seed 000's Conv.forward loops, generalised to stride, padding, dilation and groups. */
function naiveConv(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, c: Cfg): Float64Array {
  const Cg = c.C / c.groups;
  const Og = c.O / c.groups;
  const out = new Float64Array(c.N * c.O * c.Ho * c.Wo);
  for (let n = 0; n < c.N; n++)
    for (let o = 0; o < c.O; o++)
      for (let i = 0; i < c.Ho; i++)
        for (let j = 0; j < c.Wo; j++) {
          let s = b ? b[o] : 0;
          const g = Math.floor(o / Og);
          for (let ci = 0; ci < Cg; ci++)
            for (let ki = 0; ki < c.kH; ki++)
              for (let kj = 0; kj < c.kW; kj++) {
                const ih = i * c.sH - c.pT + ki * c.dH;
                const iw = j * c.sW - c.pL + kj * c.dW;
                if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                const xv = x[((n * c.C + g * Cg + ci) * c.H + ih) * c.W + iw];
                s += w[((o * Cg + ci) * c.kH + ki) * c.kW + kj] * xv;
              }
          out[((n * c.O + o) * c.Ho + i) * c.Wo + j] = s;
        }
  return out;
}

/** Seed 000's ConvBackward loops (patch · dout for the weights, sum of dout for the bias), with dx scattered the same way. */
function naiveConvBackward(x: ArrayLike<number>, w: ArrayLike<number>, dy: ArrayLike<number>, c: Cfg) {
  const Cg = c.C / c.groups;
  const Og = c.O / c.groups;
  const dx = new Float64Array(c.N * c.C * c.H * c.W);
  const dw = new Float64Array(c.O * Cg * c.kH * c.kW);
  const db = new Float64Array(c.O);
  for (let n = 0; n < c.N; n++)
    for (let o = 0; o < c.O; o++)
      for (let i = 0; i < c.Ho; i++)
        for (let j = 0; j < c.Wo; j++) {
          const g = dy[((n * c.O + o) * c.Ho + i) * c.Wo + j];
          db[o] += g;
          const grp = Math.floor(o / Og);
          for (let ci = 0; ci < Cg; ci++)
            for (let ki = 0; ki < c.kH; ki++)
              for (let kj = 0; kj < c.kW; kj++) {
                const ih = i * c.sH - c.pT + ki * c.dH;
                const iw = j * c.sW - c.pL + kj * c.dW;
                if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                const xi = ((n * c.C + grp * Cg + ci) * c.H + ih) * c.W + iw;
                const wi = ((o * Cg + ci) * c.kH + ki) * c.kW + kj;
                dw[wi] += x[xi] * g;
                dx[xi] += w[wi] * g;
              }
        }
  return { dx, dw, db };
}

/** A random configuration: strides 1-3, padding 0-2, dilation 1-2, groups 1-2, odd and even sizes, bias on or off. */
function randomCfg(maxSize = 9) {
  for (;;) {
    const groups = gen.integer(1, 3);
    const cfg = makeCfg({
      N: gen.integer(1, 4), C: groups * gen.integer(1, 3), H: gen.integer(3, maxSize + 1), W: gen.integer(3, maxSize + 1),
      O: groups * gen.integer(1, 4), kH: gen.integer(1, 4), kW: gen.integer(1, 4), sH: gen.integer(1, 4), sW: gen.integer(1, 4),
      p: [gen.integer(0, 3), gen.integer(0, 3)], dH: gen.integer(1, 3), dW: gen.integer(1, 3), groups,
    });
    if (cfg.Ho >= 1 && cfg.Wo >= 1) return { cfg, bias: gen.random() < 0.5 };
  }
}

function describe(c: Cfg, bias: boolean): string {
  return `N${c.N} C${c.C} ${c.H}x${c.W} O${c.O} k${c.kH}x${c.kW} s${c.sH},${c.sW} p${c.pT},${c.pL} d${c.dH},${c.dW} g${c.groups} bias ${bias}`;
}

function inputsFor(c: Cfg, bias: boolean, dtype: 'float32' | 'float64' = 'float64') {
  const x = randn([c.N, c.C, c.H, c.W], { dtype, requiresGrad: true });
  const w = randn([c.O, c.C / c.groups, c.kH, c.kW], { dtype, requiresGrad: true });
  const b = bias ? randn([c.O], { dtype, requiresGrad: true }) : null;
  return { x, w, b };
}

const optionsOf = (c: Cfg) => ({ stride: [c.sH, c.sW] as [number, number], padding: [c.pT, c.pL] as [number, number], dilation: [c.dH, c.dW] as [number, number], groups: c.groups });

test('conv2d forward matches the nested loops on random configurations, float64 and float32', () => {
  for (let trial = 0; trial < 40; trial++) {
    const { cfg, bias } = randomCfg();
    for (const dtype of ['float64', 'float32'] as const) {
      const { x, w, b } = inputsFor(cfg, bias, dtype);
      const y = conv2d(x, w, b, optionsOf(cfg));
      assert.equal(y.shape, [cfg.N, cfg.O, cfg.Ho, cfg.Wo], describe(cfg, bias));
      assert.is(y.dtype, dtype);
      try {
        assertClose(y, naiveConv(x.data, w.data, b?.data ?? null, cfg), dtype === 'float64' ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-4, rtol: 1e-4 });
      } catch (e) {
        throw new Error(`${describe(cfg, bias)}: ${(e as Error).message}`);
      }
    }
  }
});

test('conv2d backward matches the nested loops for dx, dW and db', () => {
  for (let trial = 0; trial < 40; trial++) {
    const { cfg, bias } = randomCfg();
    const { x, w, b } = inputsFor(cfg, true);
    const y = conv2d(x, w, bias ? b : null, optionsOf(cfg));
    const dy = randn(y.shape, { dtype: 'float64' });
    y.backward(dy);
    const ref = naiveConvBackward(x.data, w.data, dy.data, cfg);
    const tol = { atol: 1e-11, rtol: 1e-11 };
    try {
      assertClose(x.grad!, ref.dx, tol);
      assertClose(w.grad!, ref.dw, tol);
      if (bias) assertClose(b!.grad!, ref.db, tol);
      else assert.is(b!.grad, null);
    } catch (e) {
      throw new Error(`${describe(cfg, bias)}: ${(e as Error).message}`);
    }
  }
});

test("conv2d input gradient at stride 1 is seed 000's full convolution of dY with the rotated filter", () => {
  const c = makeCfg({ N: 2, C: 2, H: 6, W: 5, O: 3, kH: 3, kW: 2, sH: 1, sW: 1, p: [0, 0], dH: 1, dW: 1, groups: 1 });
  const { x, w } = inputsFor(c, false);
  const y = conv2d(x, w);
  const dy = randn(y.shape, { dtype: 'float64' });
  y.backward(dy);
  const expected = new Float64Array(x.numel());
  const [pH, pW] = [c.kH - 1, c.kW - 1];
  for (let n = 0; n < c.N; n++)
    for (let ci = 0; ci < c.C; ci++)
      for (let o = 0; o < c.O; o++)
        for (let i = 0; i < c.H; i++)
          for (let j = 0; j < c.W; j++) {
            let s = 0;
            for (let a = 0; a < c.kH; a++)
              for (let bb = 0; bb < c.kW; bb++) {
                // region of dout padded by k - 1, times the filter flipped on both axes
                const oi = i + a - pH;
                const oj = j + bb - pW;
                if (oi < 0 || oi >= c.Ho || oj < 0 || oj >= c.Wo) continue;
                const flipped = w.data[((o * c.C + ci) * c.kH + (c.kH - 1 - a)) * c.kW + (c.kW - 1 - bb)];
                s += dy.data[((n * c.O + o) * c.Ho + oi) * c.Wo + oj] * flipped;
              }
            expected[((n * c.C + ci) * c.H + i) * c.W + j] += s;
          }
  assertClose(x.grad!, expected, { atol: 1e-12, rtol: 1e-12 });
});

test('conv2d in float32 at stride 1 (the WebAssembly im2col/col2im path) and strided matches the nested loops, forward and backward', () => {
  for (let trial = 0; trial < 30; trial++) {
    const { cfg: random, bias } = randomCfg(14);
    // Two in three at stride 1 without dilation, with padding up to the kernel size, so rows of cols fall in the padding.
    const stride1 = trial % 3 !== 0;
    const cfg = stride1
      ? makeCfg({ ...random, sH: 1, sW: 1, dH: 1, dW: 1, p: [gen.integer(0, random.kH + 1), gen.integer(0, random.kW + 1)] })
      : random;
    const { x, w, b } = inputsFor(cfg, bias, 'float32');
    const y = conv2d(x, w, b, optionsOf(cfg));
    const dy = randn(y.shape);
    y.backward(dy);
    const ref = naiveConvBackward(x.data, w.data, dy.data, cfg);
    const tol = { atol: 1e-4, rtol: 1e-4 };
    try {
      assertClose(y, naiveConv(x.data, w.data, b?.data ?? null, cfg), tol);
      assertClose(x.grad!, ref.dx, tol);
      assertClose(w.grad!, ref.dw, tol);
      if (b) assertClose(b.grad!, ref.db, tol);
    } catch (e) {
      throw new Error(`float32 ${describe(cfg, bias)}: ${(e as Error).message}`);
    }
  }
});

test('conv2d weight gradient (cols recomputed in backward) is right when only the weight needs it, across a batch', () => {
  const c = makeCfg({ N: 5, C: 2, H: 9, W: 8, O: 3, kH: 3, kW: 3, sH: 1, sW: 1, p: [1, 1], dH: 1, dW: 1, groups: 1 });
  for (const dtype of ['float64', 'float32'] as const) {
    const x = randn([c.N, c.C, c.H, c.W], { dtype });
    const w = randn([c.O, c.C, c.kH, c.kW], { dtype, requiresGrad: true });
    const y = conv2d(x, w, null, { padding: 1 });
    const dy = randn(y.shape, { dtype });
    y.backward(dy);
    assert.is(x.grad, null);
    assertClose(w.grad!, naiveConvBackward(x.data, w.data, dy.data, c).dw, dtype === 'float64' ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-4, rtol: 1e-4 });
  }
});

test('conv2d passes gradcheck in float64 on random configurations', () => {
  for (let trial = 0; trial < 12; trial++) {
    const { cfg, bias } = randomCfg(6);
    const { x, w, b } = inputsFor(cfg, bias);
    const inputs = b ? [x, w, b] : [x, w];
    try {
      gradcheck((xi, wi, bi) => conv2d(xi, wi, bi ?? null, optionsOf(cfg)), inputs, { atol: 1e-7, rtol: 1e-5 });
    } catch (e) {
      throw new Error(`${describe(cfg, bias)}: ${(e as Error).message}`);
    }
  }
});

test("conv2d padding 'same' keeps the size, with the extra padding bottom/right for even kernels; 'valid' pads nothing", () => {
  for (const [kH, kW, dH, dW] of [[3, 3, 1, 1], [4, 2, 1, 1], [2, 5, 2, 1], [4, 4, 2, 3]]) {
    const c = makeCfg({ N: 2, C: 2, H: 7, W: 6, O: 3, kH, kW, sH: 1, sW: 1, p: [0, 0], dH, dW, groups: 1 });
    // PyTorch splits the total d·(k - 1) with floor(total / 2) on the top/left.
    const cfg: Cfg = { ...c, pT: Math.floor((dH * (kH - 1)) / 2), pL: Math.floor((dW * (kW - 1)) / 2), Ho: 7, Wo: 6 };
    const { x, w, b } = inputsFor(cfg, true);
    const y = conv2d(x, w, b, { padding: 'same', dilation: [dH, dW] });
    assert.equal(y.shape, [2, 3, 7, 6]);
    assertClose(y, naiveConv(x.data, w.data, b!.data, cfg), { atol: 1e-12, rtol: 1e-12 });
    gradcheck((xi, wi, bi) => conv2d(xi, wi, bi, { padding: 'same', dilation: [dH, dW] }), [x, w, b!], { atol: 1e-7, rtol: 1e-5 });
  }
  const x = randn([1, 1, 5, 5]);
  const w = randn([1, 1, 3, 3]);
  assert.equal(conv2d(x, w, null, { padding: 'valid' }).shape, [1, 1, 3, 3]);
  assertClose(conv2d(x, w, undefined, { padding: 'valid' }), conv2d(x, w));
});

test('conv2d computes only the gradients that are needed', () => {
  const x = randn([2, 3, 5, 5], { dtype: 'float64', requiresGrad: true });
  const w = randn([4, 3, 3, 3], { dtype: 'float64' });
  const b = randn([4], { dtype: 'float64' });
  conv2d(x, w, b).sum().backward();
  assert.ok(x.grad);
  assert.is(w.grad, null);
  const x2 = randn([2, 3, 5, 5], { dtype: 'float64' });
  const w2 = randn([4, 3, 3, 3], { dtype: 'float64', requiresGrad: true });
  conv2d(x2, w2, b, { stride: 2 }).sum().backward();
  assert.ok(w2.grad);
  assert.is(x2.grad, null);
  const y = conv2d(randn([1, 1, 3, 3]), randn([1, 1, 2, 2]));
  assert.is(y.requiresGrad, false);
  assert.is(y.gradFn, null);
});

test('conv2d gradFn and the in-place modification check', () => {
  const x = randn([1, 2, 4, 4], { dtype: 'float64', requiresGrad: true });
  const w = randn([2, 2, 3, 3], { dtype: 'float64', requiresGrad: true });
  const y = conv2d(x, w);
  assert.is(y.gradFn, 'conv2dBackward');
  w._bumpVersion();
  assert.throws(() => y.sum().backward(), /conv2d: a tensor saved for backward .* was modified by an in-place operation/);
});

test('conv2d rejects bad input with messages naming the op and the shapes', () => {
  const x = zeros([2, 3, 8, 8]);
  assert.throws(() => conv2d(x, zeros([6, 1, 5, 5])), /^conv2d: input has 3 channels but weight \[6, 1, 5, 5\] expects 1$/);
  assert.throws(() => conv2d(x, zeros([6, 1, 3, 3]), null, { groups: 2 }), /conv2d: groups 2 must divide the input channels, got input \[2, 3, 8, 8\]/);
  assert.throws(() => conv2d(zeros([2, 4, 8, 8]), zeros([5, 2, 3, 3]), null, { groups: 2 }), /conv2d: groups 2 must divide the output channels, got weight \[5, 2, 3, 3\]/);
  assert.throws(() => conv2d(zeros([2, 4, 8, 8]), zeros([4, 1, 3, 3]), null, { groups: 2 }), /conv2d: input has 4 channels but weight \[4, 1, 3, 3\] expects 2 \(1 per group × 2 groups\)/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { groups: 0 }), /conv2d: groups must be a positive integer, got 0/);
  assert.throws(() => conv2d(zeros([3, 8, 8]), zeros([6, 3, 3, 3])), /conv2d: expected a 4-D input \[N, C, H, W\], got shape \[3, 8, 8\]/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3])), /conv2d: expected a 4-D weight \[O, C\/groups, kH, kW\], got shape \[6, 3, 3\]/);
  assert.throws(() => conv2d(x, zeros([6, 3, 9, 3])), /conv2d: kernel \[9, 3\] is larger than the padded input \[8, 8\] of input \[2, 3, 8, 8\]/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { dilation: 4 }), /conv2d: kernel \[3, 3\] \(dilated to \[9, 9\]\) is larger than the padded input \[8, 8\]/);
  assert.equal(conv2d(x, zeros([6, 3, 9, 3]), null, { padding: 1 }).shape, [2, 6, 2, 8]);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { stride: 0 }), /conv2d: stride must be positive integers \(a number or \[h, w\]\), got 0/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { stride: [1, -2] }), /conv2d: stride must be positive integers .* got \[1,-2\]/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { stride: 1.5 }), /conv2d: stride must be positive integers/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { padding: -1 }), /conv2d: padding must be non-negative integers .* got -1/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { dilation: [1, 0] }), /conv2d: dilation must be positive integers/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { padding: 'same', stride: 2 }), /conv2d: padding 'same' is not supported for strided convolutions, got stride \[2, 2\]/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), null, { padding: 'full' as never }), /conv2d: padding must be a number, \[h, w\], 'valid' or 'same', got "full"/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3], { dtype: 'float64' })), /conv2d: expected input, weight and bias of one floating dtype, got float32, float64/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), zeros([6], { dtype: 'float64' })), /conv2d: expected input, weight and bias of one floating dtype, got float32, float32, float64/);
  assert.throws(() => conv2d(zeros([2, 3, 8, 8], { dtype: 'int32' }), zeros([6, 3, 3, 3], { dtype: 'int32' })), /conv2d: expected input, weight and bias of one floating dtype, got int32/);
  assert.throws(() => conv2d(x, zeros([6, 3, 3, 3]), zeros([5])), /conv2d: bias must have shape \[6\] for weight \[6, 3, 3, 3\], got \[5\]/);
  // A wrong argument type fails in typed-function (its message names the op once op.ts's onMismatch handles `arguments`).
  assert.throws(() => conv2d([1, 2] as never, zeros([6, 3, 3, 3])), /conv2d: expected arguments .* got \(Array, Tensor float32 \[6, 3, 3, 3\]\)/);
});

test('conv2d on a tiny hand example with stride, padding and bias', () => {
  // x = [[1, 2], [3, 4]], w = [[1, 0], [0, -1]], padding 1, stride 2, bias 10:
  // windows start at (-1, -1), (-1, 1), (1, -1), (1, 1) -> only the corners of x meet the kernel's corners.
  const x = tensor([[[[1, 2], [3, 4]]]]);
  const w = tensor([[[[1, 0], [0, -1]]]]);
  const y = conv2d(x, w, tensor([10]), { padding: 1, stride: 2 });
  assert.equal(y.tolist(), [[[[10 - 1, 10], [10, 10 + 4]]]]);
  assert.ok(y instanceof Tensor);
});

test.run();

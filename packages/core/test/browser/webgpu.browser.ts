// The WebGPU kernels (issue 17, phase 1) in a real browser: headless Chromium's SwiftShader adapter (the flags are in
// scripts/browser/chromium.ts). Every kernel runs on odd, seeded shapes and is compared with the CPU backend's entry of
// the same name; each comparison states its float32 tolerance and prints the largest difference it saw ("report:").
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { type DeviceTensor, type WebGPUContext, initWebGPU, upload, webgpuKernels as gpu } from '@torchlet/core/webgpu';
import { run, test } from '../../../../scripts/browser/harness.js';

const cpu = core.kernels;
type Tensor = core.Tensor;

let context: WebGPUContext;
const on = (t: Tensor): DeviceTensor => upload(context, t.data as Float32Array | Int32Array, t.shape);
const seeded = (seed: number): void => core.manualSeed(seed);
const randn = (...shape: number[]): Tensor => core.randn(shape);
const ints = (values: number[], shape: number[]): Tensor => core.tensor(Int32Array.from(values)).reshape(shape);

/** The largest |gpu - cpu| per kernel in the running test, reported when the test ends. */
const worstOfTest = new Map<string, { worst: number; atol: number; rtol: number }>();

/** A test whose comparisons are summed up in one "report:" line: the largest difference per kernel, with its tolerance. */
function kernelTest(name: string, fn: () => Promise<void>): void {
  test(name, async () => {
    worstOfTest.clear();
    await fn();
    const parts = [...worstOfTest].map(([kernel, { worst, atol, rtol }]) => `${kernel} ${worst.toExponential(1)} (atol ${atol}, rtol ${rtol})`);
    report(`max |gpu - cpu|: ${parts.join(', ')}`);
  });
}

/** Asserts that the device result has the CPU result's shape and values within atol + rtol·|expected|; reports the largest difference. */
async function agree(name: string, actual: DeviceTensor, expected: Tensor, tolerance: { atol: number; rtol: number }): Promise<void> {
  assert.equal([...actual.shape], [...expected.shape], `${name}: shape`);
  const values = await actual.read();
  let worst = 0;
  for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i] - expected.data[i]));
  try {
    core.assertClose(values, expected.data, tolerance);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  const seen = worstOfTest.get(name.split(/[ (,]/)[0]);
  if (seen === undefined || worst > seen.worst) worstOfTest.set(name.split(/[ (,]/)[0], { worst, ...tolerance });
  actual.release();
}

test('no WebGPU: initWebGPU rejects with an error saying what the browser needs', async () => {
  const failure = (made: Promise<unknown>): Promise<string> => made.then(() => 'resolved', (err: unknown) => String(err));
  assert.match(await failure(initWebGPU({ gpu: null })), /initWebGPU: WebGPU is not available in this browser: navigator.gpu is missing \(Chrome >= 113, or headless Chromium with --enable-unsafe-webgpu/);
  assert.match(await failure(initWebGPU({ gpu: { requestAdapter: async () => null } })), /initWebGPU: WebGPU is present but gave no adapter/);
  assert.throws(() => initWebGPU({ gpuu: null } as never), /initWebGPU: unknown option "gpuu".*did you mean "gpu"\?/);
});

test('initWebGPU gets the SwiftShader adapter; float64 is refused because WGSL has no float64', async () => {
  context = await initWebGPU();
  assert.is(await initWebGPU(), context, 'one context per page');
  assert.throws(() => upload(context, new Float64Array(3), [3]), /upload: a float64 tensor cannot live on 'webgpu': WGSL has no float64/);
  assert.throws(() => gpu.binary('div', on(ints([1, 2], [2])), on(ints([1, 2], [2])), [2], 'float32'), /div: expected float32 device tensors, got int32/);
  const x = on(core.tensor([1, 2, 3, 4]));
  assert.throws(() => gpu.exp(x, 'float64'), /exp: a float64 tensor cannot live on 'webgpu': WGSL has no float64/);
  const view = x.view([2, 2]);
  view.release();
  assert.throws(() => x.release(), /release: this device tensor was released/, 'a view and its tensor share one buffer, released once');
  assert.throws(() => gpu.relu(x), /relu: this device tensor was released/);
});

kernelTest('matmul2d (all four transposes, with and without bias) and batchedMatmul (broadcast batch) agree with the CPU', async () => {
  seeded(1);
  const [M, N, K] = [7, 13, 19]; // K > 16: more than one tile, none of them full
  const tol = { atol: 1e-5, rtol: 1e-5 };
  for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = randn(...(transA ? [K, M] : [M, K]));
    const b = randn(...(transB ? [N, K] : [K, N]));
    const bias = randn(N);
    await agree(`matmul2d(${transA}, ${transB})`, gpu.matmul2d(transA, transB, M, N, K, on(a), on(b), null, [M, N]), cpu.matmul2d(transA, transB, M, N, K, a, b, null, [M, N]), tol);
    await agree(`matmul2d(${transA}, ${transB}) + bias`, gpu.matmul2d(transA, transB, M, N, K, on(a), on(b), on(bias), [M, N]), cpu.matmul2d(transA, transB, M, N, K, a, b, bias, [M, N]), tol);
  }
  const a = randn(2, 1, 5, 3);
  const b = randn(3, 3, 4);
  await agree('batchedMatmul', gpu.batchedMatmul(on(a), [2, 1], false, on(b), [3], false, 5, 3, 4, 'float32'), cpu.batchedMatmul(a, [2, 1], false, b, [3], false, 5, 3, 4, 'float32'), tol);
  const g = randn(11, 6);
  await agree('sumRows', gpu.sumRows(on(g), 11, 6), cpu.sumRows(g, 11, 6), tol);
  const empty = randn(3, 0);
  await agree('matmul2d, K = 0', gpu.matmul2d(false, false, 3, 2, 0, on(empty), on(randn(0, 2)), null, [3, 2]), core.zeros([3, 2]), tol);
});

kernelTest('binary ops broadcast as on the CPU; add, addInPlace, broadcastTo, full', async () => {
  seeded(2);
  const a = randn(3, 1, 5);
  const b = randn(4, 1);
  const shape = [3, 4, 5];
  const tol = { atol: 1e-6, rtol: 1e-6 };
  for (const op of ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const) {
    await agree(op, gpu.binary(op, on(a), on(b), shape, 'float32'), cpu.binary(op, a, b, shape, 'float32'), tol);
  }
  const base = core.add(core.abs(a), 0.5);
  const exponent = core.tensor(Float32Array.from([-2, 0, 1, 3])).reshape([4, 1]);
  const negative = core.neg(base);
  await agree('pow (positive base)', gpu.binary('pow', on(base), on(b), shape, 'float32'), cpu.binary('pow', base, b, shape, 'float32'), { atol: 1e-5, rtol: 1e-5 });
  await agree('pow (negative base, integral exponents)', gpu.binary('pow', on(negative), on(exponent), shape, 'float32'), cpu.binary('pow', negative, exponent, shape, 'float32'), { atol: 1e-5, rtol: 1e-5 });
  await agree('eq to int32', gpu.binary('eq', on(a), on(a), [3, 1, 5], 'int32'), cpu.binary('eq', a, a, [3, 1, 5], 'int32'), tol);
  const x = randn(3, 4, 5);
  await agree('add', gpu.add(on(x), on(x)), cpu.add(x, x), tol);
  await agree('broadcastTo', gpu.broadcastTo(on(b), shape), cpu.broadcastTo(b, shape), tol);
  await agree('full', gpu.full(context, [2, 3], -1.5, 'float32'), cpu.full([2, 3], -1.5, 'float32'), tol);
  const self = on(x);
  gpu.addInPlace(self, on(b), -0.25);
  const expected = x.clone();
  cpu.addInPlace(expected, b, -0.25);
  await agree('addInPlace', self, expected, tol);
});

kernelTest('unary activations and their gradients agree with the CPU', async () => {
  seeded(3);
  const x = randn(5, 7);
  const positive = core.add(core.abs(x), 0.1);
  const g = randn(5, 7);
  const tol = { atol: 1e-6, rtol: 2e-6 };
  const forwards = ['neg', 'exp', 'sigmoid', 'tanh', 'abs'] as const;
  for (const name of forwards) await agree(name, gpu[name](on(x), 'float32'), cpu[name](x, 'float32'), tol);
  await agree('log', gpu.log(on(positive), 'float32'), cpu.log(positive, 'float32'), tol);
  await agree('sqrt', gpu.sqrt(on(positive), 'float32'), cpu.sqrt(positive, 'float32'), tol);
  await agree('relu', gpu.relu(on(x)), cpu.relu(x), tol);
  await agree('leakyRelu', gpu.leakyRelu(on(x), 0.1, 'float32'), cpu.leakyRelu(x, 0.1, 'float32'), tol);
  const big = core.mul(x, 30);
  await agree('sigmoid (|x| up to ~90)', gpu.sigmoid(on(big), 'float32'), cpu.sigmoid(big, 'float32'), tol);
  await agree('tanh (|x| up to ~90)', gpu.tanh(on(big), 'float32'), cpu.tanh(big, 'float32'), tol);
  for (const name of ['expBackward', 'sigmoidBackward', 'tanhBackward', 'reluBackward', 'absBackward'] as const) {
    await agree(name, gpu[name](on(x), on(g)), cpu[name](x, g), tol);
  }
  await agree('logBackward', gpu.logBackward(on(positive), on(g)), cpu.logBackward(positive, g), tol);
  await agree('sqrtBackward', gpu.sqrtBackward(on(positive), on(g)), cpu.sqrtBackward(positive, g), tol);
  await agree('leakyReluBackward', gpu.leakyReluBackward(on(x), on(g), 0.1), cpu.leakyReluBackward(x, g, 0.1), tol);
});

kernelTest('reductions: sumDims, argExtremum (max and min, along a dim and flattened), takeAlong', async () => {
  seeded(4);
  const x = randn(3, 4, 5);
  const tol = { atol: 1e-5, rtol: 1e-5 };
  for (const dims of [[0], [1], [2], [0, 2], [0, 1, 2], []]) await agree(`sumDims [${dims}]`, gpu.sumDims(on(x), dims), cpu.sumDims(x, dims), tol);
  for (const sign of [1, -1] as const) {
    await agree(`argExtremum dim 1, sign ${sign}`, gpu.argExtremum(on(x), 1, sign, [3, 5]), cpu.argExtremum(x, 1, sign, [3, 5]), { atol: 0, rtol: 0 });
    await agree(`argExtremum flattened, sign ${sign}`, gpu.argExtremum(on(x), null, sign, []), cpu.argExtremum(x, null, sign, []), { atol: 0, rtol: 0 });
  }
  const indices = ints([0, 3, 1, 2, 3, 0, 1, 1, 2, 0, 3, 3, 2, 1, 0], [3, 1, 5]); // one per position, as max's values take them
  await agree('takeAlong dim 1', gpu.takeAlong(on(x), on(indices), 1), cpu.takeAlong(x, indices, 1), { atol: 0, rtol: 0 });
});

kernelTest('softmax and logSoftmax along a middle dim, and their gradients', async () => {
  seeded(5);
  const x = core.mul(randn(3, 7, 2), 4);
  const g = randn(3, 7, 2);
  const tol = { atol: 2e-6, rtol: 1e-5 };
  for (const dim of [1, 2]) {
    await agree(`softmax dim ${dim}`, gpu.softmax(on(x), dim), cpu.softmax(x, dim), tol);
    await agree(`logSoftmax dim ${dim}`, gpu.logSoftmax(on(x), dim), cpu.logSoftmax(x, dim), tol);
    const y = cpu.softmax(x, dim);
    const logY = cpu.logSoftmax(x, dim);
    await agree(`softmaxBackward dim ${dim}`, gpu.softmaxBackward(on(y), on(g), dim), cpu.softmaxBackward(y, g, dim), tol);
    await agree(`logSoftmaxBackward dim ${dim}`, gpu.logSoftmaxBackward(on(logY), on(g), dim), cpu.logSoftmaxBackward(logY, g, dim), tol);
  }
});

kernelTest('crossEntropy forward and backward (class weights, label smoothing, ignoreIndex, a spatial dim) agree with the CPU', async () => {
  seeded(6);
  const geo = { N: 5, C: 7, inner: 3, ignoreIndex: -100 };
  const logits = core.mul(randn(5, 7, 3), 3);
  const target = ints([0, 6, 3, -100, 2, 2, 1, 5, 4, 0, -100, 6, 3, 3, 1], [5, 3]);
  const weight = core.add(core.rand([7]), 0.5);
  const tol = { atol: 1e-5, rtol: 1e-5 };
  for (const [w, eps] of [[null, 0], [weight, 0], [weight, 0.2], [null, 0.1]] as const) {
    const label = `weight ${w !== null}, labelSmoothing ${eps}`;
    const want = cpu.crossEntropy(geo, logits, target, w, eps, true);
    const got = gpu.crossEntropy(geo, on(logits), on(target), w && on(w), eps, true);
    await agree(`crossEntropy loss (${label})`, got.loss, want.loss, tol);
    await agree(`crossEntropy probs (${label})`, got.probs!, want.probs!, tol);
    const weightSum = (await got.weightSum.read())[0];
    assert.ok(Math.abs(weightSum - want.weightSum) <= 1e-5 * want.weightSum, `weightSum ${weightSum} vs ${want.weightSum}`);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const g = reduction === 'none' ? randn(5, 3) : core.tensor([1.5]);
      await agree(
        `crossEntropyBackward ${reduction} (${label})`,
        gpu.crossEntropyBackward(geo, on(want.probs!), on(target), w && on(w), eps, on(g), reduction, got.weightSum),
        cpu.crossEntropyBackward(geo, want.probs!, target, w, eps, g, reduction, want.weightSum), tol,
      );
    }
  }
});

kernelTest('SGD (momentum, dampening, Nesterov, weight decay, maximize) and Adam (AdamW, amsgrad) updates agree over 3 steps', async () => {
  seeded(7);
  const tol = { atol: 1e-6, rtol: 1e-5 };
  const sgds = [
    { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false },
    { lr: 0.05, momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0.01, maximize: false },
    { lr: 0.05, momentum: 0.8, dampening: 0, nesterov: true, weightDecay: 0, maximize: true },
  ];
  for (const h of sgds) {
    const p = randn(37);
    const dp = on(p);
    const b = h.momentum > 0 ? core.zeros([37]) : null;
    const db = b && on(b);
    for (let step = 0; step < 3; step++) {
      const g = randn(37);
      cpu.sgdUpdate(p, g, b, h, step === 0);
      gpu.sgdUpdate(dp, on(g), db, h, step === 0);
    }
    await agree(`sgdUpdate momentum ${h.momentum} nesterov ${h.nesterov}`, dp, p, tol);
  }
  for (const [amsgrad, coupledDecay, decay] of [[false, 0, 1], [true, 0.01, 1], [false, 0, 1 - 1e-3 * 0.1]] as const) {
    const p = randn(41);
    const state = [p, core.zeros([41]), core.zeros([41]), core.zeros([41])];
    const device = state.map(on);
    for (let step = 1; step <= 3; step++) {
      const [beta1, beta2] = [0.9, 0.999];
      const h = { betas: [beta1, beta2] as const, eps: 1e-8, amsgrad, maximize: false, coupledDecay, decay, stepSize: 1e-3 / (1 - beta1 ** step), biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step) };
      const g = randn(41);
      cpu.adamUpdate(state[0], g, state[1], state[2], amsgrad ? state[3] : null, h);
      gpu.adamUpdate(device[0], on(g), device[1], device[2], amsgrad ? device[3] : null, h);
    }
    await agree(`adamUpdate amsgrad ${amsgrad} coupledDecay ${coupledDecay} decay ${decay}`, device[0], state[0], tol);
  }
});

/** A conv2d geometry with PyTorch's output size: floor((in + 2·pad - dilation·(k - 1) - 1) / stride) + 1. */
function convGeometry(C: number, H: number, W: number, k: [number, number], stride: [number, number], pad: [number, number], dilation: [number, number]) {
  const out = (size: number, d: 0 | 1) => Math.floor((size + 2 * pad[d] - dilation[d] * (k[d] - 1) - 1) / stride[d]) + 1;
  return {
    C, H, W, kH: k[0], kW: k[1], strideH: stride[0], strideW: stride[1], padTop: pad[0], padLeft: pad[1],
    dilationH: dilation[0], dilationW: dilation[1], Ho: out(H, 0), Wo: out(W, 1),
  };
}

kernelTest('conv2d forward, input, weight and bias gradients (stride, padding, dilation, groups) agree with the CPU', async () => {
  seeded(9);
  const tol = { atol: 1e-5, rtol: 1e-5 };
  const cases = [
    { N: 2, C: 4, H: 7, W: 6, O: 6, groups: 2, k: [3, 2], stride: [2, 1], pad: [1, 0], dilation: [1, 2] },
    { N: 1, C: 3, H: 5, W: 5, O: 2, groups: 1, k: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1] },
  ] as const;
  for (const c of cases) {
    const g = convGeometry(c.C, c.H, c.W, [...c.k], [...c.stride], [...c.pad], [...c.dilation]);
    const label = `groups ${c.groups} stride ${c.stride} padding ${c.pad} dilation ${c.dilation}`;
    const x = randn(c.N, c.C, c.H, c.W);
    const w = randn(c.O, c.C / c.groups, c.k[0], c.k[1]);
    const b = randn(c.O);
    await agree(`conv2dForward ${label}`, gpu.conv2dForward(g, c.groups, on(x), on(w), on(b)), cpu.conv2dForward(g, c.groups, x, w, b), tol);
    await agree(`conv2dForward ${label}, no bias`, gpu.conv2dForward(g, c.groups, on(x), on(w), null), cpu.conv2dForward(g, c.groups, x, w, null), tol);
    const grad = randn(c.N, c.O, g.Ho, g.Wo);
    const [gx, gw] = gpu.conv2dBackward(g, c.groups, on(x), on(w), on(grad), true, true);
    const [ex, ew] = cpu.conv2dBackward(g, c.groups, x, w, grad, true, true);
    await agree(`conv2dInputGrad ${label}`, gx!, ex!, tol);
    await agree(`conv2dWeightGrad ${label}`, gw!, ew!, tol);
    await agree(`conv2dBiasBackward ${label}`, gpu.conv2dBiasBackward(on(grad)), cpu.conv2dBiasBackward(grad), tol);
  }
});

kernelTest('maxPool2d and avgPool2d (padding, stride, dilation, ceil-mode overhang, divisors) and their backward agree with the CPU', async () => {
  seeded(10);
  const tol = { atol: 1e-6, rtol: 1e-5 };
  const x = randn(2, 3, 7, 6);
  const pools = [
    { kH: 2, kW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, Ho: 3, Wo: 3 },
    { kH: 3, kW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 1, Ho: 4, Wo: 7 },
    { kH: 3, kW: 3, strideH: 2, strideW: 2, padH: 1, padW: 0, dilationH: 1, dilationW: 1, Ho: 4, Wo: 3 }, // ceil mode: the last window overhangs
  ];
  for (const shape of pools) {
    const g = { planes: 6, H: 7, W: 6, ...shape };
    const label = `k ${g.kH}x${g.kW} stride ${g.strideH},${g.strideW} pad ${g.padH},${g.padW}`;
    const grad = randn(2, 3, g.Ho, g.Wo);
    const got = gpu.maxPool2d(g, on(x));
    const want = cpu.maxPool2d(g, x);
    await agree(`maxPool2d ${label}`, got.out, want.out, tol);
    await agree(`maxPool2dIndices ${label}`, got.indices, want.indices, { atol: 0, rtol: 0 });
    await agree(`maxPool2dBackward ${label}`, gpu.maxPool2dBackward(g, on(grad), on(want.indices), x.shape), cpu.maxPool2dBackward(g, grad, want.indices, x.shape), tol);
    for (const divisor of [{ countIncludePad: true, divisorOverride: 0 }, { countIncludePad: false, divisorOverride: 0 }, { countIncludePad: true, divisorOverride: 5 }]) {
      const d = `${label} countIncludePad ${divisor.countIncludePad} divisorOverride ${divisor.divisorOverride}`;
      await agree(`avgPool2d ${d}`, gpu.avgPool2d(g, divisor, on(x)), cpu.avgPool2d(g, divisor, x), tol);
      await agree(`avgPool2dBackward ${d}`, gpu.avgPool2dBackward(g, divisor, on(grad), x.shape), cpu.avgPool2dBackward(g, divisor, grad, x.shape), tol);
    }
  }
  const dilated = { planes: 6, H: 7, W: 6, kH: 2, kW: 3, strideH: 1, strideW: 2, padH: 1, padW: 1, dilationH: 2, dilationW: 2, Ho: 6, Wo: 3 };
  const want = cpu.maxPool2d(dilated, x);
  const got = gpu.maxPool2d(dilated, on(x));
  await agree('maxPool2d dilation 2', got.out, want.out, tol);
  await agree('maxPool2dIndices dilation 2', got.indices, want.indices, { atol: 0, rtol: 0 });
  const grad = randn(2, 3, 6, 3);
  await agree('maxPool2dBackward dilation 2', gpu.maxPool2dBackward(dilated, on(grad), on(want.indices), x.shape), cpu.maxPool2dBackward(dilated, grad, want.indices, x.shape), tol);
});

kernelTest('batchNorm statistics, train/eval forward and backward, running-statistics update agree with the CPU (float64 statistics there)', async () => {
  seeded(11);
  const tol = { atol: 1e-5, rtol: 1e-5 };
  const x = core.add(core.mul(randn(3, 5, 4, 3), 2), 0.5);
  const grad = randn(3, 5, 4, 3);
  const weight = randn(5);
  const bias = randn(5);
  const f32 = (t: Tensor): Tensor => cpu.cast(t, 'float32');
  const stats = cpu.batchNormStats(x);
  const got = gpu.batchNormStats(on(x));
  await agree('batchNormStats mean', got.mean, stats.mean, tol);
  await agree('batchNormStats variance', got.variance, stats.variance, tol);
  const inv = cpu.invStd(stats.variance, 1e-5);
  await agree('invStd', gpu.invStd(on(f32(stats.variance)), 1e-5), inv, tol);
  const [mean, invStd] = [on(f32(stats.mean)), on(f32(inv))];
  await agree('batchNorm forward', gpu.batchNorm(on(x), mean, invStd, on(weight), on(bias)), cpu.batchNorm(x, stats.mean, inv, weight, bias), tol);
  await agree('batchNorm forward, no affine', gpu.batchNorm(on(x), mean, invStd, null, null), cpu.batchNorm(x, stats.mean, inv, null, null), tol);
  for (const training of [true, false]) {
    for (const w of [weight, null]) {
      const [gx, gw, gb] = gpu.batchNormBackward(on(x), on(grad), mean, invStd, w && on(w), training, true);
      const [ex, ew, eb] = cpu.batchNormBackward(x, grad, stats.mean, inv, w, training, true);
      const label = `training ${training}, weight ${w !== null}`;
      await agree(`batchNormBackward input ${label}`, gx!, ex!, tol);
      await agree(`batchNormBackward weight ${label}`, gw, ew, tol);
      await agree(`batchNormBackward bias ${label}`, gb, eb, tol);
    }
  }
  const running = core.rand([5]);
  const device = on(running);
  cpu.updateRunningStat(running, stats.variance, 0.1, 36 / 35);
  gpu.updateRunningStat(device, on(f32(stats.variance)), 0.1, 36 / 35);
  await agree('updateRunningStat', device, running, tol);
});

/** The kernels one MLP training step calls, on either backend (T a tensor there, S its crossEntropy weightSum). */
interface StepKernels<T, S> {
  matmul2d(transA: boolean, transB: boolean, M: number, N: number, K: number, a: T, b: T, bias: T | null, shape: readonly number[]): T;
  relu(x: T): T;
  reluBackward(y: T, g: T): T;
  sumRows(g: T, rows: number, O: number): T;
  sumDims(x: T, dims: readonly number[]): T;
  crossEntropy(geo: { N: number; C: number; inner: number; ignoreIndex: number }, logits: T, target: T, weight: null, eps: number, keep: true): { loss: T; probs: T | null; weightSum: S };
  crossEntropyBackward(geo: { N: number; C: number; inner: number; ignoreIndex: number }, probs: T, target: T, weight: null, eps: number, g: T, reduction: 'mean', weightSum: S): T;
  sgdUpdate(p: T, g: T, b: T | null, h: { lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number; maximize: boolean }, first: boolean): void;
}

/**
 * One step of a 5-7-3 MLP (linear, relu, linear, crossEntropy 'mean', SGD with momentum) written with backend-table
 * entries only: the summed loss (before dividing by weightSum) and the weightSum, as the backend returns them.
 */
function mlpStep<T, S>(k: StepKernels<T, S>, x: T, target: T, params: T[], momenta: T[], one: T, first: boolean): { lossSum: T; weightSum: S } {
  const [w1, b1, w2, b2] = params;
  const B = 8;
  const geo = { N: B, C: 3, inner: 1, ignoreIndex: -100 };
  const a = k.relu(k.matmul2d(false, true, B, 7, 5, x, w1, b1, [B, 7]));
  const logits = k.matmul2d(false, true, B, 3, 7, a, w2, b2, [B, 3]);
  const { loss, probs, weightSum } = k.crossEntropy(geo, logits, target, null, 0, true);
  const gLogits = k.crossEntropyBackward(geo, probs!, target, null, 0, one, 'mean', weightSum);
  const gA = k.reluBackward(a, k.matmul2d(false, false, B, 7, 3, gLogits, w2, null, [B, 7]));
  const grads = [
    k.matmul2d(true, false, 7, 5, B, gA, x, null, [7, 5]), k.sumRows(gA, B, 7),
    k.matmul2d(true, false, 3, 7, B, gLogits, a, null, [3, 7]), k.sumRows(gLogits, B, 3),
  ];
  const h = { lr: 0.2, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };
  for (let i = 0; i < 4; i++) k.sgdUpdate(params[i], grads[i], momenta[i], h, first);
  return { lossSum: k.sumDims(loss, [0]), weightSum };
}

test('ten MLP training steps from the kernels alone follow the CPU losses and weights within 1e-5, about one submit per step', async () => {
  seeded(12);
  const x = randn(8, 5);
  const target = ints([0, 2, 1, 1, 0, 2, 2, 0], [8]);
  const init = [core.mul(randn(7, 5), 0.5), core.mul(randn(7), 0.1), core.mul(randn(3, 7), 0.5), core.mul(randn(3), 0.1)];
  const cpuParams = init.map((t) => t.clone());
  const cpuMomenta = init.map((t) => core.zerosLike(t));
  const gpuParams = init.map(on);
  const gpuMomenta = cpuMomenta.map(on);
  const [gx, gTarget, gOne] = [on(x), on(target), on(core.tensor([1]))];
  const submits = context.submits;
  const losses: [number, number][] = [];
  for (let step = 0; step < 10; step++) {
    const want = mlpStep<Tensor, number>(cpu, x, target, cpuParams, cpuMomenta, core.tensor([1]), step === 0);
    const got = mlpStep<DeviceTensor, DeviceTensor>(gpu, gx, gTarget, gpuParams, gpuMomenta, gOne, step === 0);
    const gpuLoss = (await got.lossSum.read())[0] / (await got.weightSum.read())[0];
    losses.push([gpuLoss, want.lossSum.data[0] / want.weightSum]);
  }
  const perStep = (context.submits - submits) / 10;
  report(`MLP losses gpu/cpu ${losses.map(([g, c]) => `${g.toFixed(6)}/${c.toFixed(6)}`).join(' ')}; ${perStep} submits per step (2 reads)`);
  for (const [g, c] of losses) assert.ok(Math.abs(g - c) <= 1e-5 * Math.abs(c), `loss ${g} vs ${c}`);
  assert.ok(losses[9][1] < losses[0][1] * 0.8, 'the net learns');
  for (let i = 0; i < 4; i++) core.assertClose(await gpuParams[i].read(), cpuParams[i].data, { atol: 1e-5, rtol: 1e-5 });
  assert.ok(perStep <= 2, `${perStep} submits per step`);
});

test('the buffer pool reuses: memory() stays flat over 100 repeated kernel calls; pipelines compile once; kernels batch into few submits', async () => {
  seeded(8);
  const a = on(randn(9, 10));
  const b = on(randn(10, 11));
  const step = (): DeviceTensor => {
    const y = gpu.matmul2d(false, false, 9, 11, 10, a, b, null, [9, 11]);
    const z = gpu.relu(y);
    y.release();
    const s = gpu.sumDims(z, [0, 1]);
    z.release();
    return s;
  };
  // a first round fills the pool (up to one batch of recorded kernels holds its parameter buffers until the submit)
  for (let i = 0; i < 100; i++) step().release();
  await context.sync();
  const before = context.memory();
  const pipelines = context.pipelineCount;
  const submits = context.submits;
  for (let i = 0; i < 100; i++) step().release();
  const last = step();
  await last.read();
  last.release();
  const after = context.memory();
  report(`memory before ${JSON.stringify(before)}, after 100 more steps ${JSON.stringify(after)}; ${context.submits - submits} submits for 303 kernels and a read`);
  // the collector may hand back buffers of earlier tests' tensors meanwhile (inUse falls, pooled grows): nothing may grow
  assert.ok(after.buffers === before.buffers && after.bytes === before.bytes, 'no buffer allocated');
  assert.ok(after.inUse <= before.inUse, `${after.inUse} buffers in use, ${before.inUse} before`);
  assert.is(context.pipelineCount, pipelines, 'no pipeline compiled twice');
  // one submit per 64 recorded kernels and one for the read, not one per kernel
  assert.ok(context.submits - submits <= Math.ceil(303 / 64) + 2, `${context.submits - submits} submits`);
});

test('a lost device is not reused: the next initWebGPU() gets a new one that runs kernels (the last test: it destroys the device)', async () => {
  const lost = context;
  lost.device.destroy();
  await lost.device.lost;
  await new Promise((resolve) => setTimeout(resolve, 0));
  context = await initWebGPU();
  assert.is.not(context, lost);
  const y = gpu.relu(on(core.tensor([-1, 2])));
  assert.equal([...(await y.read())], [0, 2]);
});

function report(line: string): void {
  console.log(`report: webgpu ${line}`);
}

await run();

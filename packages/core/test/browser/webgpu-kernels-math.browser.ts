// The WebGPU activations, pow's gradients, reductions, adaptive pooling, NLL/MSE gradients, gradient clipping and the
// device-side anomaly check (issue 17, phase 3) in headless Chromium's SwiftShader adapter, each against the CPU
// backend's entry of the same name on odd, seeded shapes, with the float32 tolerance each comparison states.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { webgpuKernels as gpu } from '@torchlet/core/webgpu';
import { run } from '../../../../scripts/browser/harness.js';
import { agree, exact, gpuContext, ints, kernelTest, on, randn, rejects } from './webgpu-kernels-compare.js';

const cpu = core.kernels;
const test = (name: string, fn: () => Promise<void>): void => kernelTest('webgpu-kernels-math', name, fn);
const activation = { atol: 1e-6, rtol: 2e-6 };

test('clamp, gelu (erf and tanh) and softplus, with their gradients, agree with the CPU', async () => {
  core.manualSeed(41);
  // values up to ±12, the clamp bounds themselves, zero, and the far tails where Φ and softplus are tiny
  const x = core.cat([randn([3, 17], 4), core.tensor([[-12, -6, -2, -1, 0, 1, 2, 6, 12, -0.5, 0.5, 3, -3, 9, -9, 20, -20]])]);
  const g = randn([4, 17]);
  await agree('clamp [-1, 2]', gpu.clamp(on(x), -1, 2, 'float32'), cpu.clamp(x, -1, 2, 'float32'), exact);
  await agree('clamp [-inf, 0.5]', gpu.clamp(on(x), -Infinity, 0.5, 'float32'), cpu.clamp(x, -Infinity, 0.5, 'float32'), exact);
  await agree('clampBackward', gpu.clampBackward(on(x), on(g), -1, 2), cpu.clampBackward(x, g, -1, 2), exact);
  for (const tanhApproximation of [false, true]) {
    await agree(`gelu tanh=${tanhApproximation}`, gpu.gelu(on(x), tanhApproximation, 'float32'), cpu.gelu(x, tanhApproximation, 'float32'), activation);
    await agree(`geluBackward tanh=${tanhApproximation}`, gpu.geluBackward(on(x), on(g), tanhApproximation), cpu.geluBackward(x, g, tanhApproximation), activation);
  }
  for (const [beta, threshold] of [[1, 20], [2.5, 4], [0.5, 20]]) {
    await agree(`softplus beta=${beta}`, gpu.softplus(on(x), beta, threshold, 'float32'), cpu.softplus(x, beta, threshold, 'float32'), activation);
    await agree(`softplusBackward beta=${beta}`, gpu.softplusBackward(on(x), on(g), beta, threshold), cpu.softplusBackward(x, g, beta, threshold), activation);
  }
});

test("pow's gradients broadcast as the CPU's, with PyTorch's zero rules at e = 0 and at x = 0", async () => {
  core.manualSeed(42);
  const x = core.tensor([[0.5, 1.5, 2, 0, -2], [3, 0.25, 1, 0, -1.5], [0.1, 4, 2.5, 0, -3]]);
  const e = core.tensor([2, -1, 0.5, 0, 3]); // -2^3 keeps its sign; 0^0 has gradient 0
  const g = randn([3, 5]);
  const tol = { atol: 1e-6, rtol: 1e-5 };
  await agree('powBaseGrad', gpu.powBaseGrad(on(x), on(e), on(g), on(x)), cpu.powBaseGrad(x, e, g, x), tol);
  await agree('powExponentGrad', gpu.powExponentGrad(on(x), on(e), on(g), on(e)), cpu.powExponentGrad(x, e, g, e), tol);
  const column = core.tensor([[2], [0.5], [3]]);
  await agree('powBaseGrad column exponent', gpu.powBaseGrad(on(x.abs()), on(column), on(g), on(x)), cpu.powBaseGrad(x.abs(), column, g, x), tol);
});

test('logSumExpDims, extremumDims (NaN wins) and logsumexpBackward agree with the CPU', async () => {
  core.manualSeed(43);
  const x = randn([3, 17, 5], 3);
  const tol = { atol: 1e-5, rtol: 1e-5 };
  for (const dims of [[1], [0, 2], [0, 1, 2], []]) {
    await agree(`logSumExpDims [${dims}]`, gpu.logSumExpDims(on(x), dims), cpu.logSumExpDims(x, dims), tol);
    for (const sign of [1, -1] as const) {
      await agree(`extremumDims ${sign} [${dims}]`, gpu.extremumDims(on(x), dims, sign), cpu.extremumDims(x, dims, sign), exact);
    }
  }
  // an infinite maximum is not subtracted, -inf rows stay -inf; a NaN wins amax and amin
  const special = core.tensor([[1, Infinity, 2], [-Infinity, -Infinity, -Infinity], [1, Number.NaN, 5], [80, 81, 79]]);
  await agree('logSumExpDims special', gpu.logSumExpDims(on(special), [1]), cpu.logSumExpDims(special, [1]), tol);
  for (const sign of [1, -1] as const) {
    await agree(`extremumDims NaN ${sign}`, gpu.extremumDims(on(special), [1], sign), cpu.extremumDims(special, [1], sign), exact);
  }
  const out = cpu.logSumExpDims(x, [0, 2]);
  const g = randn([1, 17, 1]);
  await agree('logsumexpBackward', gpu.logsumexpBackward(on(x), on(out.reshape([17])), on(g.reshape([17])), [1, 17, 1]), cpu.logsumexpBackward(x, out, g, [1, 17, 1]), tol);
});

test('adaptiveAvgPool2d (overlapping windows) and its backward agree with the CPU', async () => {
  core.manualSeed(44);
  const x = randn([2, 3, 7, 5]);
  const tol = { atol: 1e-6, rtol: 1e-5 };
  for (const [Ho, Wo] of [[3, 2], [1, 1], [7, 5], [4, 3]]) {
    await agree(`adaptiveAvgPool2d ${Ho}x${Wo}`, gpu.adaptiveAvgPool2d(on(x), Ho, Wo), cpu.adaptiveAvgPool2d(x, Ho, Wo), tol);
    const g = randn([2, 3, Ho, Wo]);
    await agree(`adaptiveAvgPool2dBackward ${Ho}x${Wo}`, gpu.adaptiveAvgPool2dBackward(on(g), x.shape), cpu.adaptiveAvgPool2dBackward(g, x.shape), tol);
  }
});

test('nllLoss (weights, ignoreIndex, spatial positions), its backward for each reduction, and mseLossBackward agree with the CPU', async () => {
  core.manualSeed(45);
  const tol = { atol: 1e-6, rtol: 1e-5 };
  const input = randn([3, 4, 5]); // N 3, C 4, 5 positions each
  const target = ints([0, 3, -100, 1, 2, 2, 2, 0, -100, 3, 1, 1, 0, 3, 2], [3, 5]);
  const weight = core.tensor([0.5, 2, 1, 0.25]);
  for (const w of [null, weight]) {
    const geo = { N: 3, C: 4, inner: 5, ignoreIndex: -100 };
    const expected = cpu.nllLoss(geo, input, target, w);
    const actual = gpu.nllLoss(geo, on(input), on(target), w && on(w));
    await agree(`nllLoss weight=${w !== null}`, actual.loss, expected.loss, tol);
    assert.ok(Math.abs((await actual.weightSum.read())[0] - expected.weightSum) < 1e-6, 'nllLoss weightSum');
    for (const reduction of ['none', 'sum', 'mean'] as const) {
      const g = reduction === 'none' ? randn([3, 5]) : core.tensor(1.7);
      await agree(`nllLossBackward ${reduction}`, gpu.nllLossBackward(geo, on(target), w && on(w), on(g), reduction, actual.weightSum, input.shape),
        cpu.nllLossBackward(geo, target, w, g, reduction, expected.weightSum, input.shape), tol);
    }
    actual.weightSum.release();
  }
  const diff = randn([3, 17]);
  for (const reduction of ['none', 'sum', 'mean'] as const) {
    const g = reduction === 'none' ? randn([3, 17]) : core.tensor(0.6);
    await agree(`mseLossBackward ${reduction}`, gpu.mseLossBackward(on(diff), on(g), reduction), cpu.mseLossBackward(diff, g, reduction), tol);
  }
});

test('clampMagnitude_ clips in place as the CPU; totalNorm says why it needs the host; findNonFinite reports at the next read', async () => {
  core.manualSeed(46);
  const t = randn([3, 17], 2);
  const onT = on(t);
  gpu.clampMagnitude_(onT, 1.25);
  const cpuT = core.tensor(t.data.slice()).reshape([3, 17]);
  cpu.clampMagnitude_(cpuT, 1.25);
  await agree('clampMagnitude_', onT, cpuT, exact);
  await rejects(() => gpu.totalNorm([on(t)], 2), /totalNorm: clipGradNorm_ needs the gradients' norm \(order 2\) on the host.*use clipGradValue_ on the device/);
  const context = await gpuContext();
  const finite = on(t);
  assert.is(gpu.findNonFinite(finite), null);
  await finite.read(); // all finite: the read passes
  const bad = on(core.tensor([[1, 2, 3], [4, Number.POSITIVE_INFINITY, Number.NaN]]));
  assert.is(gpu.findNonFinite(bad), null, 'the op goes on');
  assert.is(gpu.findNonFinite(on(ints([1, 2], [2]))), null, 'int32 is always finite');
  await rejects(() => bad.read(), /detectAnomaly: an op on 'webgpu' produced Infinity at flat index 4 of an output with shape \[2, 3\]; the check ran on the device/);
  assert.ok((await bad.read()).length === 6, 'the check is reported once');
  void context;
});

test("issue 13's math: mathUnary, round, mathBinary, cumulative and argsort agree with the CPU", async () => {
  core.manualSeed(47);
  const x = core.cat([randn([3, 17], 2), core.tensor([[0, -0, 1e-4, -1e-4, 0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 3, 0.99, -0.99, 7, 1e-8, 10]])]);
  const unit = core.tanh(x); // in (-1, 1) for asin, acos, atanh
  const positive = core.add(core.abs(x), 1e-3);
  const unaryTol = { atol: 2e-6, rtol: 1e-5 };
  const ops: [core.kernels.MathUnaryOp, core.Tensor][] = [
    ['sin', x], ['cos', x], ['tan', unit], ['asin', unit], ['acos', unit], ['atan', x], ['sinh', x], ['cosh', x], ['asinh', x],
    ['acosh', core.add(positive, 1)], ['atanh', core.mul(unit, 0.9)], ['log1p', positive], ['expm1', x], ['log2', positive], ['log10', positive],
    ['exp2', x], ['rsqrt', positive], ['erf', x], ['sign', x], ['floor', x], ['ceil', x], ['trunc', x],
  ];
  for (const [op, input] of ops) {
    await agree(`mathUnary:${op}`, gpu.mathUnary(op, on(input), 'float32'), cpu.mathUnary(op, input, 'float32'), unaryTol);
  }
  const small = core.tensor([-0.3, 1e-6, -1e-6, 0.2, -0.6, 0.9]); // the relative accuracy of log1p, expm1 and erf near 0
  for (const op of ['log1p', 'expm1', 'erf'] as const) {
    await agree(`mathUnary ${op} near 0`, gpu.mathUnary(op, on(small), 'float32'), cpu.mathUnary(op, small, 'float32'), { atol: 1e-12, rtol: 2e-6 });
  }
  const counts = ints([-3, 0, 5, 7, -1], [5]);
  await agree('mathUnary sign int32', gpu.mathUnary('sign', on(counts), 'int32'), cpu.mathUnary('sign', counts, 'int32'), exact);
  await agree('mathUnary sin of int32', gpu.mathUnary('sin', on(counts), 'float32'), cpu.mathUnary('sin', counts, 'float32'), unaryTol);
  // halves go to the even neighbour; other decimals scale in float32 here (float64 on the CPU), hence the tolerance
  await agree('round 0', gpu.round(on(x), 0), cpu.round(x, 0), exact);
  await agree('round 2', gpu.round(on(x), 2), cpu.round(x, 2), { atol: 1e-6, rtol: 1e-6 });
  await agree('round -1', gpu.round(on(x), -1), cpu.round(x, -1), { atol: 1e-6, rtol: 1e-6 });
  await agree('round int32', gpu.round(on(counts), 0), cpu.round(counts, 0), exact);
  const a = randn([3, 1, 5], 3);
  const b = core.cat([randn([4, 1], 3).reshape([4, 1]), core.tensor([[0]])]).reshape([5, 1]);
  const specials = core.tensor([Infinity, -Infinity, Number.NaN, 0, 2]);
  for (const op of ['atan2', 'hypot', 'logaddexp', 'xlogy'] as const) {
    await agree(`mathBinary:${op}`, gpu.mathBinary(op, on(a), on(b), [3, 5, 5], 'float32'), cpu.mathBinary(op, a, b, [3, 5, 5], 'float32'), { atol: 1e-6, rtol: 1e-5 });
    const xs = core.tensor([Infinity, -Infinity, 0, 0, 3]);
    await agree(`mathBinary ${op} special`, gpu.mathBinary(op, on(xs), on(specials), [5], 'float32'), cpu.mathBinary(op, xs, specials, [5], 'float32'), { atol: 1e-6, rtol: 1e-5 });
  }
  const y = randn([3, 17, 2]);
  for (const dim of [0, 1, 2]) {
    await agree(`cumulative sum dim ${dim}`, gpu.cumulative(on(y), dim, 'sum'), cpu.cumulative(y, dim, 'sum'), { atol: 1e-5, rtol: 1e-5 });
    await agree(`cumulative prod dim ${dim}`, gpu.cumulative(on(y), dim, 'prod'), cpu.cumulative(y, dim, 'prod'), { atol: 1e-6, rtol: 1e-5 });
  }
  const yi = core.randint(-5, 5, [3, 17]);
  await agree('cumulative sum int32', gpu.cumulative(on(yi), 1, 'sum'), cpu.cumulative(yi, 1, 'sum'), exact);
  // ties keep their order (stable) and NaN sorts above +Infinity, both ways
  const lines = core.cat([core.round(randn([3, 17], 2)), core.tensor([[Number.NaN, 1, Infinity, 1, -Infinity, Number.NaN, 0, 0, 1, 2, 3, -1, 0, 1, 2, 3, 4]])]);
  for (const descending of [false, true]) {
    for (const dim of [0, 1]) {
      await agree(`argsort dim ${dim} descending=${descending}`, gpu.argsort(on(lines), dim, descending), cpu.argsort(lines, dim, descending), exact);
    }
  }
});

test('oneHot agrees with the CPU; maxElement and nonzeroFlat (host-sized results) name the asynchronous route', async () => {
  const indices = ints([0, 4, 2, 2, 1, 3], [2, 3]);
  await agree('oneHot', gpu.oneHot(on(indices), 5), cpu.oneHot(indices, 5), exact);
  await rejects(() => gpu.maxElement(on(indices)), /maxElement: this op needs the largest value of a tensor on 'webgpu' on the host.*await x.cpu\(\)/);
  await rejects(() => gpu.nonzeroFlat(on(indices)), /nonzeroFlat: the size of this op's result .* depends on the mask's values.*await t.cpu\(\)/);
});

await run();

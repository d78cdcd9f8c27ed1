// The WebGPU copies, indexed reads and their adjoints, and the broadcasting selections (issue 17, phase 3) in headless
// Chromium's SwiftShader adapter: each kernel on odd, seeded shapes against the CPU backend's entry of the same name.
// Copies move raw words and the adjoints add in the CPU's order, so most comparisons here are exact.
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { webgpuKernels as gpu } from '@torchlet/core/webgpu';
import { run } from '../../../../scripts/browser/harness.js';
import { agree, exact, ints, kernelTest, on, randint, randn } from './webgpu-kernels-compare.js';

const cpu = core.kernels;
const test = (name: string, fn: () => Promise<void>): void => kernelTest('webgpu-kernels-indexing', name, fn);

test('permute, readWindow, copyWindow and concat (float32 and int32) are exact copies of the CPU entries', async () => {
  core.manualSeed(31);
  for (const x of [randn([3, 1, 5, 4]), randint(-9, 9, [3, 1, 5, 4])]) {
    for (const perm of [[2, 0, 3, 1], [3, 2, 1, 0], [0, 1, 2, 3]]) {
      await agree(`permute ${x.dtype} [${perm}]`, gpu.permute(on(x), perm), cpu.permute(x, perm), exact);
    }
  }
  // a non-contiguous input: the permuted copy permuted again, and a permute of 1 and 17 long dims
  const y = randn([1, 17, 3]);
  const once = cpu.permute(y, [2, 0, 1]);
  await agree('permute of a permute', gpu.permute(gpu.permute(on(y), [2, 0, 1]), [1, 2, 0]), cpu.permute(once, [1, 2, 0]), exact);
  const a = randn([3, 17]);
  // a[1:, 3:15:4] and a[:, ::-2] (a negative stride, as flip gives): windows by offset and strides
  await agree('readWindow step 4', gpu.readWindow(on(a), [2, 3], 17 + 3, [17, 4]), cpu.readWindow(a, [2, 3], 17 + 3, [17, 4]), exact);
  await agree('readWindow negative stride', gpu.readWindow(on(a), [3, 9], 16, [17, -2]), cpu.readWindow(a, [3, 9], 16, [17, -2]), exact);
  await agree('readWindow 0-d', gpu.readWindow(on(a), [], 5, []), cpu.readWindow(a, [], 5, []), exact);
  // the adjoint of a slice (zeros around) and a pad with a fill value
  const w = randn([2, 3]);
  await agree('copyWindow slice adjoint', gpu.copyWindow(on(w), [2, 3], 0, [3, 1], [3, 17], 20, [17, 4], 0), cpu.copyWindow(w, [2, 3], 0, [3, 1], [3, 17], 20, [17, 4], 0), exact);
  await agree('copyWindow pad 1.5', gpu.copyWindow(on(w), [2, 3], 0, [3, 1], [4, 5], 6, [5, 1], 1.5), cpu.copyWindow(w, [2, 3], 0, [3, 1], [4, 5], 6, [5, 1], 1.5), exact);
  const iw = randint(0, 5, [2, 3]);
  await agree('copyWindow int32 pad -7', gpu.copyWindow(on(iw), [2, 3], 0, [3, 1], [2, 4], 1, [4, 1], -7), cpu.copyWindow(iw, [2, 3], 0, [3, 1], [2, 4], 1, [4, 1], -7), exact);
  // concat along dim 1 of [3, k, 2] parts: outer 3, widths k·2
  const parts = [randn([3, 1, 2]), randn([3, 4, 2]), randn([3, 17, 2])];
  await agree('concat', gpu.concat(parts.map(on), 3, [2, 8, 34], [3, 22, 2], 'float32'), cpu.concat(parts, 3, [2, 8, 34], [3, 22, 2], 'float32'), exact);
  const intParts = [randint(0, 9, [1, 3]), randint(0, 9, [1, 1])];
  await agree('concat int32', gpu.concat(intParts.map(on), 1, [3, 1], [4], 'int32'), cpu.concat(intParts, 1, [3, 1], [4], 'int32'), exact);
});

test('gather / scatterAdd, indexSelect / indexAdd and takeAlong / putAlong agree with the CPU, repeated indices summed in its order', async () => {
  core.manualSeed(32);
  const x = randn([3, 5, 4]);
  // the index is longer than x along dim and shorter in the last dim; values repeat
  const index = randint(0, 5, [3, 7, 2]);
  await agree('gather', gpu.gather(on(x), x.shape, 1, on(index), index.shape), cpu.gather(x, x.shape, 1, index, index.shape), exact);
  const g = randn([3, 7, 2]);
  await agree('scatterAdd dim 1', gpu.scatterAdd(on(g), g.shape, 1, on(index), x.shape, x.shape), cpu.scatterAdd(g, g.shape, 1, index, x.shape, x.shape), exact);
  const index0 = randint(0, 3, [17, 1, 1]);
  const g0 = randn([17, 1, 1]);
  await agree('scatterAdd dim 0, 17 onto 3', gpu.scatterAdd(on(g0), g0.shape, 0, on(index0), [3, 5, 4], [3, 5, 4]), cpu.scatterAdd(g0, g0.shape, 0, index0, [3, 5, 4], [3, 5, 4]), { atol: 0, rtol: 0 });
  // outShape and viewShape differ (a flat output addressed as [3, 20])
  const flatIndex = randint(0, 20, [3, 6]);
  const gFlat = randn([3, 6]);
  await agree('scatterAdd viewShape', gpu.scatterAdd(on(gFlat), [3, 6], 1, on(flatIndex), [60], [3, 20]), cpu.scatterAdd(gFlat, [3, 6], 1, flatIndex, [60], [3, 20]), exact);
  const rows = ints([4, 0, 4, 2, 4], [5]);
  await agree('indexSelect', gpu.indexSelect(on(x), 3, 5, 4, on(rows), [3, 5, 4]), cpu.indexSelect(x, 3, 5, 4, rows, [3, 5, 4]), exact);
  const xi = randint(-50, 50, [3, 5, 4]);
  await agree('indexSelect int32', gpu.indexSelect(on(xi), 1, 3, 20, on(ints([2, 2], [2])), [2, 5, 4]), cpu.indexSelect(xi, 1, 3, 20, ints([2, 2], [2]), [2, 5, 4]), exact);
  const gSel = randn([3, 5, 4]);
  await agree('indexAdd', gpu.indexAdd(on(gSel), 3, 5, 4, on(rows), [3, 5, 4]), cpu.indexAdd(gSel, 3, 5, 4, rows, [3, 5, 4]), exact);
  for (const dim of [0, 1, 2, null]) {
    const shape = dim === null ? [] : x.shape.map((d, k) => (k === dim ? 1 : d));
    const at = cpu.argExtremum(x, dim, 1, shape);
    const gAt = randn(shape);
    await agree(`putAlong dim ${dim}`, gpu.putAlong(on(gAt), on(at), x.shape, dim), cpu.putAlong(gAt, at, x.shape, dim), exact);
  }
});

test('where, maskSelect, extremumShare, mulInPlace and applyMask broadcast as the CPU entries do', async () => {
  core.manualSeed(33);
  const cond = core.tensor([[1], [0], [Number.NaN]]); // NaN counts as true
  const a = randn([1, 5]);
  const b = randn([3, 5]);
  const expected = cpu.where(cond, a, b, [3, 5], 'float32');
  const actual = gpu.where(on(cond), on(a), on(b), [3, 5], 'float32');
  await agree('where', actual.out, expected.out, exact);
  await agree('where mask', actual.mask, expected.mask, exact);
  const gWhere = randn([3, 5]);
  for (const keep of [0, 1] as const) {
    await agree(`maskSelect keep ${keep}`, gpu.maskSelect(on(expected.mask), keep, on(gWhere)), cpu.maskSelect(expected.mask, keep, gWhere), exact);
  }
  const intCond = ints([0, 3, 0, -1, 0], [5]);
  const intA = randint(0, 9, [3, 5]);
  const intWhere = gpu.where(on(intCond), on(intA), on(ints([7], [1])), [3, 5], 'int32');
  const intExpected = cpu.where(intCond, intA, ints([7], [1]), [3, 5], 'int32');
  await agree('where int32', intWhere.out, intExpected.out, exact);
  intWhere.mask.release();
  // ties (x == y) share the gradient half and half
  const x = core.tensor([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1], [0, 0, 0, 0, 0]]);
  const y = core.tensor([3, 3, 3, 0, -1]);
  const g = randn([3, 5]);
  for (const sign of [1, -1] as const) {
    await agree(`extremumShare self ${sign}`, gpu.extremumShare(on(x), on(y), on(g), sign), cpu.extremumShare(x, y, g, sign), exact);
    await agree(`extremumShare other ${sign}`, gpu.extremumShare(on(y), on(x), on(g), sign), cpu.extremumShare(y, x, g, sign), exact);
  }
  const self = randn([3, 1, 5]);
  const other = randn([1, 5]);
  const onSelf = on(self);
  gpu.mulInPlace(onSelf, on(other));
  const cpuSelf = core.tensor(self.data.slice()).reshape([3, 1, 5]);
  cpu.mulInPlace(cpuSelf, other);
  await agree('mulInPlace', onSelf, cpuSelf, exact);
  // dropout: the CPU generator's mask, uploaded, so one seed gives one mask on either device
  const units = randn([4, 3, 5]);
  let generator = 0.1;
  const mask = cpu.dropoutMask(12, 'float32', 0.7, () => (generator = (generator * 7.31) % 1));
  assert.ok(mask.data.some((m) => m === 0) && mask.data.some((m) => m !== 0), 'the mask drops some units and keeps some');
  await agree('applyMask unit 5', gpu.applyMask(on(units), on(mask), 5), cpu.applyMask(units, mask, 5), exact);
  const single = cpu.dropoutMask(60, 'float32', 0.5, () => (generator = (generator * 3.7) % 1));
  await agree('applyMask unit 1', gpu.applyMask(on(units), on(single), 1), cpu.applyMask(units, single, 1), exact);
});

await run();

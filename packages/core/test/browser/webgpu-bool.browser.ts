// Bool tensors on 'webgpu' (issue 17), in headless Chromium's SwiftShader adapter: bool storage (one 32-bit word of
// 0/1 per element on the device, a Uint8Array of 0/1 on the host), the comparisons, logical ops, casts, where and
// masks, and the ops whose gradients use comparisons, each against the same op on the CPU. Bool and integer results
// must be exact; float results and gradients agree within atol 1e-6 + rtol 1e-6·|cpu| (these are selections and
// float32 arithmetic of one order, so in practice exact as well).
import * as assert from 'uvu/assert';
import * as core from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
import { run, test } from '../../../../scripts/browser/harness.js';

type Tensor = core.Tensor;

const floatTolerance = { atol: 1e-6, rtol: 1e-6 };

/** Asserts the device tensor holds exactly the CPU tensor's values, dtype and shape. */
async function same(label: string, onGpu: Tensor, onCpu: Tensor): Promise<void> {
  assert.is(onGpu.device, 'webgpu', `${label}: device`);
  assert.is(onGpu.dtype, onCpu.dtype, `${label}: dtype`);
  assert.equal([...onGpu.shape], [...onCpu.shape], `${label}: shape`);
  const values = await onGpu.read();
  assert.is(values.constructor, onCpu.data.constructor, `${label}: array type`);
  // Object.is: NaN equals NaN here, and -0 differs from 0
  for (let i = 0; i < values.length; i++) {
    if (!Object.is(values[i], onCpu.data[i])) assert.unreachable(`${label}: element ${i} is ${values[i]} on webgpu, ${onCpu.data[i]} on the CPU`);
  }
}

/** Asserts the device tensor holds the CPU tensor's float values within floatTolerance. */
async function close(label: string, onGpu: Tensor, onCpu: Tensor): Promise<void> {
  assert.is(onGpu.device, 'webgpu', `${label}: device`);
  assert.equal([...onGpu.shape], [...onCpu.shape], `${label}: shape`);
  try {
    core.assertClose(await onGpu.read(), onCpu.data, floatTolerance);
  } catch (err) {
    throw new Error(`${label}: ${(err as Error).message}`);
  }
}

/** Float32 values with the cases a comparison or a cast to bool must get right: NaN, ±Infinity, ±0, ties. */
const special = core.tensor([[NaN, 1, -0, Infinity], [2, -Infinity, 0, 1], [0.5, NaN, -3, 2]]);
const other = core.tensor([[NaN, 1, 0, Infinity], [1, 3, -0, NaN], [0.5, 2, -3, 5]]);

test('bool storage on webgpu: to(), creation with { device, dtype }, read() as a Uint8Array of 0/1, cpu()', async () => {
  await initWebGPU();
  const host = core.tensor([1, 0, 3, 0, -2, NaN], { dtype: 'bool' }).reshape([2, 3]);
  const moved = host.to('webgpu');
  assert.is(moved.dtype, 'bool');
  const read = await moved.read();
  assert.ok(read instanceof Uint8Array, 'read() of a bool device tensor is a Uint8Array');
  assert.equal([...read], [1, 0, 1, 0, 1, 1]);
  const made = core.tensor([0, 5, 0, 1], { device: 'webgpu', dtype: 'bool' });
  assert.is(made.device, 'webgpu');
  assert.equal([...(await made.read())], [0, 1, 0, 1]);
  const back = await made.cpu();
  assert.is(back.dtype, 'bool');
  assert.equal([...back.data], [0, 1, 0, 1]);
  await same('ones bool', core.ones([2, 2], { device: 'webgpu', dtype: 'bool' }), core.ones([2, 2], { dtype: 'bool' }));
  await same('zerosLike bool', core.zerosLike(made), core.zerosLike(back));
  await same('full bool of NaN', core.full([3], NaN, { device: 'webgpu', dtype: 'bool' }), core.full([3], NaN, { dtype: 'bool' }));
});

test('comparisons on webgpu give bool, exactly the CPU\'s (NaN equals nothing), broadcasting, float32 and int32 and bool operands', async () => {
  await initWebGPU();
  const [a, b] = [special.to('webgpu'), other.to('webgpu')];
  const row = core.tensor([1, NaN, 0, 2]);
  for (const name of ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const) {
    await same(`${name} float32`, core[name](a, b), core[name](special, other));
    await same(`${name} broadcast`, core[name](a, row.to('webgpu')), core[name](special, row));
    await same(`${name} scalar`, core[name](a, 1), core[name](special, 1));
    const ints = core.tensor(Int32Array.from([3, -1, 7, 0, 2, 2])).reshape([2, 3]);
    await same(`${name} int32`, core[name](ints.to('webgpu'), 2), core[name](ints, 2));
    const bools = core.tensor([1, 0, 1, 0], { dtype: 'bool' });
    const bools2 = core.tensor([1, 1, 0, 0], { dtype: 'bool' });
    await same(`${name} bool`, core[name](bools.to('webgpu'), bools2.to('webgpu')), core[name](bools, bools2));
  }
});

test('logical ops, casts to and from bool and bool arithmetic on webgpu match the CPU exactly', async () => {
  await initWebGPU();
  const [a, b] = [special.to('webgpu'), other.to('webgpu')];
  for (const name of ['logicalAnd', 'logicalOr', 'logicalXor'] as const) {
    await same(name, core[name](a, b), core[name](special, other));
    const mask = core.gt(special, 0);
    const column = core.tensor([[1], [0], [1]], { dtype: 'bool' });
    await same(`${name} bool broadcast`, core[name](mask.to('webgpu'), column.to('webgpu')), core[name](mask, column));
  }
  await same('logicalNot float32', core.logicalNot(a), core.logicalNot(special));
  await same('logicalNot bool', core.logicalNot(core.gt(a, 0)), core.logicalNot(core.gt(special, 0)));
  // nonzero (NaN included) is true; -0 is false
  await same('float32 to bool', a.bool(), special.bool());
  const ints = core.tensor(Int32Array.from([0, -4, 9, 0, 1]));
  await same('int32 to bool', ints.to('webgpu').bool(), ints.bool());
  const mask = core.gt(special, 0);
  await same('bool to float32', mask.to('webgpu').float(), mask.float());
  await same('bool to int32', mask.to('webgpu').int(), mask.int());
  await same('bool to bool', mask.to('webgpu').bool(), mask.bool());
  // True + True is True (a logical or), bool · bool an and, as in PyTorch
  const m2 = core.lt(other, 2);
  await same('bool add', core.add(mask.to('webgpu'), m2.to('webgpu')), core.add(mask, m2));
  await same('bool mul', core.mul(mask.to('webgpu'), m2.to('webgpu')), core.mul(mask, m2));
  await same('bool + float32', core.add(mask.to('webgpu'), a), core.add(mask, special));
});

test('where, maskedFill and the bool count (the sumDims entry) on webgpu with a bool mask', async () => {
  await initWebGPU();
  const x = core.tensor([[1, -2, 3, -4], [5, NaN, -7, 8], [0, 1, -1, 2]]);
  const mask = core.gt(x, 0);
  const [xd, maskd] = [x.to('webgpu'), mask.to('webgpu')];
  await same('where(bool, x, -x)', core.where(maskd, xd, core.neg(xd)), core.where(mask, x, core.neg(x)));
  await same('where(bool, bool, bool)', core.where(maskd, maskd, core.logicalNot(maskd)), core.where(mask, mask, core.logicalNot(mask)));
  await same('maskedFill float32', core.maskedFill(xd, maskd, -9), core.maskedFill(x, mask, -9));
  const row = core.tensor([1, 0, 0, 1], { dtype: 'bool' });
  await same('maskedFill broadcast mask', core.maskedFill(xd, row.to('webgpu'), 0.5), core.maskedFill(x, row, 0.5));
  await same('maskedFill of a bool x', core.maskedFill(maskd, row.to('webgpu'), 1), core.maskedFill(mask, row, 1));
  // copies move the words as they are
  await same('cat of bool', core.cat([maskd, core.logicalNot(maskd)], 1), core.cat([mask, core.logicalNot(mask)], 1));
  await same('transpose of bool', core.transpose(maskd, 0, 1), core.transpose(mask, 0, 1));
  const rows = core.tensor(Int32Array.from([2, 0, 2]));
  await same('indexSelect of bool', core.indexSelect(maskd, 0, rows.to('webgpu')), core.indexSelect(mask, 0, rows));
  for (const dims of [[0], [1], [0, 1], []]) {
    await same(`sumDims(bool, [${dims.join(', ')}])`, core.kernels.sumDims(maskd, dims), core.kernels.cast(core.kernels.sumDims(core.kernels.cast(mask, 'float64'), dims), 'int32'));
  }
});

test('isnan, isinf and isfinite on webgpu match the CPU exactly', async () => {
  await initWebGPU();
  const a = special.to('webgpu');
  await same('isnan', core.isnan(a), core.isnan(special));
  await same('isinf', core.isinf(a), core.isinf(special));
  await same('isfinite', core.isfinite(a), core.isfinite(special));
  const ints = core.tensor(Int32Array.from([1, 2, 3]));
  await same('isnan int32', core.isnan(ints.to('webgpu')), core.isnan(ints));
});

type Case = [name: string, inputs: Tensor[], op: (...xs: Tensor[]) => Tensor];

/** The inputs as leaves requiring grad on `device`, the op's output, and the gradients of Σ out·w. */
function forwardBackward(device: core.Device, inputs: Tensor[], op: (...xs: Tensor[]) => Tensor, w: Tensor) {
  const leaves = inputs.map((t) => {
    const leaf = device === 'cpu' ? t.clone() : t.to(device);
    leaf.requiresGrad = true;
    return leaf;
  });
  const out = op(...leaves);
  core.sum(core.mul(out, device === 'cpu' ? w : w.to(device))).backward();
  return { out, grads: leaves.map((l) => l.grad!) };
}

test('gradients through comparisons on webgpu (maximum/minimum with ties, clamp, maskedFill, where with a comparison) match the CPU', async () => {
  await initWebGPU();
  core.manualSeed(17);
  // rounded values, so maximum/minimum and the comparisons meet ties
  const x = core.round(core.mul(core.randn([3, 5]), 2));
  const y = core.round(core.mul(core.randn([3, 5]), 2));
  const cases: Case[] = [
    ['maximum', [x, y], (a, b) => core.maximum(a, b)],
    ['minimum', [x, y], (a, b) => core.minimum(a, b)],
    ['clamp', [x], (a) => core.clamp(a, -1, 1)],
    ['maskedFill', [x], (a) => core.maskedFill(a, core.gt(a, 0), 0)],
    ['where with a comparison', [x, y], (a, b) => core.where(core.ge(a, b), core.mul(a, b), core.sub(a, b))],
    ['where with a logical mask', [x, y], (a, b) => core.where(core.logicalAnd(core.gt(a, -1), core.lt(b, 1)), a, b)],
  ];
  for (const [name, inputs, op] of cases) {
    const w = core.randn([...op(...inputs).shape]);
    const cpu = forwardBackward('cpu', inputs, op, w);
    const gpu = forwardBackward('webgpu', inputs, op, w);
    await close(`${name} forward`, gpu.out, cpu.out);
    for (let k = 0; k < cpu.grads.length; k++) await close(`${name} gradient ${k}`, gpu.grads[k], cpu.grads[k]);
  }
});

test('sum, any and all of bool on webgpu (int32 counts), isinf/isfinite of int32, and amax/amin gradients with ties (through eq) match the CPU', async () => {
  await initWebGPU();
  const x = core.tensor([[1, 3, 3, -2], [0, 0, -5, 0], [2, 2, 2, 2]]);
  const mask = core.gt(x, 0);
  const maskd = mask.to('webgpu');
  await same('sum(bool)', core.sum(maskd), core.sum(mask));
  await same('sum(bool, 1)', core.sum(maskd, 1), core.sum(mask, 1));
  for (const name of ['any', 'all'] as const) {
    await same(name, core[name](maskd), core[name](mask));
    await same(`${name}(dim 1)`, core[name](x.to('webgpu'), 1), core[name](x, 1));
    await same(`${name}(dim 0, keepdim)`, core[name](maskd, 0, true), core[name](mask, 0, true));
  }
  const ints = core.tensor(Int32Array.from([1, 2, 3]));
  await same('isinf int32', core.isinf(ints.to('webgpu')), core.isinf(ints));
  await same('isfinite int32', core.isfinite(ints.to('webgpu')), core.isfinite(ints));
  const cases: Case[] = [
    ['amax over dim 1 (ties)', [x], (a) => core.amax(a, 1)],
    ['amin over dims [0, 1] (ties)', [x], (a) => core.amin(a, [0, 1])],
    ['amax keepdim (ties)', [x], (a) => core.amax(a, 0, true)],
  ];
  for (const [name, inputs, op] of cases) {
    const w = core.randn([...op(...inputs).shape]);
    const cpu = forwardBackward('cpu', inputs, op, w);
    const gpu = forwardBackward('webgpu', inputs, op, w);
    await close(`${name} forward`, gpu.out, cpu.out);
    await close(`${name} gradient`, gpu.grads[0], cpu.grads[0]);
  }
});

test('bool on webgpu: ops that have no bool rule say so, naming the op', async () => {
  await initWebGPU();
  const mask = core.tensor([1, 0, 1], { device: 'webgpu', dtype: 'bool' });
  assert.throws(() => core.kernels.binary('div', mask, mask, [3], 'bool'), /div: expected float32 device tensors, got bool/);
  assert.throws(() => core.kernels.logical('and', core.tensor([1, 2, 3], { device: 'webgpu' }), mask, [3]), /logicalAnd: expected a bool device tensor, got float32/);
});

await run();

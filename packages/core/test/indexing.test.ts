import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, arange, randn, randint, gradcheck, manualSeed,
  slice, narrow, select, index, cat, stack, pad, gather, indexSelect,
} from '@torchlet/core';

manualSeed(3);
const rnd = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });
const int32 = (data: number[] | number[][] | number[][][]): Tensor => tensor(data, { dtype: 'int32' });

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d] + idx[d];
  return flat;
}

/**
 * The reference every forward is checked against: output element idx is x[source(idx)], or `fill` where source
 * returns null. One element at a time, straight from each op's definition.
 */
function reference(x: Tensor, outShape: number[], source: (idx: number[]) => number[] | null, fill = 0): number[] {
  const n = outShape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let p = 0; p < n; p++) {
    const src = source(unravel(p, outShape));
    out.push(src === null ? fill : x.data[ravel(src, x.shape)]);
  }
  return out;
}

/** The positions Python's range(*slice(start, end, step).indices(size)) visits, for step > 0. */
function pythonSlice(size: number, start: number | null, end: number | null, step: number): number[] {
  const norm = (i: number | null, dflt: number) => (i === null ? dflt : i < 0 ? Math.max(i + size, 0) : Math.min(i, size));
  const out: number[] = [];
  for (let i = norm(start, 0); i < norm(end, size); i += step) out.push(i);
  return out;
}

// ----- slice

test('slice follows Python slicing: negative bounds, clamping, steps, empty results', () => {
  const shape = [3, 7, 2];
  const x = randn(shape);
  const bounds: [number | null, number | null, number][] = [
    [null, null, 1], [1, 5, 1], [-3, null, 1], [null, -2, 1], [2, 100, 1], [-100, 3, 1], [5, 2, 1], [0, 7, 2], [1, null, 3],
    [-6, -1, 2], [7, null, 1], [6, 7, 5], [null, null, 10],
  ];
  for (const [start, end, step] of bounds) {
    const positions = pythonSlice(7, start, end, step);
    const y = slice(x, 1, start, end, step);
    assert.equal(y.shape, [3, positions.length, 2], `slice(1, ${start}, ${end}, ${step})`);
    assert.equal(Array.from(y.data), reference(x, y.shape as number[], ([i, j, k]) => [i, positions[j], k]), `slice(1, ${start}, ${end}, ${step})`);
  }
  const a = arange(10);
  assert.equal(slice(a, 0, 2).tolist(), [2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(slice(a, 0).tolist(), a.tolist());
  assert.equal(a.slice(0, 1, 8, 3).tolist(), [1, 4, 7]);
  assert.equal(a.slice(-1, undefined, undefined, 4).tolist(), [0, 4, 8]);
  assert.equal(arange(12).reshape(3, 4).slice(-1, -2).tolist(), [[2, 3], [6, 7], [10, 11]]);
  assert.equal(slice(int32([1, 2, 3]), 0, 1).dtype, 'int32');
});

test('slice errors', () => {
  const x = randn([2, 3]);
  assert.throws(() => slice(x, 0, 0, 2, 0), /slice: step must be positive, got 0/);
  assert.throws(() => slice(x, 0, 0, 2, -1), /slice: step must be positive, got -1/);
  assert.throws(() => slice(x, 2, 0), /slice: dim 2 is out of range for a tensor with 2 dimension\(s\)/);
  assert.throws(() => slice(x, 0, 0.5), /slice: expected an integer start, got 0.5/);
  assert.throws(() => slice(x, 0, 0, 1.5), /slice: expected an integer end, got 1.5/);
  assert.throws(() => slice(x, 0, 0, 1, 1.5), /slice: expected an integer step, got 1.5/);
  assert.throws(() => slice(tensor(1), 0, 0), /slice: cannot be applied to a 0-dim tensor/);
});

test('slice gradcheck', () => {
  gradcheck((a) => slice(a, 1, 1, 6, 2), [rnd([3, 7, 2])]);
  gradcheck((a) => slice(a, -1, -3), [rnd([2, 5])]);
  gradcheck((a) => slice(a, 0, 1, null, 2).mul(slice(a, 0, -2)), [rnd([5, 3])]);
  gradcheck((a) => slice(a, 2, 0, 4, 3), [rnd([2, 2, 4, 3])]);
  gradcheck((a) => slice(a, 0, 3, 1).sum(), [rnd([4])]); // empty window: zero gradient
});

// ----- narrow

test('narrow', () => {
  const x = randn([4, 5, 3]);
  const y = narrow(x, 1, 1, 3);
  assert.equal(y.shape, [4, 3, 3]);
  assert.equal(Array.from(y.data), reference(x, [4, 3, 3], ([i, j, k]) => [i, j + 1, k]));
  assert.equal(Array.from(x.narrow(-1, -2, 2).data), reference(x, [4, 5, 2], ([i, j, k]) => [i, j, k + 1]));
  assert.equal(narrow(x, 0, 4, 0).shape, [0, 5, 3]);
  assert.equal(arange(6).narrow(0, 2, 3).tolist(), [2, 3, 4]);
  assert.throws(() => narrow(x, 1, 3, 3), /narrow: start \(3\) \+ length \(3\) exceeds dimension 1 of size 5/);
  assert.throws(() => narrow(x, 1, 6, 0), /narrow: start 6 is out of range for dimension 1 of size 5/);
  assert.throws(() => narrow(x, 1, -6, 1), /narrow: start -6 is out of range for dimension 1 of size 5/);
  assert.throws(() => narrow(x, 1, 0, -1), /narrow: length must be non-negative, got -1/);
  assert.throws(() => narrow(x, 1, 0.5, 1), /narrow: expected an integer start, got 0.5/);
  assert.throws(() => narrow(x, 3, 0, 1), /narrow: dim 3 is out of range/);
  assert.throws(() => narrow(tensor(2), 0, 0, 1), /narrow: cannot be applied to a 0-dim tensor/);
  assert.throws(() => narrow([1, 2] as never, 0, 0, 1), /narrow: expected a Tensor, got object/);
  gradcheck((a) => narrow(a, 1, 1, 3), [rnd([2, 5, 2])]);
  gradcheck((a) => a.narrow(0, -3, 2), [rnd([4, 3])]);
});

// ----- select / index

test('select and index pick one position and drop the dim', () => {
  const x = randn([3, 4, 2]);
  for (const [dim, i] of [[0, 1], [1, 3], [2, 0], [-1, 1], [1, -1], [0, -3]]) {
    const d = dim < 0 ? dim + 3 : dim;
    const k = i < 0 ? i + x.shape[d] : i;
    const outShape = x.shape.filter((_, j) => j !== d);
    const y = select(x, dim, i);
    assert.equal(y.shape, outShape);
    assert.equal(Array.from(y.data), reference(x, outShape, (idx) => [...idx.slice(0, d), k, ...idx.slice(d)]), `select(${dim}, ${i})`);
  }
  const m = arange(6).reshape(2, 3);
  assert.equal(index(m, 1).tolist(), [3, 4, 5]);
  assert.equal(m.index(-2).tolist(), [0, 1, 2]);
  assert.equal(m.select(1, 2).tolist(), [2, 5]);
  assert.equal(arange(3).index(2).shape, []);
  assert.is(arange(3).index(2).item(), 2);
  assert.is(index(int32([4, 5]), 1).dtype, 'int32');
  assert.is(select(rnd([2]), 0, 1).gradFn, 'selectBackward');
});

test('select and index errors name the index and the size', () => {
  const x = randn([3, 4]);
  assert.throws(() => select(x, 1, 4), /select: index 4 is out of range for dimension 1 with size 4/);
  assert.throws(() => select(x, 0, -4), /select: index -4 is out of range for dimension 0 with size 3/);
  assert.throws(() => select(x, 2, 0), /select: dim 2 is out of range/);
  assert.throws(() => select(x, 0, 1.5), /select: expected an integer index, got 1.5/);
  assert.throws(() => select(tensor(1), 0, 0), /select: cannot be applied to a 0-dim tensor/);
  assert.throws(() => index(x, 3), /index: index 3 is out of range for dimension 0 with size 3/);
  assert.throws(() => x.index(-4), /index: index -4 is out of range for dimension 0 with size 3/);
  assert.throws(() => index(tensor(1), 0), /index: cannot be applied to a 0-dim tensor/);
  assert.throws(() => index(null as never, 0), /index: expected a Tensor, got object/);
});

test('select and index gradcheck', () => {
  gradcheck((a) => select(a, 1, 2), [rnd([2, 4, 3])]);
  gradcheck((a) => select(a, -1, -1), [rnd([3, 2])]);
  gradcheck((a) => index(a, 0).mul(index(a, -1)), [rnd([3, 4])]);
  gradcheck((a) => a.index(1), [rnd([2])]);
});

// ----- cat / stack

test('cat joins along an existing dim', () => {
  const a = tensor([[1, 2], [3, 4]]);
  const b = tensor([[5, 6]]);
  assert.equal(cat([a, b]).tolist(), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(cat([a, tensor([[7], [8]])], 1).tolist(), [[1, 2, 7], [3, 4, 8]]);
  assert.equal(cat([a, tensor([[7], [8]])], -1).tolist(), [[1, 2, 7], [3, 4, 8]]);
  assert.equal(cat([a]).tolist(), a.tolist());
  assert.equal(cat([a, randn([0, 2])]).tolist(), a.tolist());
  // against the reference on a middle dim
  const parts = [randn([2, 1, 3]), randn([2, 4, 3]), randn([2, 2, 3])];
  const y = cat(parts, 1);
  const starts = [0, 1, 5];
  const expected = reference(y, [2, 7, 3], ([i, j, k]) => [i, j, k]); // shape placeholder, overwritten below
  for (let p = 0; p < expected.length; p++) {
    const [i, j, k] = unravel(p, [2, 7, 3]);
    const part = j < 1 ? 0 : j < 5 ? 1 : 2;
    expected[p] = parts[part].data[ravel([i, j - starts[part], k], parts[part].shape)];
  }
  assert.equal(Array.from(y.data), expected);
  // dtypes promote, as in PyTorch
  const mixed = cat([int32([1, 2]), tensor([0.5], { dtype: 'float64' })]);
  assert.is(mixed.dtype, 'float64');
  assert.equal(mixed.tolist(), [1, 2, 0.5]);
  assert.is(cat([int32([1]), int32([2])]).dtype, 'int32');
});

test('cat errors name the tensor and the shapes', () => {
  const a = randn([2, 3]);
  assert.throws(
    () => cat([a, a, randn([2, 4])]),
    /cat: sizes must match except in dimension 0, but tensor 2 has shape \[2, 4\] and tensor 0 has shape \[2, 3\]/,
  );
  assert.throws(() => cat([a, randn([2, 3, 1])], 1), /cat: sizes must match except in dimension 1, but tensor 1 has shape \[2, 3, 1\]/);
  assert.throws(() => cat([]), /cat: expected a non-empty list of tensors/);
  assert.throws(() => cat([a, 3 as never]), /cat: expected a list of tensors, but element 1 is number/);
  assert.throws(() => cat([a, tensor(1)]), /cat: tensor 1 is 0-dim and cannot be concatenated/);
  assert.throws(() => cat([a, a], 2), /cat: dim 2 is out of range for a tensor with 2 dimension\(s\)/);
});

test('cat gradcheck', () => {
  gradcheck((a, b, c) => cat([a, b, c], 1), [rnd([2, 1, 3]), rnd([2, 4, 3]), rnd([2, 2, 3])]);
  gradcheck((a, b) => cat([a, b]), [rnd([3]), rnd([2])]);
  gradcheck((a, b) => cat([a, b, a], -1), [rnd([2, 2]), rnd([2, 3])]);
  // only some inputs require grad
  const frozen = randn([2, 3], { dtype: 'float64' });
  gradcheck((a) => cat([frozen, a], 0), [rnd([1, 3])]);
  const w = rnd([2, 2]);
  cat([frozen.narrow(1, 0, 2), w], 1).sum().backward();
  assert.equal(Array.from(w.grad!.data), [1, 1, 1, 1]);
  assert.is(frozen.grad, null);
});

test('stack joins along a new dim', () => {
  const a = tensor([1, 2, 3]);
  const b = tensor([4, 5, 6]);
  assert.equal(stack([a, b]).tolist(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(stack([a, b], 1).tolist(), [[1, 4], [2, 5], [3, 6]]);
  assert.equal(stack([a, b], -1).tolist(), [[1, 4], [2, 5], [3, 6]]);
  assert.equal(stack([tensor(1), tensor(2)]).tolist(), [1, 2]);
  const parts = [randn([2, 3]), randn([2, 3]), randn([2, 3])];
  for (const dim of [0, 1, 2]) {
    const y = stack(parts, dim);
    const shape = [2, 3];
    shape.splice(dim, 0, 3);
    assert.equal(y.shape, shape);
    const expected: number[] = [];
    for (let p = 0; p < y.numel(); p++) {
      const idx = unravel(p, shape);
      const k = idx.splice(dim, 1)[0];
      expected.push(parts[k].data[ravel(idx, [2, 3])]);
    }
    assert.equal(Array.from(y.data), expected, `stack dim ${dim}`);
  }
  assert.is(stack([int32([1]), tensor([2])]).dtype, 'float32');
  assert.throws(() => stack([a, tensor([1, 2])]), /stack: expects tensors of equal shape, but tensor 1 has shape \[2\] and tensor 0 has shape \[3\]/);
  assert.throws(() => stack([a, a], 2), /stack: dim 2 is out of range for a tensor with 2 dimension\(s\)/);
  assert.throws(() => stack([]), /stack: expected a non-empty list of tensors/);
  assert.throws(() => stack([a, 'b' as never]), /stack: expected a list of tensors, but element 1 is string/);
});

test('stack gradcheck', () => {
  gradcheck((a, b) => stack([a, b]), [rnd([2, 3]), rnd([2, 3])]);
  gradcheck((a, b, c) => stack([a, b, c], 1), [rnd([2, 3]), rnd([2, 3]), rnd([2, 3])]);
  gradcheck((a, b) => stack([a, b, a], -1), [rnd([4]), rnd([4])]);
  const frozen = randn([3], { dtype: 'float64' });
  gradcheck((a) => stack([a, frozen], 0), [rnd([3])]);
});

// ----- pad

/** Reference constant pad: output position o along a padded dim reads input position o - before. */
function naivePad(x: Tensor, pads: number[], value: number): { shape: number[]; data: number[] } {
  const nd = x.ndim;
  const before = new Array<number>(nd).fill(0);
  const shape = [...x.shape];
  for (let k = 0; k < pads.length / 2; k++) {
    before[nd - 1 - k] = pads[2 * k];
    shape[nd - 1 - k] += pads[2 * k] + pads[2 * k + 1];
  }
  const data = reference(x, shape, (idx) => {
    const src = idx.map((o, d) => o - before[d]);
    return src.every((s, d) => s >= 0 && s < x.shape[d]) ? src : null;
  }, value);
  return { shape, data };
}

test('pad in constant mode, last dim first, negative pads crop', () => {
  const x = tensor([[1, 2], [3, 4]]);
  assert.equal(pad(x, [1, 0]).tolist(), [[0, 1, 2], [0, 3, 4]]);
  assert.equal(pad(x, [0, 1, 1, 0], { value: 9 }).tolist(), [[9, 9, 9], [1, 2, 9], [3, 4, 9]]);
  assert.equal(pad(x, [-1, 0]).tolist(), [[2], [4]]);
  assert.equal(pad(x, [1, -1, -1, 1]).tolist(), [[0, 3], [0, 0]]);
  assert.equal(pad(x, [-1, -1]).shape, [2, 0]);
  assert.equal(pad(x, []).tolist(), x.tolist());
  assert.equal(pad(x, [1, 1], { mode: 'constant' }).tolist(), [[0, 1, 2, 0], [0, 3, 4, 0]]);
  const y = randn([2, 3, 4, 5]);
  for (const pads of [[1, 2], [2, 1, 0, 3], [-1, 2, 1, -2], [0, 0, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1, 1, 1], [-2, -3, 0, 0]]) {
    const { shape, data } = naivePad(y, pads, 0.5);
    const out = pad(y, pads, { value: 0.5 });
    assert.equal(out.shape, shape, `pad ${pads}`);
    assert.equal(Array.from(out.data), Array.from(Float32Array.from(data)), `pad ${pads}`);
  }
  assert.is(pad(int32([1, 2]), [1, 1]).dtype, 'int32');
});

test('pad errors', () => {
  const x = randn([2, 3]);
  assert.throws(() => pad(x, [1, 2, 3]), /pad: expected an even number of pad sizes \(2 per padded dimension\), got \[1, 2, 3\]/);
  assert.throws(() => pad(x, [1, 1, 1, 1, 1, 1]), /pad: pads \[1, 1, 1, 1, 1, 1\] pad 3 dimensions but the input of shape \[2, 3\] has 2/);
  assert.throws(() => pad(x, [-2, -2]), /pad: dimension 1 of size 3 padded by -2 and -2 would have negative size -1/);
  assert.throws(() => pad(x, [1.5, 0]), /pad: expected integer pad sizes, got \[1.5,0\]/);
  assert.throws(() => pad(x, [1, 1], { mode: 'reflect' as never }), /pad: only mode 'constant' is supported, got "reflect"/);
  assert.throws(() => pad(x, [1, 1], { value: 'a' as never }), /pad: expected a number value, got string/);
});

test('pad gradcheck', () => {
  gradcheck((a) => pad(a, [1, 2]), [rnd([2, 3])]);
  gradcheck((a) => pad(a, [2, 1, 0, 3], { value: 1.5 }), [rnd([2, 3, 4])]);
  gradcheck((a) => pad(a, [-1, 2, 1, -2]), [rnd([2, 4, 5])]);
  gradcheck((a) => pad(a, [1, 1, 1, 1, 1, 1]), [rnd([1, 2, 2])]);
});

// ----- gather

/** Reference gather: out[idx] = x[idx with idx[dim] replaced by index[idx]]. */
function naiveGather(x: Tensor, dim: number, idx: Tensor): number[] {
  return reference(x, idx.shape as number[], (i) => {
    const src = [...i];
    src[dim] = idx.data[ravel(i, idx.shape)];
    return src;
  });
}

test('gather follows torch.gather', () => {
  const x = tensor([[1, 2], [3, 4]]);
  assert.equal(gather(x, 1, int32([[0, 0], [1, 0]])).tolist(), [[1, 1], [4, 3]]);
  assert.equal(gather(x, 0, int32([[1, 0]])).tolist(), [[3, 2]]);
  assert.equal(x.gather(-1, int32([[1], [0]])).tolist(), [[2], [3]]);
  const y = randn([3, 4, 5]);
  for (const dim of [0, 1, 2]) {
    const idxShape = [2, 3, 4];
    idxShape[dim] = 6; // along dim the index may be longer than the input
    const idx = randint(0, y.shape[dim], idxShape);
    assert.equal(Array.from(gather(y, dim, idx).data), naiveGather(y, dim, idx), `gather dim ${dim}`);
  }
  assert.equal(gather(tensor(5), 0, tensor(0, { dtype: 'int32' })).tolist(), 5);
  assert.equal(gather(x, 1, randint(0, 2, [2, 0])).shape, [2, 0]);
  assert.equal(gather(int32([7, 8, 9]), 0, int32([2, 2, 0])).tolist(), [9, 9, 7]);
});

test('gather errors', () => {
  const x = randn([2, 3]);
  assert.throws(() => gather(x, 1, tensor([[0]])), /gather: index must be an int32 tensor, got float32/);
  assert.throws(() => gather(x, 1, int32([0, 1])), /gather: index of shape \[2\] must have as many dimensions as the input of shape \[2, 3\]/);
  assert.throws(
    () => gather(x, 1, int32([[0], [0], [0]])),
    /gather: index of shape \[3, 1\] is larger than the input of shape \[2, 3\] in dimension 0 \(only dim 1 may differ\)/,
  );
  assert.throws(() => gather(x, 1, int32([[0, 3]])), /gather: index 3 is out of range for dimension 1 with size 3/);
  assert.throws(() => gather(x, 0, int32([[-1]])), /gather: index -1 is out of range for dimension 0 with size 2/);
  assert.throws(() => gather(x, 2, int32([[0]])), /gather: dim 2 is out of range/);
});

test('gather gradcheck: the gradient scatter-adds, repeated indices accumulate', () => {
  gradcheck((a) => gather(a, 1, int32([[0, 0, 2], [1, 1, 1]])), [rnd([2, 3])]);
  const i0 = randint(0, 3, [5, 2, 2]);
  gradcheck((a) => gather(a, 0, i0), [rnd([3, 4, 2])]);
  const i2 = randint(0, 4, [2, 3, 7]);
  gradcheck((a) => a.gather(2, i2), [rnd([2, 3, 4])]);
  const a = rnd([3]);
  gather(a, 0, int32([2, 2, 0, 2])).sum().backward();
  assert.equal(Array.from(a.grad!.data), [1, 0, 3]);
});

// ----- indexSelect

test('indexSelect follows torch.index_select', () => {
  const x = arange(12).reshape(3, 4);
  assert.equal(indexSelect(x, 0, int32([2, 0])).tolist(), [[8, 9, 10, 11], [0, 1, 2, 3]]);
  assert.equal(x.indexSelect(1, int32([3, 3, 1])).tolist(), [[3, 3, 1], [7, 7, 5], [11, 11, 9]]);
  assert.equal(indexSelect(x, -1, int32([])).shape, [3, 0]);
  assert.equal(indexSelect(x, 0, tensor(1, { dtype: 'int32' })).tolist(), [[4, 5, 6, 7]]);
  assert.equal(indexSelect(tensor(3), 0, int32([0])).tolist(), 3);
  const y = randn([2, 5, 3]);
  const idx = int32([4, 0, 0, 2]);
  assert.equal(Array.from(indexSelect(y, 1, idx).data), reference(y, [2, 4, 3], ([i, j, k]) => [i, idx.data[j], k]));
});

test('indexSelect errors', () => {
  const x = randn([3, 4]);
  assert.throws(() => indexSelect(x, 0, tensor([0])), /indexSelect: index must be an int32 tensor, got float32/);
  assert.throws(() => indexSelect(x, 0, int32([[0]])), /indexSelect: index must be 1-D, got shape \[1, 1\]/);
  assert.throws(() => indexSelect(x, 1, int32([0, 4])), /indexSelect: index 4 is out of range for dimension 1 with size 4/);
  assert.throws(() => indexSelect(x, 0, int32([-1])), /indexSelect: index -1 is out of range for dimension 0 with size 3/);
  assert.throws(() => indexSelect(x, 2, int32([0])), /indexSelect: dim 2 is out of range/);
  assert.throws(() => indexSelect(tensor(1), 0, int32([0, 0])), /indexSelect: a 0-dim input takes an index with one element, got shape \[2\]/);
});

test('indexSelect gradcheck: the gradient index-adds, repeated indices accumulate', () => {
  gradcheck((a) => indexSelect(a, 0, int32([2, 0, 2])), [rnd([3, 2])]);
  gradcheck((a) => indexSelect(a, 1, int32([4, 0, 0, 2])), [rnd([2, 5, 3])]);
  gradcheck((a) => a.indexSelect(-1, int32([1, 1])), [rnd([2, 2])]);
  const a = rnd([3, 2]);
  indexSelect(a, 0, int32([1, 1, 2, 1])).sum().backward();
  assert.equal(Array.from(a.grad!.data), [0, 0, 3, 3, 1, 1]);
});

// ----- dtypes

test('float32 inputs keep float32 and get float32 gradients; int32 inputs never record', () => {
  const a = randn([2, 3], { requiresGrad: true });
  const outs = [
    slice(a, 1, 1), narrow(a, 0, 1, 1), select(a, 1, 0), index(a, 1), cat([a, a]), stack([a, a]), pad(a, [1, 1]),
    gather(a, 1, int32([[0], [2]])), indexSelect(a, 1, int32([0, 0])),
  ];
  for (const o of outs) {
    assert.is(o.dtype, 'float32');
    assert.ok(o.requiresGrad);
    o.sum().backward();
  }
  assert.is(a.grad!.dtype, 'float32');
  // a promoted cat hands each input a gradient of its own dtype
  const b = randn([1, 3], { dtype: 'float64', requiresGrad: true });
  const c = randn([2, 3], { requiresGrad: true });
  const joined = cat([b, c]);
  assert.is(joined.dtype, 'float64');
  joined.sum().backward();
  assert.is(b.grad!.dtype, 'float64');
  assert.is(c.grad!.dtype, 'float32');
  assert.equal(Array.from(c.grad!.data), [1, 1, 1, 1, 1, 1]);
  const i = int32([[1, 2], [3, 4]]);
  for (const o of [slice(i, 0, 1), select(i, 0, 1), cat([i, i]), stack([i, i]), pad(i, [1, 0]), gather(i, 0, int32([[1, 0]])), indexSelect(i, 1, int32([1]))]) {
    assert.is(o.dtype, 'int32');
    assert.not.ok(o.requiresGrad);
  }
});

test.run();

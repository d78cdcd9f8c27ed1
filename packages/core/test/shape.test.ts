import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, tensor, arange, randn, gradcheck, assertClose, manualSeed,
  reshape, view, flatten, squeeze, unsqueeze, expand, permute, transpose, t, inferShape,
} from '@torchlet/core';

manualSeed(1);
const rnd = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });

/** Row-major multi-index of a flat position. */
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

/** Reference permute: out[idx] = x[idx mapped back through dims], one element at a time. */
function naivePermute(x: Tensor, dims: number[]): number[] {
  const outShape = dims.map((d) => x.shape[d]);
  const n = x.numel();
  const out: number[] = [];
  for (let p = 0; p < n; p++) {
    const o = unravel(p, outShape);
    const src = new Array<number>(x.ndim);
    dims.forEach((d, i) => (src[d] = o[i]));
    out.push(x.data[ravel(src, x.shape)]);
  }
  return out;
}

// ----- reshape / view

test('reshape keeps the elements in order, infers -1, and shares storage', () => {
  const x = arange(6);
  const y = reshape(x, [2, 3]);
  assert.equal(y.tolist(), [[0, 1, 2], [3, 4, 5]]);
  assert.equal(reshape(x, [3, -1]).shape, [3, 2]);
  assert.equal(reshape(x, [-1]).shape, [6]);
  assert.equal(x.reshape(1, -1, 2).shape, [1, 3, 2]);
  assert.equal(x.reshape([2, 3]).shape, [2, 3]);
  assert.equal(x.view(6, 1).shape, [6, 1]);
  assert.equal(view(x, [3, 2]).tolist(), [[0, 1], [2, 3], [4, 5]]);
  assert.equal(reshape(tensor([7]), []).shape, []);
  assert.equal(reshape(tensor([]), [0, 3]).shape, [0, 3]);
  y.data[0] = 42;
  assert.is(x.data[0], 42);
});

test('reshape errors name the op and both shapes', () => {
  const x = randn([2, 3]);
  assert.throws(() => reshape(x, [5, -1]), /^reshape: shape \[5, -1\] is invalid for input of shape \[2, 3\] \(6 elements\)$/);
  assert.throws(() => reshape(x, [4, 2]), /reshape: shape \[4, 2\] is invalid for input of shape \[2, 3\] \(6 elements\)/);
  assert.throws(() => reshape(x, [-1, -1]), /reshape: invalid shape \[-1, -1\] \(at most one -1/);
  assert.throws(() => reshape(x, [-2, -3]), /reshape: invalid shape/);
  assert.throws(() => reshape(x, [0, -1]), /reshape: shape \[0, -1\] is invalid/);
  assert.throws(() => reshape(x, [2.5, 2]), /reshape: expected integer sizes/);
  assert.throws(() => x.view(7), /reshape: shape \[7\] is invalid for input of shape \[2, 3\]/);
  assert.throws(() => inferShape('myop', [2, 2], [3, -1]), /myop: shape \[3, -1\] is invalid for input of shape \[2, 2\] \(4 elements\)/);
});

test('reshape gradcheck', () => {
  gradcheck((a) => reshape(a, [3, -1]), [rnd([2, 3])]);
  gradcheck((a) => reshape(a, [2, 1, 12]).mul(reshape(a, [2, 1, 12])), [rnd([4, 6])]);
  gradcheck((a) => a.view(-1), [rnd([2, 3, 4])]);
  gradcheck((a) => reshape(a, []), [rnd([1])]);
});

// ----- flatten / squeeze / unsqueeze

test('flatten merges a range of dims', () => {
  const x = randn([2, 3, 4, 5]);
  assert.equal(flatten(x).shape, [120]);
  assert.equal(flatten(x, 1).shape, [2, 60]);
  assert.equal(flatten(x, 1, 2).shape, [2, 12, 5]);
  assert.equal(x.flatten(-2).shape, [2, 3, 20]);
  assert.equal(flatten(tensor(3)).shape, [1]);
  assertClose(flatten(x, 1), x.data);
  assert.throws(() => flatten(x, 2, 1), /flatten: startDim 2 comes after endDim 1/);
  assert.throws(() => flatten(x, 4), /flatten: dim 4 is out of range for a tensor with 4 dimension\(s\)/);
  assert.throws(() => flatten('x' as never), /flatten: expected a Tensor, got string/);
  gradcheck((a) => flatten(a, 1), [rnd([2, 3, 2])]);
  gradcheck((a) => a.flatten(0, 1), [rnd([3, 2, 2])]);
});

test('squeeze and unsqueeze', () => {
  const x = randn([1, 3, 1, 2]);
  assert.equal(squeeze(x).shape, [3, 2]);
  assert.equal(squeeze(x, 0).shape, [3, 1, 2]);
  assert.equal(x.squeeze(-2).shape, [1, 3, 2]);
  assert.equal(squeeze(x, 1).shape, [1, 3, 1, 2]); // not size 1: unchanged
  assert.equal(squeeze(tensor(5)).shape, []);
  assert.equal(squeeze(tensor(5), 0).shape, []);
  assert.equal(unsqueeze(randn([3, 2]), 0).shape, [1, 3, 2]);
  assert.equal(unsqueeze(randn([3, 2]), 2).shape, [3, 2, 1]);
  assert.equal(randn([3, 2]).unsqueeze(-1).shape, [3, 2, 1]);
  assert.equal(randn([3, 2]).unsqueeze(1).shape, [3, 1, 2]);
  assert.equal(unsqueeze(tensor(5), 0).shape, [1]);
  assert.throws(() => squeeze(x, 4), /squeeze: dim 4 is out of range/);
  assert.throws(() => unsqueeze(randn([3, 2]), 3), /unsqueeze: dim 3 is out of range for a tensor with 3 dimension\(s\)/);
  assert.throws(() => squeeze(null as never), /squeeze: expected a Tensor/);
  assert.throws(() => unsqueeze(null as never, 0), /unsqueeze: expected a Tensor/);
  gradcheck((a) => squeeze(a), [rnd([1, 3, 1, 2])]);
  gradcheck((a) => a.squeeze(2), [rnd([2, 3, 1])]);
  gradcheck((a) => unsqueeze(a, 1), [rnd([2, 3])]);
  gradcheck((a) => unsqueeze(a, -1).mul(a.unsqueeze(0).unsqueeze(-1)), [rnd([3])]);
});

// ----- expand

test('expand broadcasts, keeps -1 sizes, and copies', () => {
  const x = tensor([[1], [2]]);
  assert.equal(expand(x, [2, 3]).tolist(), [[1, 1, 1], [2, 2, 2]]);
  assert.equal(x.expand(2, 2, -1).tolist(), [[[1], [2]], [[1], [2]]]);
  assert.equal(x.expand([-1, 2]).tolist(), [[1, 1], [2, 2]]);
  assert.equal(expand(tensor(3), [2]).tolist(), [3, 3]);
  assert.throws(() => expand(x, [3, 3]), /expand: cannot expand shape \[2, 1\] to \[3, 3\]/);
  assert.throws(() => expand(randn([2, 3]), [3]), /expand: cannot expand shape \[2, 3\] to \[3\]/);
  assert.throws(() => expand(x, [-1, 2, 2]), /expand: cannot expand shape \[2, 1\] to \[-1, 2, 2\]/);
  assert.throws(() => expand(x, [2, -2]), /expand: cannot expand shape \[2, 1\] to \[2, -2\]/);
  gradcheck((a) => expand(a, [4, 2, 3]), [rnd([2, 1])]);
  gradcheck((a) => expand(a, [2, 3, 4]), [rnd([3, 1])]);
  gradcheck((a) => a.expand(3, -1), [rnd([5])]);
  gradcheck((a) => expand(a, [2, 2]), [rnd([])]);
});

// ----- permute / transpose / t

test('permute matches a naive reference on several shapes', () => {
  const cases: [number[], number[]][] = [
    [[2, 3], [1, 0]],
    [[2, 3, 4], [2, 0, 1]],
    [[2, 3, 4], [1, 2, 0]],
    [[2, 3, 4], [0, 2, 1]],
    [[2, 1, 3, 5], [3, 1, 0, 2]],
    [[3, 4, 2, 3, 2], [4, 2, 0, 3, 1]],
    [[5], [0]],
  ];
  for (const [shape, dims] of cases) {
    const x = randn(shape);
    const y = permute(x, dims);
    assert.equal(y.shape, dims.map((d) => shape[d]));
    assert.equal(Array.from(y.data), naivePermute(x, dims), `permute ${shape} by ${dims}`);
  }
  const x = arange(6).reshape(1, 2, 3);
  assert.equal(x.permute(2, 0, 1).tolist(), [[[0, 3]], [[1, 4]], [[2, 5]]]);
  assert.equal(x.permute([-1, -3, -2]).tolist(), [[[0, 3]], [[1, 4]], [[2, 5]]]);
  assert.equal(permute(tensor(4), []).tolist(), 4);
  assert.equal(permute(randn([0, 3]), [1, 0]).shape, [3, 0]);
  const i = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
  assert.is(permute(i, [1, 0]).dtype, 'int32');
  assert.equal(permute(i, [1, 0]).tolist(), [[1, 3], [2, 4]]);
});

test('permute copies its input (storage is always contiguous)', () => {
  const x = arange(4).reshape(2, 2);
  const y = x.permute(1, 0);
  y.data[1] = 99;
  assert.equal(x.tolist(), [[0, 1], [2, 3]]);
});

test('permute errors', () => {
  const x = randn([2, 3]);
  assert.throws(() => permute(x, [0]), /permute: dims \[0\] has 1 entries but the input of shape \[2, 3\] has 2 dimensions/);
  assert.throws(() => permute(x, [0, 0]), /permute: dims \[0, 0\] repeats a dimension/);
  assert.throws(() => permute(x, [1, -2, 0].slice(1)), /permute: dims \[-2, 0\] repeats a dimension/);
  assert.throws(() => permute(x, [0, 2]), /permute: dim 2 is out of range for a tensor with 2 dimension\(s\)/);
  assert.throws(() => x.permute(0, 1.5), /permute: expected integer dims, got \[0,1.5\]/);
});

test('permute gradcheck (the gradient is the inverse permutation)', () => {
  gradcheck((a) => permute(a, [1, 0]), [rnd([3, 4])]);
  gradcheck((a) => permute(a, [2, 0, 1]), [rnd([2, 3, 4])]);
  gradcheck((a) => a.permute(3, 1, 0, 2), [rnd([2, 1, 3, 2])]);
  // a non-trivial mix, so the inverse order matters: (a permuted) · (a permuted again)
  gradcheck((a) => permute(a, [1, 2, 0]).mul(permute(a, [2, 0, 1]).permute(2, 0, 1)), [rnd([3, 3, 3])]);
  const a = rnd([2, 3, 4]);
  const g = randn([4, 2, 3], { dtype: 'float64' });
  permute(a, [2, 0, 1]).backward(g);
  assert.equal(Array.from(a.grad!.data), naivePermute(g, [1, 2, 0]));
  assert.is(permute(a, [2, 0, 1]).gradFn, 'permuteBackward');
});

test('transpose and t', () => {
  const x = arange(6).reshape(2, 3);
  assert.equal(transpose(x, 0, 1).tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.equal(x.transpose(-1, -2).tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.equal(x.t().tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.equal(t(x).tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.equal(t(arange(3)).tolist(), [0, 1, 2]);
  assert.equal(t(tensor(2)).tolist(), 2);
  assert.equal(x.transpose(1, 1).tolist(), x.tolist());
  const y = randn([2, 3, 4, 5]);
  assert.equal(Array.from(transpose(y, 1, 3).data), naivePermute(y, [0, 3, 2, 1]));
  assert.equal(transpose(tensor(1), 0, -1).shape, []);
  assert.throws(() => t(randn([2, 2, 2])), /t: expected a tensor with at most 2 dimensions, got shape \[2, 2, 2\]/);
  assert.throws(() => transpose(x, 0, 2), /transpose: dim 2 is out of range for a tensor with 2 dimension\(s\)/);
  assert.throws(() => transpose(null as never, 0, 1), /transpose: expected a Tensor/);
  assert.throws(() => t(undefined as never), /t: expected a Tensor/);
  gradcheck((a) => transpose(a, 0, 2), [rnd([2, 3, 4])]);
  gradcheck((a) => a.t(), [rnd([3, 5])]);
  gradcheck((a) => a.t().matmul(a), [rnd([3, 2])]);
});

test.run();

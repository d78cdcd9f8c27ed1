// The ops issue 10 adds. Expected values were printed by PyTorch 1.13 (Debian's python3-torch) for the same inputs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Generator, Tensor, arange, bmm, chunk, einsum, flip, gradcheck, manualSeed, matmul, meshgrid, mm, oneHot, randn, randperm, repeat, roll,
  split, tensor, tile, tril, triu, unflatten, viewAs,
} from '@torchlet/core';

const rnd = (shape: number[]): Tensor => randn(shape, { dtype: 'float64', requiresGrad: true });
const x34 = () => arange(12).reshape([3, 4]).float();

test('flip and roll match PyTorch, and their gradients check in float64', () => {
  assert.equal(flip(x34(), [0, 1]).tolist(), [[11, 10, 9, 8], [7, 6, 5, 4], [3, 2, 1, 0]]);
  assert.equal(roll(x34(), 1, 1).tolist(), [[3, 0, 1, 2], [7, 4, 5, 6], [11, 8, 9, 10]]);
  assert.equal(roll(x34(), [1, -1], [0, 1]).tolist(), [[9, 10, 11, 8], [1, 2, 3, 0], [5, 6, 7, 4]]);
  assert.equal(x34().roll(5).tolist(), [[7, 8, 9, 10], [11, 0, 1, 2], [3, 4, 5, 6]]);
  gradcheck((a) => flip(a, -1).mul(arange(4).double()), [rnd([2, 4])]);
  gradcheck((a) => roll(a, [2, 1], [0, 1]).mul(arange(12).reshape([3, 4]).double()), [rnd([3, 4])]);
  assert.throws(() => roll(x34(), [1, 2], [0]), /roll: got 2 shifts for 1 dims/);
});

test('repeat, tile, viewAs and unflatten match PyTorch, with gradients', () => {
  assert.equal(repeat(arange(3).float(), 2, 2).tolist(), [[0, 1, 2, 0, 1, 2], [0, 1, 2, 0, 1, 2]]);
  assert.equal(tensor([[1, 2]]).repeat(2, 1, 2).shape, [2, 1, 4]);
  assert.equal(tile(tensor([[1, 2], [3, 4]]), [2]).tolist(), [[1, 2, 1, 2], [3, 4, 3, 4]]);
  assert.equal(viewAs(arange(6), x34().narrow(0, 0, 2).narrow(1, 0, 3)).shape, [2, 3]);
  assert.equal(unflatten(arange(12), 0, [3, -1]).shape, [3, 4]);
  gradcheck((a) => repeat(a, [2, 1, 3]).mul(arange(36).reshape([2, 3, 6]).double()), [rnd([3, 2])]);
  gradcheck((a) => tile(a, [2]).sum(1), [rnd([2, 3])]);
  assert.throws(() => repeat(x34(), 2), /repeat: got 1 repeat counts for a tensor of shape \[3, 4\]; need at least 2/);
  assert.throws(() => unflatten(arange(12), 0, [5, -1]), /unflatten: sizes \[5, -1\] do not multiply to the size 12/);
});

test('split and chunk give PyTorch pieces, each with its gradient', () => {
  assert.equal(split(arange(5).float(), 2).map((t) => t.tolist()), [[0, 1], [2, 3], [4]]);
  assert.equal(chunk(arange(5), 3).map((t) => t.shape[0]), [2, 2, 1]);
  assert.equal(chunk(arange(6), 4).map((t) => t.shape[0]), [2, 2, 2]);
  assert.equal(x34().split([1, 3], 1).map((t) => t.shape), [[3, 1], [3, 3]]);
  gradcheck((a) => {
    const [p, q] = chunk(a, 2, 1);
    return p.mul(q.mul(2));
  }, [rnd([2, 4])]);
  assert.throws(() => split(arange(5), [2, 2]), /split: sizes \[2, 2\] add up to 4 but dim 0 of shape \[5\] has size 5/);
});

test('triu and tril match PyTorch (even with -Infinity off the kept side), with gradients', () => {
  assert.equal(triu(x34(), 1).tolist(), [[0, 1, 2, 3], [0, 0, 6, 7], [0, 0, 0, 11]]);
  assert.equal(tril(x34(), -1).tolist(), [[0, 0, 0, 0], [4, 0, 0, 0], [8, 9, 0, 0]]);
  assert.equal(tensor([[1, -Infinity], [-Infinity, 1]]).triu().tolist(), [[1, -Infinity], [0, 1]]);
  gradcheck((a) => triu(a).mul(tril(a, 1)), [rnd([2, 3, 3])]);
  assert.throws(() => triu(arange(3)), /triu: expected a tensor with at least 2 dimensions, got shape \[3\]/);
});

test('mm, bmm and einsum match PyTorch, with gradients', () => {
  const a = arange(6).reshape([2, 3]).float();
  const b = arange(12).reshape([3, 4]).float();
  assert.equal(einsum('ij,jk->ik', a, b).tolist(), [[20, 23, 26, 29], [56, 68, 80, 92]]);
  assert.equal(mm(a, b).tolist(), [[20, 23, 26, 29], [56, 68, 80, 92]]);
  assert.equal(einsum('ij->j', a).tolist(), [3, 5, 7]);
  assert.equal(einsum('ij', a).tolist(), [[0, 1, 2], [3, 4, 5]]);
  assert.equal(einsum('ji', a).tolist(), [[0, 3], [1, 4], [2, 5]]);
  assert.equal(einsum('ij,ij->', [a, a]).item(), 55);
  assert.equal(einsum('i,j', tensor([1, 2]), tensor([3, 4, 5])).tolist(), [[3, 4, 5], [6, 8, 10]]);
  const p = rnd([2, 3, 4]);
  const q = rnd([2, 4, 5]);
  assert.equal(bmm(p, q).tolist(), matmul(p, q).tolist());
  assert.equal(einsum('bij,bjk->bik', p, q).shape, [2, 3, 5]);
  gradcheck((u, v) => einsum('bij,bjk->bki', u, v), [rnd([2, 3, 4]), rnd([2, 4, 2])]);
  gradcheck((u, v) => mm(u, v), [rnd([2, 3]), rnd([3, 2])]);
  gradcheck((u, v) => bmm(u, v), [rnd([2, 2, 3]), rnd([2, 3, 2])]);
  assert.throws(() => mm(rnd([2, 2, 3]), rnd([3, 2])), /mm: expected 2-D matrices, got input of shape \[2, 2, 3\]/);
  assert.throws(() => bmm(rnd([2, 2, 3]), rnd([3, 3, 2])), /bmm: shapes \[2, 2, 3\] and \[3, 3, 2\] do not match/);
  assert.throws(() => einsum('ii->i', rnd([2, 2])), /einsum: a letter repeated within operand 0 \("ii", a diagonal\) is not supported/);
  assert.throws(() => einsum('...ij->ij', rnd([2, 2])), /einsum: '\.\.\.' \(ellipsis\) is not supported/);
  assert.throws(() => einsum('ij,jk->ik', a, a), /einsum: letter j has size 3 and 2/);
});

test("meshgrid matches PyTorch's 'ij' and 'xy' indexing, with gradients", () => {
  const [gx, gy] = meshgrid(tensor([1, 2]), tensor([3, 4, 5]), { indexing: 'xy' });
  assert.equal(gx.tolist(), [[1, 2], [1, 2], [1, 2]]);
  assert.equal(gy.tolist(), [[3, 3], [4, 4], [5, 5]]);
  const [ix, iy] = meshgrid([tensor([1, 2]), tensor([3, 4, 5])]);
  assert.equal([ix.shape, iy.shape], [[2, 3], [2, 3]]);
  assert.equal(ix.tolist(), [[1, 1, 1], [2, 2, 2]]);
  gradcheck((u, v) => {
    const [s, t] = meshgrid(u, v);
    return s.mul(t);
  }, [rnd([2]), rnd([3])]);
  assert.throws(() => meshgrid(tensor([1]), { indexng: 'xy' } as never), /meshgrid: unknown option "indexng" .*did you mean "indexing"\?/);
});

test('oneHot and randperm', () => {
  assert.equal(oneHot(tensor([0, 2, 1], { dtype: 'int32' })).tolist(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
  assert.equal(oneHot(tensor([1], { dtype: 'int32' }), 4).tolist(), [[0, 1, 0, 0]]);
  assert.throws(() => oneHot(tensor([3], { dtype: 'int32' }), 3), /oneHot: class index 3 at position 0 is out of range for 3 classes/);
  assert.throws(() => oneHot(tensor([1])), /oneHot: expected an int32 tensor of class indices, got float32/);
  const perm = randperm(10, { generator: new Generator(3) });
  assert.equal(perm.dtype, 'int32');
  assert.equal([...(perm.tolist() as number[])].sort((u, v) => u - v), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(randperm(10, { generator: new Generator(3) }).tolist(), perm.tolist(), 'the same seed gives the same permutation');
  manualSeed(1);
  const first = randperm(50).tolist();
  assert.not.equal(randperm(50).tolist(), first, 'the default generator moves on');
  assert.equal(randperm(0).shape, [0]);
  assert.throws(() => randperm(3, { dtpye: 'float64' } as never), /randperm: unknown option "dtpye"/);
});

test.run();

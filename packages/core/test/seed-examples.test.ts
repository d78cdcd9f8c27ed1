// The worked examples of the NumPy CNN tutorials the project was seeded from (/work/shared/seeds), as tests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, avgPool2d, conv2d, maxPool2d, randn, tensor, zeros } from '@torchlet/core';

test('seed 001: a 28x28 input, 3x3 filter, stride 1, padding 0 gives (28 - 3 + 0) / 1 + 1 = 26', () => {
  assert.equal(conv2d(zeros([1, 1, 28, 28]), zeros([1, 1, 3, 3]), null, { stride: 1, padding: 0 }).shape, [1, 1, 26, 26]);
  // The general formula (W - F + 2P) / S + 1 on a few more sizes.
  for (const [W, F, P, S] of [[28, 5, 2, 1], [28, 3, 1, 2], [13, 3, 0, 1], [32, 5, 0, 1]]) {
    const out = conv2d(zeros([1, 1, W, W]), zeros([1, 1, F, F]), null, { stride: S, padding: P });
    assert.equal(out.shape, [1, 1, Math.floor((W - F + 2 * P) / S) + 1, Math.floor((W - F + 2 * P) / S) + 1]);
  }
});

test("seed 001's unit tests and architecture: shapes and parameter counts through conv, pool, conv, pool", () => {
  const w1 = randn([32, 1, 3, 3]);
  const b1 = randn([32]);
  const w2 = randn([64, 32, 3, 3]);
  const b2 = randn([64]);
  assert.is(w1.numel() + b1.numel(), 320);
  assert.is(w2.numel() + b2.numel(), 18496);
  const c1 = conv2d(randn([4, 1, 28, 28]), w1, b1);
  assert.equal(c1.shape, [4, 32, 26, 26]);
  const p1 = maxPool2d(c1, { kernelSize: 2, stride: 2 });
  assert.equal(p1.shape, [4, 32, 13, 13]);
  const c2 = conv2d(p1, w2, b2);
  assert.equal(c2.shape, [4, 64, 11, 11]);
  const p2 = maxPool2d(c2, 2);
  assert.equal(p2.shape, [4, 64, 5, 5]);
  assert.is(p2.numel() / 4, 1600);
});

test("seed 000's LeNet-5: 32x32 -> C1 6@28x28 -> S2 14x14 -> C3 16@10x10 -> S4 5x5 -> C5 120@1x1", () => {
  const c1 = conv2d(zeros([1, 1, 32, 32]), zeros([6, 1, 5, 5]));
  assert.equal(c1.shape, [1, 6, 28, 28]);
  const s2 = avgPool2d(c1, { kernelSize: 2, stride: 2 });
  assert.equal(s2.shape, [1, 6, 14, 14]);
  const c3 = conv2d(s2, zeros([16, 6, 5, 5]));
  assert.equal(c3.shape, [1, 16, 10, 10]);
  const s4 = avgPool2d(c3, 2);
  assert.equal(s4.shape, [1, 16, 5, 5]);
  assert.equal(conv2d(s4, zeros([120, 16, 5, 5])).shape, [1, 120, 1, 1]);
});

test('seed 001: max-pooling the 4x4 example with a 2x2 window, stride 2, gives [[6, 8], [7, 9]]', () => {
  const x = tensor([[[[1, 2, 5, 3], [6, 4, 8, 1], [2, 7, 3, 9], [1, 5, 4, 2]]]]);
  assert.equal(maxPool2d(x, { kernelSize: 2, stride: 2 }).tolist(), [[[[6, 8], [7, 9]]]]);
});

test('seed 001: the gradient 0.5 through the 2x2 window [[1, 4], [2, 3]] goes only to the winner: [[0, 0.5], [0, 0]]', () => {
  const x = tensor([[[[1, 4], [2, 3]]]], { requiresGrad: true });
  const { values, indices } = maxPool2d(x, { kernelSize: 2, returnIndices: true });
  assert.equal(values.tolist(), [[[[4]]]]);
  assert.equal(indices.tolist(), [[[[1]]]]); // position [0, 1]
  values.backward(tensor([[[[0.5]]]]));
  assert.equal(x.grad!.tolist(), [[[[0, 0.5], [0, 0]]]]);
});

test("seed 001's thinking exercise: the 4x4 input 1..16, the 2x2 filter [a, b; c, d], and dL/dX[1, 1]", () => {
  const [a, b, c, d] = [0.5, -2, 3, 1.5];
  const X = tensor([[[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]]], { dtype: 'float64', requiresGrad: true });
  const Wt = tensor([[[[a, b], [c, d]]]], { dtype: 'float64', requiresGrad: true });
  const Y = conv2d(X, Wt);
  assert.equal(Y.shape, [1, 1, 3, 3]);
  const y = Y.tolist() as number[][][][];
  assert.is(y[0][0][0][0], 1 * a + 2 * b + 5 * c + 6 * d);
  assert.is(y[0][0][0][1], 2 * a + 3 * b + 6 * c + 7 * d);
  assert.is(y[0][0][0][2], 3 * a + 4 * b + 7 * c + 8 * d);
  const dY = [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6], [0.7, -0.8, 0.9]];
  Y.backward(tensor([[dY]], { dtype: 'float64' }));
  const x = (i: number, j: number) => 4 * i + j + 1;
  const sum = (f: (i: number, j: number) => number) => {
    let s = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += dY[i][j] * f(i, j);
    return s;
  };
  // dL/da = Σ dY[i, j]·X[i, j], and each other tap reads X shifted by its offset in the filter.
  assertClose(Wt.grad!, [sum((i, j) => x(i, j)), sum((i, j) => x(i, j + 1)), sum((i, j) => x(i + 1, j)), sum((i, j) => x(i + 1, j + 1))], { atol: 1e-12 });
  // X[1, 1] = 6 is used by Y[0, 0] through d, Y[0, 1] through c, Y[1, 0] through b and Y[1, 1] through a.
  const gx = X.grad!.tolist() as number[][][][];
  assertClose([gx[0][0][1][1]], [dY[0][0] * d + dY[0][1] * c + dY[1][0] * b + dY[1][1] * a], { atol: 1e-12 });
});

test("seed 000's 3x3 input and 2x2 filter: the outputs and every derivative written out", () => {
  const [x11, x12, x13, x21, x22, x23, x31, x32, x33] = [1.5, -2, 0.5, 3, 1, -1, 2, 0.25, -3];
  const [f11, f12, f21, f22] = [0.3, -0.7, 1.1, 0.9];
  const bias = 0.2;
  const X = tensor([[[[x11, x12, x13], [x21, x22, x23], [x31, x32, x33]]]], { dtype: 'float64', requiresGrad: true });
  const F = tensor([[[[f11, f12], [f21, f22]]]], { dtype: 'float64', requiresGrad: true });
  const B = tensor([bias], { dtype: 'float64', requiresGrad: true });
  const O = conv2d(X, F, B);
  assertClose(O, [
    f11 * x11 + f12 * x12 + f21 * x21 + f22 * x22 + bias,
    f11 * x12 + f12 * x13 + f21 * x22 + f22 * x23 + bias,
    f11 * x21 + f12 * x22 + f21 * x31 + f22 * x32 + bias,
    f11 * x22 + f12 * x23 + f21 * x32 + f22 * x33 + bias,
  ], { atol: 1e-12 });
  const [o11, o12, o21, o22] = [0.6, -1.2, 0.35, 2];
  O.backward(tensor([[[[o11, o12], [o21, o22]]]], { dtype: 'float64' }));
  // dL/db is the sum of the output derivatives.
  assertClose(B.grad!, [o11 + o12 + o21 + o22], { atol: 1e-12 });
  assertClose(F.grad!, [
    o11 * x11 + o12 * x12 + o21 * x21 + o22 * x22,
    o11 * x12 + o12 * x13 + o21 * x22 + o22 * x23,
    o11 * x21 + o12 * x22 + o21 * x31 + o22 * x32,
    o11 * x22 + o12 * x23 + o21 * x32 + o22 * x33,
  ], { atol: 1e-12 });
  assertClose(X.grad!, [
    o11 * f11, // x11
    o11 * f12 + o12 * f11, // x12
    o12 * f12, // x13
    o11 * f21 + o21 * f11, // x21
    o11 * f22 + o12 * f21 + o21 * f12 + o22 * f11, // x22
    o12 * f22 + o22 * f12, // x23
    o21 * f21, // x31
    o21 * f22 + o22 * f21, // x32
    o22 * f22, // x33
  ], { atol: 1e-12 });
  // The summary: dL/dX is the full convolution of dL/dO with the filter rotated by 180 degrees,
  // and dL/dF the valid convolution of X with dL/dO.
  const dO = tensor([[[[o11, o12], [o21, o22]]]], { dtype: 'float64' });
  const rotated = tensor([[[[f22, f21], [f12, f11]]]], { dtype: 'float64' });
  assertClose(conv2d(dO, rotated, null, { padding: 1 }), X.grad!, { atol: 1e-12 });
  assertClose(conv2d(X.detach(), dO), F.grad!, { atol: 1e-12 });
});

test.run();

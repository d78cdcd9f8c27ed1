import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, tensor, rand, randint, assertClose } from '@torchlet/core';
import { shift, normalize, pad, randomShift, randomCrop, toFloat, compose } from '@torchlet/data';

/** Naive reference: out[n][c][r][k] = x[n][c][r - dy][k - dx], or 0 outside. */
function shiftReference(x: Tensor, dx: number, dy: number): number[] {
  const [n, c, h, w] = x.shape;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      for (let r = 0; r < h; r++) {
        for (let k = 0; k < w; k++) {
          const sr = r - dy;
          const sk = k - dx;
          out.push(sr >= 0 && sr < h && sk >= 0 && sk < w ? x.data[((i * c + ch) * h + sr) * w + sk] : 0);
        }
      }
    }
  }
  return out;
}

/** Image i of a batch as its own [1, C, H, W] tensor. */
function image(x: Tensor, i: number): Tensor {
  const [, c, h, w] = x.shape;
  return new Tensor(x.data.slice(i * c * h * w, (i + 1) * c * h * w), [1, c, h, w]);
}

const grid = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);

test('shift moves right and down for positive dx, dy, filling with zeros', () => {
  assert.equal(shift(grid, 1, 0).tolist(), [[0, 1, 2], [0, 4, 5], [0, 7, 8]]);
  assert.equal(shift(grid, 0, 1).tolist(), [[0, 0, 0], [1, 2, 3], [4, 5, 6]]);
  assert.equal(shift(grid, -1, -2).tolist(), [[8, 9, 0], [0, 0, 0], [0, 0, 0]]);
  assert.equal(shift(grid, 2, -1).tolist(), [[0, 0, 4], [0, 0, 7], [0, 0, 0]]);
  assert.equal(shift(grid, 0, 0).tolist(), grid.tolist());
  assert.equal(shift(grid, 3, 0).tolist(), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assert.equal(shift(grid, -5, 7).tolist(), [[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  assert.equal(grid.tolist(), [[1, 2, 3], [4, 5, 6], [7, 8, 9]], 'the input is unchanged');
});

test('shift on batches matches a naive loop and keeps shape and dtype', () => {
  for (const shape of [[2, 3, 5, 4], [1, 1, 28, 28], [3, 2, 1, 6]]) {
    const x = rand(shape);
    for (const [dx, dy] of [[1, 2], [-3, 1], [0, -1], [4, -4]]) {
      const out = shift(x, dx, dy);
      assert.equal(out.shape, shape);
      assert.is(out.dtype, 'float32');
      assert.equal(Array.from(out.data), shiftReference(x, dx, dy), `${shape} by (${dx}, ${dy})`);
    }
  }
  const ints = randint(0, 9, [2, 1, 3, 3]);
  assert.is(shift(ints, 1, 1).dtype, 'int32');
  assert.equal(Array.from(shift(ints, 1, 1).data), shiftReference(ints, 1, 1));
  const single = rand([2, 4, 4]);
  assert.equal(Array.from(shift(single, -1, 2).data), shiftReference(new Tensor(single.data, [1, 2, 4, 4]), -1, 2));
});

test('transforms reject bad input', () => {
  assert.throws(() => shift(grid, 0.5, 0), /shift: dx must be an integer, got 0.5/);
  assert.throws(() => shift(grid, 0, NaN), /shift: dy must be an integer, got NaN/);
  assert.throws(() => shift(tensor([1, 2]), 1, 0), /shift: expected an image \[H, W\], \[C, H, W\] or a batch \[N, C, H, W\], got shape \[2\]/);
  assert.throws(() => shift(rand([1, 1, 1, 2, 2]), 1, 0), /got shape \[1, 1, 1, 2, 2\]/);
  assert.throws(() => shift([1] as never, 1, 0), /shift: expected a Tensor, got object/);
  const param = rand([1, 1, 2, 2], { requiresGrad: true });
  assert.throws(() => shift(param, 1, 0), /shift: transforms are not differentiable; got a tensor that requires grad/);
  assert.throws(() => toFloat()(param), /toFloat: transforms are not differentiable/);
  assert.throws(() => toFloat()('x' as never), /toFloat: expected a Tensor, got string/);
});

test('normalize subtracts the mean and divides by the std of each channel', () => {
  const x = rand([3, 2, 4, 5]);
  const mean = [0.5, 0.25];
  const std = [0.2, 2];
  const out = normalize(mean, std)(x);
  assert.equal(out.shape, [3, 2, 4, 5]);
  assert.is(out.dtype, 'float32');
  const expected = Array.from(x.data, (v, k) => {
    const ch = Math.floor(k / 20) % 2;
    return (v - mean[ch]) / std[ch];
  });
  assertClose(out, expected, { atol: 1e-6 });
  assertClose(normalize(0.1307, 0.3081)(tensor([[0.1307, 1]])), [0, (1 - 0.1307) / 0.3081], { atol: 1e-6 });
  const double = normalize([1], [2])(tensor([[[3, 5]]], { dtype: 'float64' }));
  assert.is(double.dtype, 'float64');
  assert.equal(Array.from(double.data), [1, 2]);
  assert.is(normalize(0, 1)(randint(0, 5, [2, 2])).dtype, 'float32');
});

test('normalize rejects bad statistics', () => {
  assert.throws(() => normalize([0.5, 0.5, 0.5], [1, 1, 1])(rand([1, 2, 2, 2])), /normalize: mean has 3 values but the images have 2 channels/);
  assert.throws(() => normalize(0.5, [1, 1, 1])(rand([1, 2, 2, 2])), /normalize: std has 3 values but the images have 2 channels/);
  assert.throws(() => normalize(0, 0), /normalize: std must be a positive number or a non-empty array of them, got 0/);
  assert.throws(() => normalize([], 1), /normalize: mean must be a finite number or a non-empty array of them, got \[\]/);
  assert.throws(() => normalize(NaN, 1), /normalize: mean must be a finite number/);
});

test('pad adds borders like torchvision Pad', () => {
  const x = tensor([[[1, 2], [3, 4]]]);
  assert.equal(pad(1)(x).tolist(), [[[0, 0, 0, 0], [0, 1, 2, 0], [0, 3, 4, 0], [0, 0, 0, 0]]]);
  assert.equal(pad([1, 0])(x).tolist(), [[[0, 1, 2, 0], [0, 3, 4, 0]]]);
  assert.equal(pad([0, 1, 2, 0])(x).tolist(), [[[0, 0, 0, 0], [1, 2, 0, 0], [3, 4, 0, 0]]]);
  assert.equal(pad(1, { value: -1 })(tensor([[5]])).tolist(), [[-1, -1, -1], [-1, 5, -1], [-1, -1, -1]]);
  assert.equal(pad(0)(x).tolist(), x.tolist());
  const batch = rand([2, 3, 4, 4]);
  const padded = pad(2)(batch);
  assert.equal(padded.shape, [2, 3, 8, 8]);
  assert.is(padded.data[(1 * 3 + 2) * 64 + 3 * 8 + 4], batch.data[(1 * 3 + 2) * 16 + 1 * 4 + 2]);
  assert.throws(() => pad(-1), /pad: padding must be a non-negative integer, \[leftRight, topBottom\] or \[left, top, right, bottom\], got -1/);
  assert.throws(() => pad([1, 2, 3] as never), /pad: padding must be .*got \[1,2,3\]/);
  assert.throws(() => pad(1, { value: 'x' as never }), /pad: value must be a number, got string/);
});

test('randomShift gives each image its own seeded shift within maxShift', () => {
  const x = rand([40, 2, 6, 6]);
  const out = randomShift(2, { seed: 4 })(x);
  assert.equal(out.shape, x.shape);
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++) {
    const img = image(x, i);
    const got = Array.from(image(out, i).data);
    const matches: string[] = [];
    for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) if (JSON.stringify(shiftReference(img, dx, dy)) === JSON.stringify(got)) matches.push(`${dx},${dy}`);
    assert.ok(matches.length > 0, `image ${i} is not a shift of at most 2 pixels`);
    seen.add(matches[0]);
  }
  assert.ok(seen.size > 5, `expected varied shifts, saw ${[...seen]}`);
  assert.equal(Array.from(randomShift(2, { seed: 4 })(x).data), Array.from(out.data), 'same seed, same shifts');
  assert.not.equal(Array.from(randomShift(2, { seed: 5 })(x).data), Array.from(out.data));
  assert.equal(Array.from(randomShift(0)(x).data), Array.from(x.data));
  assert.throws(() => randomShift(-1), /randomShift: maxShift must be an integer >= 0, got -1/);
});

test('randomCrop cuts a seeded window out of the zero-padded image', () => {
  const x = rand([20, 3, 5, 5]);
  const crop = randomCrop(4, { padding: 1, seed: 9 });
  const out = crop(x);
  assert.equal(out.shape, [20, 3, 4, 4]);
  const padded = pad(1)(x);
  const offsets = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const got = Array.from(image(out, i).data);
    let found = '';
    for (let top = 0; top <= 3 && !found; top++) {
      for (let left = 0; left <= 3 && !found; left++) {
        const window: number[] = [];
        for (let ch = 0; ch < 3; ch++) for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) window.push(padded.data[((i * 3 + ch) * 7 + top + r) * 7 + left + k]);
        if (JSON.stringify(window) === JSON.stringify(got)) found = `${top},${left}`;
      }
    }
    assert.ok(found, `crop ${i} is not a window of the padded image`);
    offsets.add(found);
  }
  assert.ok(offsets.size > 3, 'crop positions vary');
  assert.equal(Array.from(randomCrop(4, { padding: 1, seed: 9 })(x).data), Array.from(out.data));
  assert.equal(randomCrop([2, 3])(rand([2, 4, 4])).shape, [2, 2, 3]);
  assert.equal(Array.from(randomCrop(5)(x).data), Array.from(x.data), 'a full-size crop without padding is the image');
  assert.throws(() => randomCrop(8, { padding: 1 })(x), /randomCrop: crop size \[8, 8\] is larger than the padded image \[7, 7\]/);
  assert.throws(() => randomCrop(0), /randomCrop: size must be an integer >= 1, got 0/);
  assert.throws(() => randomCrop([2] as never), /randomCrop: size must be an integer >= 1, got NaN/);
  assert.throws(() => randomCrop(2, { padding: -1 }), /randomCrop: padding must be an integer >= 0, got -1/);
});

test('toFloat converts to float32 with a scale; compose applies left to right', () => {
  const bytes = tensor([[0, 51], [255, 102]], { dtype: 'int32' });
  const f = toFloat({ scale: 1 / 255 })(bytes);
  assert.is(f.dtype, 'float32');
  assertClose(f, [0, 0.2, 1, 0.4], { atol: 1e-7 });
  assert.equal(Array.from(toFloat()(tensor([1.5], { dtype: 'float64' })).data), [1.5]);
  assert.throws(() => toFloat({ scale: Infinity }), /toFloat: scale must be a finite number, got Infinity/);
  const pipeline = compose(toFloat({ scale: 1 / 255 }), pad(1), normalize(0.5, 0.5));
  const out = pipeline(bytes);
  assert.equal(out.shape, [4, 4]);
  assertClose(out, [-1, -1, -1, -1, -1, -1, -0.6, -1, -1, 1, -0.2, -1, -1, -1, -1, -1], { atol: 1e-6 });
  assert.equal(compose()(bytes).tolist(), bytes.tolist());
  assert.throws(() => compose(pad(1), 3 as never), /compose: transform 1 is not a function, got number/);
});

test.run();

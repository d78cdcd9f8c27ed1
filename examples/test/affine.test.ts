// The example-local random affine augmentation: geometry, seeding and bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tensor, zeros } from '@torchlet/core';
import { randomAffine, warpAffine } from '../lenet/affine.js';

const plane = (h: number, w: number, pixels: [number, number][]) => {
  const a = new Float32Array(h * w);
  for (const [y, x] of pixels) a[y * w + x] = 1;
  return a;
};
const brightest = (a: ArrayLike<number>, w: number) => {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return [Math.floor(best / w), best % w, a[best]];
};

test('warpAffine: identity copies; 90 degrees turns counter-clockwise; translation moves right and down; scale 2 spreads a pixel', () => {
  const src = Float32Array.from({ length: 35 }, (_, i) => i * 0.5);
  const out = new Float32Array(35);
  warpAffine(src, out, 0, 5, 7, 0, 1, 0, 0);
  assert.equal(Array.from(out), Array.from(src));

  // 7x7, centre (3, 3): a pixel 2 right of the centre goes 2 up under a counter-clockwise quarter turn.
  const dot = plane(7, 7, [[3, 5]]);
  const turned = new Float32Array(49);
  warpAffine(dot, turned, 0, 7, 7, 90, 1, 0, 0);
  const [y, x, v] = brightest(turned, 7);
  assert.equal([y, x], [1, 3]);
  assert.ok(Math.abs(v - 1) < 1e-6);

  const moved = new Float32Array(49);
  warpAffine(dot, moved, 0, 7, 7, 0, 1, -1, 2);
  assert.equal(brightest(moved, 7), [5, 4, 1]);

  // Half a pixel between two source pixels gives their mean.
  const half = new Float32Array(49);
  warpAffine(plane(7, 7, [[3, 3]]), half, 0, 7, 7, 0, 1, 0.5, 0);
  assert.ok(Math.abs(half[3 * 7 + 3] - 0.5) < 1e-6 && Math.abs(half[3 * 7 + 4] - 0.5) < 1e-6);

  const grown = new Float32Array(49);
  const block = plane(7, 7, [[3, 3], [3, 4], [4, 3], [4, 4], [2, 2], [2, 3], [3, 2], [2, 4], [4, 2]]);
  warpAffine(block, grown, 0, 7, 7, 0, 2, 0, 0);
  assert.ok(grown.reduce((s, p) => s + p, 0) > 2 * block.reduce((s, p) => s + p, 0), 'scaling up by 2 covers more pixels');
});

test('warpAffine: the direct reads inside the image and the zero-padded reads at its border give the plain formula, bit for bit', () => {
  // The textbook bilinear sampler, every neighbour through a bounds check.
  const reference = (src: Float32Array, h: number, w: number, degrees: number, scale: number, tx: number, ty: number) => {
    const out = new Float32Array(h * w);
    const angle = (degrees * Math.PI) / 180;
    const cos = Math.cos(angle) / scale;
    const sin = Math.sin(angle) / scale;
    const at = (yy: number, xx: number) => (yy >= 0 && yy < h && xx >= 0 && xx < w ? src[yy * w + xx] : 0);
    for (let oy = 0; oy < h; oy++) {
      for (let ox = 0; ox < w; ox++) {
        const dx = ox - (w - 1) / 2 - tx;
        const dy = oy - (h - 1) / 2 - ty;
        const sx = cos * dx - sin * dy + (w - 1) / 2;
        const sy = sin * dx + cos * dy + (h - 1) / 2;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        out[oy * w + ox] = (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
      }
    }
    return out;
  };
  const h = 9;
  const w = 11;
  const src = Float32Array.from({ length: 2 * h * w }, (_, i) => ((i * 37) % 17) / 17);
  for (const [degrees, scale, tx, ty] of [[0, 1, 0, 0], [12.5, 0.93, 1.7, -0.4], [-30, 1.2, -2.5, 2.2], [90, 0.8, 0.5, 0.5], [7, 1.05, 6, -5]]) {
    const out = new Float32Array(2 * h * w);
    warpAffine(src, out, h * w, h, w, degrees, scale, tx, ty);
    assert.equal(Array.from(out.subarray(h * w)), Array.from(reference(src.subarray(h * w), h, w, degrees, scale, tx, ty)));
    assert.ok(out.subarray(0, h * w).every((v) => v === 0), 'only the plane at the offset is written');
  }
});

test('randomAffine: repeatable per seed, different across seeds and images, channels moved together, input untouched', () => {
  const x = zeros([3, 2, 12, 12]);
  for (let i = 0; i < x.data.length; i++) x.data[i] = (i % 29) / 29;
  const before = Array.from(x.data);
  const a = randomAffine({ degrees: 15, translate: 2, scale: 0.1, seed: 7 })(x);
  const b = randomAffine({ degrees: 15, translate: 2, scale: 0.1, seed: 7 })(x);
  const c = randomAffine({ degrees: 15, translate: 2, scale: 0.1, seed: 8 })(x);
  assert.equal(a.shape, [3, 2, 12, 12]);
  assert.equal(Array.from(a.data), Array.from(b.data));
  assert.not.equal(Array.from(a.data), Array.from(c.data));
  assert.equal(Array.from(x.data), before);
  // Both channels of one image get the same warp: an image whose two channels are equal keeps them equal.
  const twin = zeros([2, 2, 12, 12]);
  for (let i = 0; i < 2; i++) for (let k = 0; k < 144; k++) twin.data[i * 288 + k] = twin.data[i * 288 + 144 + k] = k % 7;
  const t = randomAffine({ degrees: 30, translate: 1, scale: 0.2, seed: 1 })(twin);
  assert.equal(Array.from(t.data.subarray(0, 144)), Array.from(t.data.subarray(144, 288)));
  assert.not.equal(Array.from(t.data.subarray(0, 144)), Array.from(t.data.subarray(288, 432)));
  const none = randomAffine({ degrees: 0, translate: 0, scale: 0, seed: 3 })(x);
  assert.equal(Array.from(none.data), before);
});

test('randomAffine: clear errors', () => {
  assert.throws(() => randomAffine({ degrees: -1, translate: 0, scale: 0, seed: 0 }), /randomAffine: degrees must be a non-negative number, got -1/);
  assert.throws(() => randomAffine({ degrees: 0, translate: 0, scale: 1, seed: 0 }), /randomAffine: scale must be below 1/);
  assert.throws(() => randomAffine({ degrees: 5, translate: 0, scale: 0, seed: 0 })(tensor([[1, 2], [3, 4]])), /randomAffine: expected a batch \[N, C, H, W\], got shape \[2, 2\]/);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mnistSample } from '@torchlet/data';
import { luminance, mnistStyle } from '../web/preprocess.js';

// The page's MNIST-style preprocessing (examples/web/preprocess.ts): bounding box to 20 pixels, centre of mass centred.

function inkBox(image: Float32Array): { left: number; right: number; top: number; bottom: number } {
  let [left, right, top, bottom] = [28, -1, 28, -1];
  image.forEach((v, i) => {
    if (v <= 0.06) return;
    const [x, y] = [i % 28, Math.floor(i / 28)];
    [left, right, top, bottom] = [Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
  });
  return { left, right, top, bottom };
}

test('an empty drawing is null; wrong sizes are errors naming the function', () => {
  assert.is(mnistStyle(new Float32Array(100 * 100), 100, 100), null);
  assert.throws(() => mnistStyle(new Float32Array(10), 100, 100), /mnistStyle: expected 10000 pixels for 100x100, got 10/);
  assert.throws(() => luminance(new Uint8ClampedArray(8), 3, 3), /luminance: expected 36 RGBA bytes for 3x3, got 8/);
});

test('a bar drawn off-centre becomes 20 pixels tall, keeps its aspect and is centred', () => {
  const [w, h] = [200, 300];
  const grey = new Float32Array(w * h);
  for (let y = 10; y < 110; y++) for (let x = 150; x < 175; x++) grey[y * w + x] = 1; // 25 x 100 in the top right corner
  const out = mnistStyle(grey, w, h)!;
  const box = inkBox(out);
  assert.is(box.bottom - box.top + 1, 20);
  assert.is(box.right - box.left + 1, 5);
  assert.ok(Math.abs((box.top + box.bottom + 1) / 2 - 14) <= 1 && Math.abs((box.left + box.right + 1) / 2 - 14) <= 1, JSON.stringify(box));
});

test('MNIST digits drawn ten times larger and off-centre: 20 pixels tall or wide, centred; those already so come back unchanged', () => {
  const digits = mnistSample({ split: 'test' });
  const pixels = digits.x.data as Float32Array;
  let unchanged = 0;
  for (let index = 0; index < 20; index++) {
    const digit = pixels.subarray(index * 784, (index + 1) * 784);
    const [w, h] = [400, 360];
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < 280; y++) {
      for (let x = 0; x < 280; x++) {
        const v = Math.round(digit[Math.floor(y / 10) * 28 + Math.floor(x / 10)] * 255);
        rgba.set([v, v, v, 255], ((y + 40) * w + x + 100) * 4);
      }
    }
    const back = mnistStyle(luminance(rgba, w, h), w, h)!;
    const box = inkBox(back);
    assert.is(Math.max(box.right - box.left, box.bottom - box.top) + 1, 20, `digit ${index}: ${JSON.stringify(box)}`);
    let [mass, mx, my] = [0, 0, 0];
    back.forEach((v, i) => [mass, mx, my] = [mass + v, mx + v * ((i % 28) + 0.5), my + v * (Math.floor(i / 28) + 0.5)]);
    assert.ok(Math.abs(mx / mass - 14) <= 0.5 && Math.abs(my / mass - 14) <= 0.5, `digit ${index}: centre of mass ${mx / mass}, ${my / mass}`);
    const own = inkBox(digit);
    if (Math.max(own.right - own.left, own.bottom - own.top) + 1 !== 20) continue;
    unchanged++;
    // MNIST rounded its centring its own way, so the same image may come back moved by a pixel.
    const shifts = [-1, 0, 1].flatMap((dy) => [-1, 0, 1].map((dx) => [dx, dy]));
    const same = shifts.some(([dx, dy]) => digit.every((v, i) => {
      const [x, y] = [(i % 28) + dx, Math.floor(i / 28) + dy];
      return Math.abs((x >= 0 && x < 28 && y >= 0 && y < 28 ? back[y * 28 + x] : 0) - v) <= 16 / 255 + 1e-6; // faint ink outside the box is dropped
    }));
    assert.ok(same, `digit ${index} comes back as itself, moved by at most one pixel`);
  }
  assert.ok(unchanged >= 3, `${unchanged} of 20 digits have a 20-pixel box`);
});

test.run();

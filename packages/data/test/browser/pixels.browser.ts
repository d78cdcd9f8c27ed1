// fromPixels on what a page has: a canvas, an OffscreenCanvas, an ImageBitmap and an <img> give the same tensor as
// the canvas's ImageData; bytesFrom reads a File.
import * as assert from 'uvu/assert';
import { bytesFrom, fromPixels } from '@torchlet/data';
import { run, test } from '../../../../scripts/browser/harness.js';

function painted(): HTMLCanvasElement {
  const canvas = Object.assign(document.createElement('canvas'), { width: 5, height: 3 });
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = 'rgb(10, 200, 30)';
  ctx.fillRect(0, 0, 5, 3);
  ctx.fillStyle = 'rgb(250, 5, 100)';
  ctx.fillRect(2, 1, 2, 2);
  return canvas;
}

test('a canvas, an OffscreenCanvas, an ImageBitmap and an <img> give the ImageData\'s tensor', async () => {
  const canvas = painted();
  const expected = Array.from(fromPixels(canvas.getContext('2d')!.getImageData(0, 0, 5, 3)).data);
  assert.is(expected.length, 3 * 3 * 5);
  assert.ok(Math.abs(expected[0] - 10 / 255) < 1e-6 && Math.abs(expected[15 + 5 + 2] - 5 / 255) < 1e-6, 'R plane then G plane');
  assert.equal(fromPixels(canvas).shape, [3, 3, 5]);
  assert.equal(Array.from(fromPixels(canvas).data), expected);
  const offscreen = new OffscreenCanvas(5, 3);
  offscreen.getContext('2d')!.drawImage(canvas, 0, 0);
  assert.equal(Array.from(fromPixels(offscreen).data), expected);
  assert.equal(Array.from(fromPixels(await createImageBitmap(canvas)).data), expected);
  const img = new Image();
  img.src = canvas.toDataURL('image/png');
  await img.decode();
  assert.equal(Array.from(fromPixels(img).data), expected);
  const notLoaded = new Image();
  assert.throws(() => fromPixels(notLoaded), /fromPixels: the image is 0x0/);
});

test('bytesFrom reads a File', async () => {
  const file = new File([Uint8Array.from([4, 5, 6])], 'weights.safetensors');
  assert.equal(Array.from(await bytesFrom(file)), [4, 5, 6]);
});

await run();

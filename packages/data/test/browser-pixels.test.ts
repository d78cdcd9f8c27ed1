import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bytesFrom, fetchBytes, fromPixels } from '../src/index.js';

// fromPixels on ImageData-like pixels (the drawn sources need a browser: test/browser/pixels.browser.ts), and bytes.

const image = { width: 2, height: 1, data: Uint8ClampedArray.from([255, 0, 51, 255, 0, 102, 255, 0]) };

test('fromPixels gives [channels, height, width] in [0, 1], RGB by default, as ToTensor', () => {
  const rgb = fromPixels(image);
  assert.equal(rgb.shape, [3, 1, 2]);
  assert.is(rgb.dtype, 'float32');
  assert.equal(Array.from(rgb.data), Array.from(Float32Array.from([1, 0, 0, 0.4, 0.2, 1])));
  assert.equal(Array.from(fromPixels(image, { channels: 4 }).data.slice(6)), [1, 0]);
  const grey = fromPixels(image, { channels: 1 });
  assert.equal(grey.shape, [1, 1, 2]);
  assert.ok(Math.abs(grey.data[0] - (0.299 + 0.114 * 0.2)) < 1e-6 && Math.abs(grey.data[1] - (0.587 * 0.4 + 0.114)) < 1e-6);
});

test('fromPixels errors name the function and what came', () => {
  assert.throws(() => fromPixels(image, { channels: 2 as 3 }), /fromPixels: expected channels 1, 3 or 4, got 2/);
  assert.throws(() => fromPixels({ width: 3, height: 3, data: new Uint8ClampedArray(4) }), /fromPixels: expected 36 RGBA bytes for 3x3, got 4/);
  assert.throws(() => fromPixels(null as never), /fromPixels: expected ImageData, an ImageBitmap, a canvas or an image, got null/);
  assert.throws(() => fromPixels({ width: 0, height: 0 }), /fromPixels: the image is 0x0/);
  assert.throws(() => fromPixels({ complete: false } as never), /has not loaded yet/);
  assert.throws(() => fromPixels({ width: 2, height: 2 }), /needs OffscreenCanvas or a document/);
});

test('bytesFrom reads a Blob; fetchBytes reads a URL and names the URL and status on an HTTP error', async () => {
  assert.equal(Array.from(await bytesFrom(new Blob([Uint8Array.from([1, 2, 3])]))), [1, 2, 3]);
  await bytesFrom({} as never).then(() => assert.unreachable(), (err: Error) => assert.match(err.message, /bytesFrom: expected a File, a Blob or a Response/));
  const server = createServer((req, res) => {
    if (req.url === '/weights.bin') res.end(Buffer.from([7, 8]));
    else res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal(Array.from(await fetchBytes(`${origin}/weights.bin`)), [7, 8]);
    assert.equal(Array.from(await fetchBytes(new URL(`${origin}/weights.bin`))), [7, 8]);
    await fetchBytes(`${origin}/missing.bin`).then(() => assert.unreachable(), (err: Error) => assert.match(err.message, /fetchBytes: http:\/\/127\.0\.0\.1:\d+\/missing\.bin answered 404 Not Found/));
  } finally {
    server.close();
  }
});

test.run();

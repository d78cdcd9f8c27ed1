/*
 * A drawing made MNIST-like, as MNIST's own digits were made: the ink's bounding box scaled (keeping its aspect) so
 * that its longer side is 20 pixels, then placed in a 28x28 image so that its centre of mass is the image's centre.
 * Pure functions on pixel arrays, so Node tests them without a browser.
 */

export const SIDE = 28;
const BOX = 20;
/** Luminance (0-255) above which a pixel counts as ink when finding the bounding box. */
const INK = 16;

/** The luminance (0-1) of each pixel of RGBA bytes, e.g. a canvas's ImageData.data, as one float per pixel. */
export function luminance(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  if (rgba.length !== width * height * 4) throw new Error(`luminance: expected ${width * height * 4} RGBA bytes for ${width}x${height}, got ${rgba.length}`);
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255;
  return out;
}

/**
 * The 28x28 MNIST-style image (row-major, 0 = background, 1 = ink) of a width x height grey image with light ink on a
 * dark background, or null when nothing is drawn.
 */
export function mnistStyle(grey: Float32Array, width: number, height: number): Float32Array | null {
  if (grey.length !== width * height) throw new Error(`mnistStyle: expected ${width * height} pixels for ${width}x${height}, got ${grey.length}`);
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (grey[y * width + x] * 255 <= INK) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return null;
  const [boxWidth, boxHeight] = [right - left + 1, bottom - top + 1];
  const scale = BOX / Math.max(boxWidth, boxHeight);
  const w = Math.max(1, Math.round(boxWidth * scale));
  const h = Math.max(1, Math.round(boxHeight * scale));
  // Area averaging: each small pixel is the mean of the source pixels it covers.
  const small = new Float32Array(w * h);
  for (let sy = 0; sy < h; sy++) {
    const y0 = top + Math.floor((sy * boxHeight) / h);
    const y1 = Math.max(y0 + 1, top + Math.floor(((sy + 1) * boxHeight) / h));
    for (let sx = 0; sx < w; sx++) {
      const x0 = left + Math.floor((sx * boxWidth) / w);
      const x1 = Math.max(x0 + 1, left + Math.floor(((sx + 1) * boxWidth) / w));
      let sum = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) sum += grey[y * width + x];
      small[sy * w + sx] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  let [mass, mx, my] = [0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x];
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const dx = Math.round(SIDE / 2 - mx / mass);
  const dy = Math.round(SIDE / 2 - my / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [ox, oy] = [x + dx, y + dy];
      if (ox >= 0 && ox < SIDE && oy >= 0 && oy < SIDE) out[oy * SIDE + ox] = Math.min(1, small[y * w + x]);
    }
  }
  return out;
}

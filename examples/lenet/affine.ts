// An example-local augmentation: @torchlet/data has shifts and crops but no rotation or scaling.
import { Generator, Tensor, empty } from '@torchlet/core';
import type { Transform } from '@torchlet/data';

export interface RandomAffineOptions {
  /** Rotation drawn uniformly from [-degrees, degrees]. */
  degrees: number;
  /** Translation per axis drawn uniformly from [-translate, translate] pixels (not rounded). */
  translate: number;
  /** Scale factor drawn uniformly from [1 - scale, 1 + scale]. */
  scale: number;
  seed: number | string;
}

/**
 * Writes into dst the plane src (h x w, at `offset` in both) rotated by `degrees` counter-clockwise about its centre,
 * scaled by `scale` and moved by (tx, ty) pixels (right, down): bilinear sampling, zero outside the source.
 */
export function warpAffine(
  src: ArrayLike<number>, dst: { [i: number]: number }, offset: number, h: number, w: number,
  degrees: number, scale: number, tx: number, ty: number,
): void {
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  // Output pixel p samples the source at R(-angle)·(p - centre - t) / scale + centre; with y pointing down,
  // R(-angle) of the screen's counter-clockwise angle has these signs.
  const angle = (degrees * Math.PI) / 180;
  const cos = Math.cos(angle) / scale;
  const sin = Math.sin(angle) / scale;
  const at = (yy: number, xx: number) => (yy >= 0 && yy < h && xx >= 0 && xx < w ? src[offset + yy * w + xx] : 0);
  for (let oy = 0; oy < h; oy++) {
    const dy = oy - cy - ty;
    // Hoisted per row: the same products as in the per-pixel formula, so the pixels come out bit for bit the same.
    const sinDy = sin * dy;
    const cosDy = cos * dy;
    for (let ox = 0; ox < w; ox++) {
      const dx = ox - cx - tx;
      const sx = cos * dx - sinDy + cx;
      const sy = sin * dx + cosDy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      let v00, v01, v10, v11;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < w && y0 + 1 < h) {
        // All four neighbours inside (most pixels): read them without the bounds checks.
        const i = offset + y0 * w + x0;
        v00 = src[i];
        v01 = src[i + 1];
        v10 = src[i + w];
        v11 = src[i + w + 1];
      } else {
        v00 = at(y0, x0);
        v01 = at(y0, x0 + 1);
        v10 = at(y0 + 1, x0);
        v11 = at(y0 + 1, x0 + 1);
      }
      dst[offset + oy * w + ox] = (1 - fy) * ((1 - fx) * v00 + fx * v01) + fy * ((1 - fx) * v10 + fx * v11);
    }
  }
}

/**
 * Like torchvision's RandomAffine (without shear) on a batch [N, C, H, W] of raw pixels: each image gets its own
 * rotation, scale and translation (the same for all its channels), drawn from a generator seeded with `seed`.
 */
export function randomAffine(options: RandomAffineOptions): Transform {
  const { degrees, translate, scale, seed } = options;
  for (const [name, v] of [['degrees', degrees], ['translate', translate], ['scale', scale]] as const) {
    if (!(Number.isFinite(v) && v >= 0)) throw new Error(`randomAffine: ${name} must be a non-negative number, got ${v}`);
  }
  if (scale >= 1) throw new Error(`randomAffine: scale must be below 1 (factors 1 - scale .. 1 + scale), got ${scale}`);
  const generator = new Generator(seed);
  const uniform = (half: number) => (2 * generator.random() - 1) * half;
  return (x: Tensor) => {
    if (x.shape.length !== 4) throw new Error(`randomAffine: expected a batch [N, C, H, W], got shape [${x.shape.join(', ')}]`);
    const [n, c, h, w] = x.shape;
    const out = empty(x.shape, x.dtype);
    for (let i = 0; i < n; i++) {
      const degreesI = uniform(degrees);
      const scaleI = 1 + uniform(scale);
      const tx = uniform(translate);
      const ty = uniform(translate);
      for (let ch = 0; ch < c; ch++) warpAffine(x.data, out.data, (i * c + ch) * h * w, h, w, degreesI, scaleI, tx, ty);
    }
    return out;
  };
}

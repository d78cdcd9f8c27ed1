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
 * Like torchvision's RandomAffine (without shear) on a batch [N, C, H, W] of raw pixels: each image gets its own
 * rotation about its centre, scale and translation, sampled bilinearly with zero fill outside the image.
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
    const src = x.data;
    const dst = out.data;
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    const plane = h * w;
    for (let i = 0; i < n; i++) {
      const angle = (uniform(degrees) * Math.PI) / 180;
      const s = 1 + uniform(scale);
      const tx = uniform(translate);
      const ty = uniform(translate);
      // Output pixel p comes from source R(-angle)·(p - centre - t) / s + centre.
      const cos = Math.cos(angle) / s;
      const sin = Math.sin(angle) / s;
      for (let ch = 0; ch < c; ch++) {
        const base = (i * c + ch) * plane;
        for (let oy = 0; oy < h; oy++) {
          const dy = oy - cy - ty;
          for (let ox = 0; ox < w; ox++) {
            const dx = ox - cx - tx;
            const sx = cos * dx + sin * dy + cx;
            const sy = -sin * dx + cos * dy + cy;
            const x0 = Math.floor(sx);
            const y0 = Math.floor(sy);
            const fx = sx - x0;
            const fy = sy - y0;
            const at = (yy: number, xx: number) => (yy >= 0 && yy < h && xx >= 0 && xx < w ? src[base + yy * w + xx] : 0);
            dst[base + oy * w + ox] =
              (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
          }
        }
      }
    }
    return out;
  };
}

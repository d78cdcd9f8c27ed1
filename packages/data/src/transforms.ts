import { type TypedArray, Tensor, empty, formatShape, positionalOptions } from '@torchlet/core';
import { resolveGenerator, type SeedOptions } from './permutation.js';

/**
 * A transform maps images to new images without autograd: a batch [N, C, H, W] (what DataLoader passes, and the
 * fast way), a single image [C, H, W] or a plane [H, W]. Random transforms draw once per image, from a Generator
 * made from `seed` when the transform is created (core's default generator without one). Inputs are never changed.
 */
export type Transform = (x: Tensor) => Tensor;

interface Layout {
  n: number;
  c: number;
  h: number;
  w: number;
}

function layoutOf(op: string, x: Tensor): Layout {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof x}`);
  if (x.requiresGrad) throw new Error(`${op}: transforms are not differentiable; got a tensor that requires grad (detach() it first)`);
  const s = x.shape;
  if (s.length === 4) return { n: s[0], c: s[1], h: s[2], w: s[3] };
  if (s.length === 3) return { n: 1, c: s[0], h: s[1], w: s[2] };
  if (s.length === 2) return { n: 1, c: 1, h: s[0], w: s[1] };
  throw new Error(`${op}: expected an image [H, W], [C, H, W] or a batch [N, C, H, W], got shape ${formatShape(s)}`);
}

function withSize(shape: readonly number[], h: number, w: number): number[] {
  return [...shape.slice(0, -2), h, w];
}

function checkInteger(op: string, what: string, value: unknown, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${op}: ${what} must be an integer${min === 0 ? ' >= 0' : min === 1 ? ' >= 1' : ''}, got ${String(value)}`);
  }
  return value;
}

/**
 * Copies `planes` planes of srcH x srcW into planes of dstH x dstW so that dst[r][c] = src[r + top][c + left]
 * where that source pixel exists; the other destination pixels keep their value (the fill).
 */
function copyWindow(
  src: TypedArray, srcOffset: number, dst: TypedArray, dstOffset: number, planes: number,
  srcH: number, srcW: number, dstH: number, dstW: number, top: number, left: number,
): void {
  const c0 = Math.max(0, -left);
  const c1 = Math.min(dstW, srcW - left);
  const r0 = Math.max(0, -top);
  const r1 = Math.min(dstH, srcH - top);
  if (c1 <= c0 || r1 <= r0) return;
  for (let p = 0; p < planes; p++) {
    const s = srcOffset + p * srcH * srcW;
    const d = dstOffset + p * dstH * dstW;
    for (let r = r0; r < r1; r++) {
      const from = s + (r + top) * srcW + left;
      dst.set(src.subarray(from + c0, from + c1), d + r * dstW + c0);
    }
  }
}

/** Moves the content of every image dx pixels right and dy pixels down (negative: left/up), filling with zeros. */
export function shift(x: Tensor, dx: number, dy: number): Tensor {
  const { n, c, h, w } = layoutOf('shift', x);
  checkInteger('shift', 'dx', dx);
  checkInteger('shift', 'dy', dy);
  const out = empty(x.shape, x.dtype);
  copyWindow(x.data, 0, out.data, 0, n * c, h, w, h, w, -dy, -dx);
  return out;
}

/** (x - mean[c]) / std[c] per channel; a single number applies to every channel. Output float32 (float64 stays). */
export function normalize(mean: number | readonly number[], std: number | readonly number[], ...rest: [inplace?: false] | [{ inplace?: false }]): Transform {
  // torchvision's Normalize(mean, std, inplace): the result is always a new tensor, so only inplace false is honoured
  const { inplace } = positionalOptions<{ inplace?: unknown }>('normalize', rest, ['inplace']);
  if (inplace !== undefined && inplace !== false) throw new Error('normalize: inplace is not supported (the result is always a new tensor); leave it false');
  const means = typeof mean === 'number' ? [mean] : [...mean];
  const stds = typeof std === 'number' ? [std] : [...std];
  if (means.length === 0 || means.some((m) => typeof m !== 'number' || !Number.isFinite(m))) {
    throw new Error(`normalize: mean must be a finite number or a non-empty array of them, got ${JSON.stringify(mean)}`);
  }
  if (stds.length === 0 || stds.some((s) => typeof s !== 'number' || !Number.isFinite(s) || s <= 0)) {
    throw new Error(`normalize: std must be a positive number or a non-empty array of them, got ${JSON.stringify(std)}`);
  }
  return (x) => {
    const { n, c, h, w } = layoutOf('normalize', x);
    for (const [name, values] of [['mean', means], ['std', stds]] as const) {
      if (values.length !== 1 && values.length !== c) throw new Error(`normalize: ${name} has ${values.length} values but the images have ${c} channels`);
    }
    const out = empty(x.shape, x.dtype === 'float64' ? 'float64' : 'float32');
    const src = x.data;
    const dst = out.data;
    const plane = h * w;
    for (let i = 0; i < n; i++) {
      for (let ch = 0; ch < c; ch++) {
        const m = means.length === 1 ? means[0] : means[ch];
        const s = stds.length === 1 ? stds[0] : stds[ch];
        const start = (i * c + ch) * plane;
        for (let k = start; k < start + plane; k++) dst[k] = (src[k] - m) / s;
      }
    }
    return out;
  };
}

/** A padding: one for every side, [left/right, top/bottom], or [left, top, right, bottom], as torchvision's Pad. */
export type Padding = number | readonly [number, number] | readonly [number, number, number, number];

/**
 * Pads the borders with `value` (default 0), as torchvision's Pad: one number for every side, [leftRight, topBottom],
 * or [left, top, right, bottom].
 */
export function pad(padding: Padding, ...rest: [{ value?: number }?]): Transform {
  const [left, top, right, bottom] = paddingSides('pad', padding);
  const { value = 0 } = positionalOptions<{ value?: number }>('pad', rest, [], ['value']);
  if (typeof value !== 'number') throw new TypeError(`pad: value must be a number, got ${typeof value}`);
  return (x) => {
    const { n, c, h, w } = layoutOf('pad', x);
    const out = empty(withSize(x.shape, h + top + bottom, w + left + right), x.dtype);
    if (value !== 0) out.data.fill(value);
    copyWindow(x.data, 0, out.data, 0, n * c, h, w, h + top + bottom, w + left + right, -top, -left);
    return out;
  };
}

function paddingSides(op: string, padding: Padding): [number, number, number, number] {
  const sides = typeof padding === 'number' ? [padding, padding, padding, padding]
    : Array.isArray(padding) && padding.length === 2 ? [padding[0], padding[1], padding[0], padding[1]]
    : Array.isArray(padding) && padding.length === 4 ? [...padding]
    : null;
  if (!sides || sides.some((p) => typeof p !== 'number' || !Number.isInteger(p) || p < 0)) {
    throw new Error(`${op}: padding must be a non-negative integer, [leftRight, topBottom] or [left, top, right, bottom], got ${JSON.stringify(padding)}`);
  }
  return sides as [number, number, number, number];
}

/** Shifts each image by its own random (dx, dy), each uniform in [-maxShift, maxShift], zero-filled. */
export function randomShift(maxShift: number, ...rest: [SeedOptions?]): Transform {
  const options = positionalOptions<SeedOptions>('randomShift', rest, [], ['seed']);
  checkInteger('randomShift', 'maxShift', maxShift, 0);
  const generator = resolveGenerator(options.seed);
  return (x) => {
    const { n, c, h, w } = layoutOf('randomShift', x);
    const out = empty(x.shape, x.dtype);
    const size = c * h * w;
    for (let i = 0; i < n; i++) {
      const dx = generator.integer(-maxShift, maxShift + 1);
      const dy = generator.integer(-maxShift, maxShift + 1);
      copyWindow(x.data, i * size, out.data, i * size, c, h, w, h, w, -dy, -dx);
    }
    return out;
  };
}

/** Options of `randomCrop`: padding before the crop and the seed. */
export interface RandomCropOptions extends SeedOptions {
  /** Zero padding added on every side before cropping (torchvision's padding). */
  padding?: number;
}

/** Crops each image at a random position to `size` ([height, width] or a square side), after optional zero padding. */
export function randomCrop(size: number | readonly [number, number], options?: RandomCropOptions): Transform;
/** torchvision's positional form `RandomCrop(size, padding)`. */
export function randomCrop(size: number | readonly [number, number], padding: number, options?: SeedOptions): Transform;
export function randomCrop(size: number | readonly [number, number], ...rest: unknown[]): Transform {
  const options = positionalOptions<RandomCropOptions>('randomCrop', rest, ['padding'], ['seed']);
  const [ch, cw] = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 2 ? size : [NaN, NaN];
  checkInteger('randomCrop', 'size', ch, 1);
  checkInteger('randomCrop', 'size', cw, 1);
  const padding = checkInteger('randomCrop', 'padding', options.padding ?? 0, 0);
  const generator = resolveGenerator(options.seed);
  return (x) => {
    const { n, c, h, w } = layoutOf('randomCrop', x);
    if (ch > h + 2 * padding || cw > w + 2 * padding) {
      throw new Error(`randomCrop: crop size [${ch}, ${cw}] is larger than the padded image [${h + 2 * padding}, ${w + 2 * padding}]`);
    }
    const out = empty(withSize(x.shape, ch, cw), x.dtype);
    for (let i = 0; i < n; i++) {
      const top = generator.integer(0, h + 2 * padding - ch + 1) - padding;
      const left = generator.integer(0, w + 2 * padding - cw + 1) - padding;
      copyWindow(x.data, i * c * h * w, out.data, i * c * ch * cw, c, h, w, ch, cw, top, left);
    }
    return out;
  };
}

/** Converts to float32, times `scale` (e.g. 1 / 255 for raw pixel values). */
export function toFloat(...rest: [{ scale?: number }?]): Transform {
  const { scale = 1 } = positionalOptions<{ scale?: number }>('toFloat', rest, [], ['scale']);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new Error(`toFloat: scale must be a finite number, got ${String(scale)}`);
  return (x) => {
    if (!(x instanceof Tensor)) throw new TypeError(`toFloat: expected a Tensor, got ${typeof x}`);
    if (x.requiresGrad) throw new Error('toFloat: transforms are not differentiable; got a tensor that requires grad (detach() it first)');
    const out = empty(x.shape, 'float32');
    const src = x.data;
    const dst = out.data;
    for (let i = 0; i < src.length; i++) dst[i] = src[i] * scale;
    return out;
  };
}

/** Applies the transforms left to right. */
export function compose(...transforms: Transform[]): Transform {
  transforms.forEach((t, i) => {
    if (typeof t !== 'function') throw new TypeError(`compose: transform ${i} is not a function, got ${typeof t}`);
  });
  return (x) => transforms.reduce((y, t) => t(y), x);
}

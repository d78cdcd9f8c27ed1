import { Tensor } from '@torchlet/core';

/*
 * A user's own data in the browser: tensors from images (as TF.js's tf.browser.fromPixels, in PyTorch's layout) and
 * bytes from a File, a Blob, a Response or a URL. The exported types are structural, not the DOM's, so that the
 * declarations compile in a project without the DOM library.
 */

/** Pixels as ImageData holds them: RGBA bytes, row by row. */
export interface ImageDataLike {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
}

/** Anything a 2D canvas can draw: an ImageBitmap, a canvas, an OffscreenCanvas, an <img>, a <video>, a VideoFrame. */
export interface DrawableImage {
  readonly width?: number;
  readonly height?: number;
}

/** Options of `fromPixels`: how many channels. */
export interface FromPixelsOptions {
  /** 3 (RGB, the default), 1 (luminance, 0.299 R + 0.587 G + 0.114 B) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
}

/**
 * An image as a float32 tensor [channels, height, width] in [0, 1], as torchvision's ToTensor gives it (TF.js's
 * fromPixels gives int32 [height, width, channels] in 0-255). ImageData works everywhere; the other sources are drawn
 * on an OffscreenCanvas (or a canvas of the document) first, so they need a browser.
 */
export function fromPixels(source: ImageDataLike | DrawableImage, options: FromPixelsOptions = {}): Tensor {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`fromPixels: expected channels 1, 3 or 4, got ${JSON.stringify(channels)}`);
  const image = isImageData(source) ? source : drawn(source);
  const { data, width, height } = image;
  if (data.length !== width * height * 4) throw new Error(`fromPixels: expected ${width * height * 4} RGBA bytes for ${width}x${height}, got ${data.length}`);
  return new Tensor(planes(data, width * height, channels), [channels, height, width]);
}

function isImageData(source: unknown): source is ImageDataLike {
  return typeof source === 'object' && source !== null && 'data' in source && 'width' in source && 'height' in source;
}

/** RGBA bytes to channel planes in [0, 1]. */
function planes(rgba: ArrayLike<number>, pixels: number, channels: 1 | 3 | 4): Float32Array {
  const out = new Float32Array(channels * pixels);
  for (let i = 0; i < pixels; i++) {
    if (channels === 1) {
      out[i] = (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]) / 255;
    } else {
      for (let c = 0; c < channels; c++) out[c * pixels + i] = rgba[4 * i + c] / 255;
    }
  }
  return out;
}

function drawn(source: DrawableImage): ImageDataLike {
  if (typeof source !== 'object' || source === null) throw new TypeError(`fromPixels: expected ImageData, an ImageBitmap, a canvas or an image, got ${source === null ? 'null' : typeof source}`);
  const media = source as { videoWidth?: number; videoHeight?: number; naturalWidth?: number; naturalHeight?: number; width?: number; height?: number; complete?: boolean };
  const width = media.videoWidth || media.naturalWidth || media.width || 0;
  const height = media.videoHeight || media.naturalHeight || media.height || 0;
  if (media.complete === false) throw new Error('fromPixels: the <img> has not loaded yet (await img.decode() first)');
  if (width === 0 || height === 0) throw new Error(`fromPixels: the image is ${width}x${height}; an <img> or <video> must have loaded first`);
  let context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (typeof OffscreenCanvas !== 'undefined') context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  else if (typeof document !== 'undefined') context = Object.assign(document.createElement('canvas'), { width, height }).getContext('2d', { willReadFrequently: true });
  else throw new Error('fromPixels: drawing an image needs OffscreenCanvas or a document; outside a browser pass ImageData-like { data, width, height }');
  if (context === null) throw new Error('fromPixels: no 2d canvas context is available');
  context.drawImage(source as CanvasImageSource, 0, 0, width, height);
  return context.getImageData(0, 0, width, height);
}

/** Something with the bytes of a file: a File, a Blob or a fetch Response. */
export interface BytesSource {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The bytes of a File (from an <input type="file"> or a drop), a Blob or a Response, e.g. for deserialize or parseIdx. */
export async function bytesFrom(source: BytesSource): Promise<Uint8Array> {
  if (typeof source?.arrayBuffer !== 'function') throw new TypeError('bytesFrom: expected a File, a Blob or a Response (something with arrayBuffer())');
  return new Uint8Array(await source.arrayBuffer());
}

/** The bytes at a URL (weights or a dataset), fetched; an HTTP error names the URL and the status. */
export async function fetchBytes(url: string | { href: string }): Promise<Uint8Array> {
  const href = typeof url === 'string' ? url : url.href;
  const response = await fetch(href);
  if (!response.ok) throw new Error(`fetchBytes: ${href} answered ${response.status} ${response.statusText}`.trimEnd());
  return new Uint8Array(await response.arrayBuffer());
}

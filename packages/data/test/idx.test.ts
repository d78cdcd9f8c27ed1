import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdx, writeIdx, encodeIdx, decodeIdx, type IdxArray } from '@torchlet/data';

const dir = mkdtempSync(join(tmpdir(), 'torchlet-idx-'));
const file = (name: string, bytes: Uint8Array | number[]) => {
  const path = join(dir, name);
  writeFileSync(path, bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  return path;
};
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

test('reads a hand-written big-endian file', () => {
  // int16 [2, 2]: -2, 256, 1, -32768
  const bytes = [0, 0, 0x0b, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0xff, 0xfe, 0x01, 0x00, 0x00, 0x01, 0x80, 0x00];
  const a = readIdx(file('short.idx', bytes));
  assert.is(a.dtype, 'int16');
  assert.equal(a.shape, [2, 2]);
  assert.ok(a.data instanceof Int16Array);
  assert.equal(Array.from(a.data), [-2, 256, 1, -32768]);
  // ubyte [3]: the layout of an MNIST label file
  const labels = readIdx(file('labels.idx', [0, 0, 0x08, 1, 0, 0, 0, 3, 7, 0, 255]));
  assert.equal(labels.shape, [3]);
  assert.ok(labels.data instanceof Uint8Array);
  assert.equal(Array.from(labels.data), [7, 0, 255]);
  // float [1]: 1.5 is 0x3FC00000
  assert.equal(Array.from(readIdx(file('float.idx', [0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0])).data), [1.5]);
  assert.equal(Array.from(encodeIdx({ dtype: 'int16', shape: [2, 2], data: Int16Array.from([-2, 256, 1, -32768]) })), bytes);
});

const samples: IdxArray[] = [
  { dtype: 'uint8', shape: [2, 3, 4], data: Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256) },
  { dtype: 'int8', shape: [5], data: Int8Array.from([-128, -1, 0, 1, 127]) },
  { dtype: 'int16', shape: [3, 2], data: Int16Array.from([-32768, -300, -1, 0, 300, 32767]) },
  { dtype: 'int32', shape: [2, 2], data: Int32Array.from([-(2 ** 31), -70000, 70000, 2 ** 31 - 1]) },
  { dtype: 'float32', shape: [4], data: Float32Array.from([-1.5, 0.1, 3.4e38, -0]) },
  { dtype: 'float64', shape: [2, 1, 2], data: Float64Array.from([Math.PI, -1e-300, 1e300, 0.1]) },
  { dtype: 'uint8', shape: [], data: Uint8Array.from([9]) },
  { dtype: 'float64', shape: [0, 3], data: new Float64Array(0) },
];

test('round-trips every dtype, raw and gzip-compressed', () => {
  for (const sample of samples) {
    for (const gzip of [false, true]) {
      const path = join(dir, `round-${sample.dtype}-${sample.shape.length}-${gzip}.idx`);
      writeIdx(path, sample, { gzip });
      const back = readIdx(path);
      assert.is(back.dtype, sample.dtype);
      assert.equal(back.shape, sample.shape);
      assert.is(back.data.constructor, sample.data.constructor);
      assert.equal(Array.from(back.data), Array.from(sample.data), `${sample.dtype} gzip=${gzip}`);
    }
  }
});

test('gzip is recognised by its magic bytes, not by the file name', () => {
  const bytes = encodeIdx(samples[0]);
  assert.equal(Array.from(readIdx(file('compressed-but-plain-name.idx', gzipSync(bytes))).data), Array.from(samples[0].data));
  assert.equal(Array.from(readIdx(file('plain-but-named.gz', bytes)).data), Array.from(samples[0].data));
  assert.equal(decodeIdx(gzipSync(bytes)).shape, [2, 3, 4]);
});

test('every kind of corruption is rejected with a message naming the file', () => {
  const good = encodeIdx(samples[2]); // int16 [3, 2]: 8 + 8 header bytes, 12 data bytes
  const cases: [string, Uint8Array | number[], RegExp][] = [
    ['magic.idx', [1, 0, 0x08, 1, 0, 0, 0, 0], /is not an IDX file: expected the magic number to start with 0x00 0x00, got 0x01 0x00/],
    ['magic2.idx', [0, 7, 0x08, 1, 0, 0, 0, 0], /got 0x00 0x07/],
    ['dtype.idx', [0, 0, 0x07, 1, 0, 0, 0, 0], /has unknown IDX dtype code 0x07 \(expected 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float or 0x0E double\)/],
    ['tiny.idx', [0, 0, 0x08], /is truncated: 3 bytes is too short for an IDX header/],
    ['empty.idx', [], /is truncated: 0 bytes/],
    ['header.idx', [0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0], /is truncated: its header declares 3 dimensions \(16 bytes\) but the file has 10 bytes/],
    ['data.idx', good.subarray(0, good.length - 1), /is truncated: its header says shape \[3, 2\] of int16 \(12 data bytes\) but only 11 bytes follow/],
    ['trailing.idx', [...good, 0, 0], /has 2 bytes too many: its header says shape \[3, 2\] of int16 \(12 data bytes\) but 14 bytes follow/],
    ['huge.idx', [0, 0, 0x0c, 1, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4], /is truncated: its header says shape \[4294967295\] of int32 \(17179869180 data bytes\) but only 4 bytes follow/],
    ['badgzip.idx', [0x1f, 0x8b, 1, 2, 3, 4, 5, 6], /starts like gzip \(1f 8b\) but cannot be decompressed/],
    ['cutgzip.idx', gzipSync(good).subarray(0, 15), /starts like gzip \(1f 8b\) but cannot be decompressed/],
    ['gzipped-garbage.idx', gzipSync(Uint8Array.from([5, 5, 5, 5, 5])), /is not an IDX file/],
  ];
  for (const [name, bytes, message] of cases) {
    const path = file(name, bytes);
    assert.throws(() => readIdx(path), (err: Error) => message.test(err.message) && err.message.startsWith(`readIdx: ${path} `), name);
  }
  const missing = join(dir, 'missing.idx');
  assert.throws(() => readIdx(missing), new RegExp(`readIdx: cannot read ${escape(missing)}: ENOENT`));
  assert.throws(() => decodeIdx(Uint8Array.from([9, 9, 9, 9])), /decodeIdx: the IDX buffer is not an IDX file/);
});

test('writeIdx rejects arrays it cannot encode', () => {
  assert.throws(() => encodeIdx({ dtype: 'int16', shape: [2], data: Int32Array.from([1, 2]) }), /writeIdx: dtype int16 needs a Int16Array, got Int32Array/);
  assert.throws(() => encodeIdx({ dtype: 'uint8', shape: [3], data: Uint8Array.from([1, 2]) }), /writeIdx: shape \[3\] needs 3 elements but data has 2/);
  assert.throws(() => encodeIdx({ dtype: 'uint16' as never, shape: [1], data: Uint8Array.from([1]) }), /writeIdx: unknown dtype "uint16"/);
  assert.throws(() => encodeIdx({ dtype: 'uint8', shape: [-1], data: Uint8Array.from([1]) }), /writeIdx: shape \[-1\] cannot be stored in IDX/);
});

test('cleanup', () => {
  rmSync(dir, { recursive: true, force: true });
  assert.ok(true);
});

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32 as zlibCrc32, gzipSync } from 'node:zlib';
import {
  parseIdx, encodeIdx, parseMnist, parseCifar10, parseMnistSample, fashionMnistClasses, mnistSampleBytes, mnistSample,
} from '@torchlet/data';
import { crc32 } from '../src/crc32.js';

const images = encodeIdx({ dtype: 'uint8', shape: [2, 2, 3], data: Uint8Array.from([0, 255, 51, 102, 0, 0, 1, 2, 3, 4, 5, 6]) });
const labels = encodeIdx({ dtype: 'uint8', shape: [2], data: Uint8Array.from([3, 9]) });

test('parseIdx gunzips with fflate and names itself in errors', () => {
  assert.equal(parseIdx(gzipSync(images)).shape, [2, 2, 3]);
  assert.throws(() => parseIdx(Uint8Array.from([0x1f, 0x8b, 1, 2])), /^parseIdx: the IDX buffer starts like gzip \(1f 8b\) but cannot be decompressed/);
  assert.throws(() => parseIdx(Uint8Array.from([1, 0, 8, 0]), 'digits.idx'), /^parseIdx: digits.idx is not an IDX file/);
  assert.throws(() => parseIdx('x' as never), /^parseIdx: expected the bytes as a Uint8Array, got string/);
});

test('parseMnist makes the dataset from the bytes of the two IDX files, raw or gzip', () => {
  const ds = parseMnist(gzipSync(images), labels, { classes: fashionMnistClasses });
  assert.equal(ds.x.shape, [2, 1, 2, 3]);
  assert.equal(Array.from(ds.y.data), [3, 9]);
  assert.is(ds.x.data[1], 1);
  assert.equal(ds.classes, fashionMnistClasses);
  assert.throws(() => parseMnist(images, encodeIdx({ dtype: 'uint8', shape: [1], data: Uint8Array.from([1]) })), /^parseMnist: the images has 2 images but the labels has 1 labels/);
  assert.throws(() => parseMnist(labels, labels), /^parseMnist: the images should hold uint8 images \[N, H, W\], got uint8 \[2\]/);
  assert.throws(() => parseMnist(images, encodeIdx({ dtype: 'uint8', shape: [2], data: Uint8Array.from([1, 10]) })), /^parseMnist: the labels has label 10 at 1, expected 0..9/);
});

test('parseCifar10 reads records from bytes and names a bad batch', () => {
  const record = new Uint8Array(2 * 3073);
  record[0] = 7;
  record[3073] = 2;
  record[3074] = 255;
  const ds = parseCifar10([{ name: 'b.bin', bytes: record }, record.subarray(0, 3073)]);
  assert.equal(ds.x.shape, [3, 3, 32, 32]);
  assert.equal(Array.from(ds.y.data), [7, 2, 7]);
  assert.is(ds.x.data[3072], 1);
  assert.throws(() => parseCifar10([new Uint8Array(10)]), /^parseCifar10: batch 0 has 10 bytes, which is not a whole number of 3073-byte records/);
  assert.throws(() => parseCifar10([]), /^parseCifar10: expected a non-empty array of batches/);
  assert.throws(() => parseCifar10([{ name: 'x', bytes: [1] as never }]), /^parseCifar10: x is not a Uint8Array/);
});

test('crc32 agrees with zlib', () => {
  for (const bytes of [new Uint8Array(0), Uint8Array.from([1, 2, 3]), images]) assert.is(crc32(bytes), zlibCrc32(bytes));
});

test('parseMnistSample gives the same split as mnistSample, and refuses bytes that are not the sample', () => {
  const bytes = mnistSampleBytes();
  const fromBytes = parseMnistSample(bytes, { split: 'test' });
  const fromNode = mnistSample({ split: 'test' });
  assert.equal(fromBytes.x.shape, [2000, 1, 28, 28]);
  assert.equal(Array.from(fromBytes.y.data), Array.from(fromNode.y.data));
  assert.equal(fromBytes.x.data, fromNode.x.data);
  const corrupt = new Uint8Array(bytes);
  corrupt[1000] ^= 1;
  assert.throws(() => parseMnistSample(corrupt), /^parseMnistSample: not the embedded MNIST sample: the checksum does not match/);
  assert.throws(() => parseMnistSample(bytes.subarray(0, 100)), /^parseMnistSample: not the embedded MNIST sample: expected 7850024 bytes, got 100/);
  const wrongMagic = new Uint8Array(bytes);
  wrongMagic[0] = 0;
  assert.throws(() => parseMnistSample(wrongMagic), /the bytes do not start with TLMNIST1/);
  assert.throws(() => parseMnistSample(bytes, { split: 'all' as never }), /^parseMnistSample: split must be 'train' or 'test', got "all"/);
  assert.throws(() => parseMnistSample(null as never), /expected the sample's bytes as a Uint8Array, got null/);
});

test.run();

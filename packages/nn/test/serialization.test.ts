import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, linkSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor, randn, zeros, manualSeed, noGrad, sum } from '@torchlet/core';
import {
  serialize, deserialize, deserializeWithMetadata, save, load, loadWithMetadata, Module, Sequential, Conv2d, BatchNorm2d, ReLU,
  MaxPool2d, Flatten, Linear, Dropout,
} from '@torchlet/nn';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'torchlet-nn-'));

/** Bytes of a safetensors file with the given header (object or raw text) and data section. */
function craft(header: object | string, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const text = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

function headerOf(bytes: Uint8Array): { length: number; text: string } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { length, text: new TextDecoder().decode(bytes.subarray(8, 8 + length)) };
}

function sameBits(a: Tensor, b: Tensor, what: string): void {
  assert.is(a.dtype, b.dtype, `${what} dtype`);
  assert.equal(a.shape, b.shape, `${what} shape`);
  const ua = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const ub = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
  assert.equal(Array.from(ua), Array.from(ub), `${what} bytes`);
}

test('serialize/deserialize round-trip every dtype bit for bit, keeping state-dict order', () => {
  const sd: Record<string, Tensor> = {
    b: tensor([1.5, -0, NaN, Infinity, -Infinity, 1e-45, 3.4e38]),
    '10': tensor([[1 / 3, -2.5e-310]], { dtype: 'float64' }),
    '2': tensor([-2147483648, 0, 2147483647], { dtype: 'int32' }),
    'a.weight': randn([3, 2, 2]),
    scalar: tensor(7, { dtype: 'float64' }),
    empty: zeros([0, 4]),
  };
  const back = deserialize(serialize(sd));
  assert.equal(Object.keys(back), ['2', '10', 'b', 'a.weight', 'scalar', 'empty']);
  assert.equal(Object.keys(back), Object.keys(sd));
  for (const k of Object.keys(sd)) sameBits(back[k], sd[k], k);
  assert.ok(back.b.data.buffer !== sd.b.data.buffer, 'copies, not views of the file');
});

test('file layout: header padded with spaces to 8 bytes, data by dtype size then name, header in state-dict order', () => {
  const sd = { z: tensor([1, 2, 3]), y: tensor([1], { dtype: 'float64' }), x: tensor([4], { dtype: 'int32' }), w: tensor([2, 3], { dtype: 'float64' }) };
  const bytes = serialize(sd, { metadata: { epoch: '3' } });
  const { length, text } = headerOf(bytes);
  assert.is(length % 8, 0);
  assert.ok(/^\{.*\} *$/.test(text));
  const header = JSON.parse(text);
  assert.equal(Object.keys(header), ['__metadata__', 'z', 'y', 'x', 'w']);
  assert.equal(header.__metadata__, { epoch: '3' });
  assert.equal(header.w, { dtype: 'F64', shape: [2], data_offsets: [0, 16] });
  assert.equal(header.y, { dtype: 'F64', shape: [1], data_offsets: [16, 24] });
  assert.equal(header.x, { dtype: 'I32', shape: [1], data_offsets: [24, 28] });
  assert.equal(header.z, { dtype: 'F32', shape: [3], data_offsets: [28, 40] });
  assert.is(bytes.length, 8 + length + 40);
  assert.is(new DataView(bytes.buffer).getFloat64(8 + length + 8, true), 3);
});

test('metadata round-trips; files without metadata give {}', () => {
  const dir = tempDir();
  const path = join(dir, 'm.safetensors');
  save({ w: tensor([1]) }, path, { metadata: { format: 'pt', step: '100' } });
  const { tensors, metadata } = loadWithMetadata(path);
  assert.equal(metadata, { format: 'pt', step: '100' });
  assert.equal(Object.keys(tensors), ['w']);
  assert.equal(deserializeWithMetadata(serialize({ w: tensor([1]) })).metadata, {});
  assert.throws(() => serialize({ w: tensor([1]) }, { metadata: { step: 3 } as never }), /serialize: metadata values must be strings, got number for 'step'/);
  assert.throws(() => serialize({ w: tensor([1]) }, { metadata: [] as never }), /serialize: metadata must be an object of strings/);
  assert.throws(() => serialize({ w: [1] } as never), /serialize: 'w' is not a Tensor \(got Array\)/);
  assert.throws(() => serialize({ __metadata__: tensor([1]) }), /'__metadata__' is reserved/);
  assert.throws(() => serialize(null as never), /serialize: expected an object of tensors, got null/);
  rmSync(dir, { recursive: true });
});

test('loads the reference file written independently from the spec (F32, F64, I32, I64, empty, metadata)', () => {
  const { tensors, metadata } = loadWithMetadata(join(fixtures, 'reference.safetensors'));
  assert.equal(metadata, { format: 'pt', note: 'written by python' });
  assert.equal(Object.keys(tensors), ['fc.bias', 'num_batches_tracked', 'conv.weight', 'empty', 'labels']);
  assert.is(tensors['conv.weight'].dtype, 'float32');
  assert.equal(tensors['conv.weight'].shape, [2, 1, 2, 2]);
  assert.equal(Array.from(tensors['conv.weight'].data), [-1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5]);
  assert.is(tensors['fc.bias'].dtype, 'float64');
  assert.equal(Array.from(tensors['fc.bias'].data), [1 / 3, -2.5, 1e-300]);
  assert.is(tensors.labels.dtype, 'int32');
  assert.equal(Array.from(tensors.labels.data), [-1, 0, 7, 2147483647]);
  assert.is(tensors.num_batches_tracked.dtype, 'int32');
  assert.equal(tensors.num_batches_tracked.shape, []);
  assert.is(tensors.num_batches_tracked.item(), 5);
  assert.equal(tensors.empty.shape, [0, 3]);
});

class LeNetish extends Module {
  features = new Sequential(new Conv2d(1, 3, 3, { padding: 1 }), new BatchNorm2d(3), new ReLU(), new MaxPool2d(2));
  classifier = new Sequential(new Flatten(), new Dropout(0.5), new Linear(3 * 4 * 4, 5));
  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }
}

test('save/load round trip: a fresh model loaded from the file gives bit-identical outputs', () => {
  const dir = tempDir();
  const path = join(dir, 'model.safetensors');
  manualSeed(10);
  const model = new LeNetish();
  const x = randn([4, 1, 8, 8]);
  sum(model.forward(x)).backward(); // a training-mode pass moves the batch-norm running statistics
  save(model.stateDict(), path);
  manualSeed(11);
  const fresh = new LeNetish();
  fresh.loadStateDict(load(path));
  model.eval();
  fresh.eval();
  const a = noGrad(() => model.forward(x));
  const b = noGrad(() => fresh.forward(x));
  sameBits(b, a, 'output');
  assert.is(fresh.stateDict()['features.1.num_batches_tracked'].item(), 1);
  assert.equal(Object.keys(load(path)), Object.keys(model.stateDict()));
  rmSync(dir, { recursive: true });
});

test('save is atomic: the old file is never written in place, no temporary file is left, failures keep the old file', () => {
  const dir = tempDir();
  const path = join(dir, 'ckpt.safetensors');
  save({ w: tensor([1, 2, 3]) }, path);
  const old = readFileSync(path);
  // A hard link sees the original inode: if save wrote into it, the link would change too.
  linkSync(path, join(dir, 'old-link'));
  const inode = statSync(path).ino;
  save({ w: tensor([4, 5, 6]), v: tensor([7]) }, path);
  assert.equal(Array.from(readFileSync(join(dir, 'old-link'))), Array.from(old));
  assert.ok(statSync(path).ino !== inode, 'replaced by rename');
  assert.equal(Array.from(load(path).w.data), [4, 5, 6]);
  assert.equal(readdirSync(dir).sort(), ['ckpt.safetensors', 'old-link']);

  const current = readFileSync(path);
  assert.throws(() => save({ w: 'nope' } as never, path), /serialize: 'w' is not a Tensor/);
  assert.equal(Array.from(readFileSync(path)), Array.from(current));
  assert.throws(() => save({ w: tensor([1]) }, join(dir, 'missing-folder', 'x.safetensors')), /save: could not write .*missing-folder.*x\.safetensors: ENOENT/);
  // saving onto a path that is a folder fails at the rename; the temporary file is removed
  assert.throws(() => save({ w: tensor([1]) }, dir), /save: could not write/);
  assert.equal(readdirSync(dir).sort(), ['ckpt.safetensors', 'old-link']);
  assert.throws(() => save({ w: tensor([1]) }, '' as never), /save: expected a file path/);
  rmSync(dir, { recursive: true });
});

test('corrupt and truncated files are rejected with a message naming the file and the problem', () => {
  const dir = tempDir();
  const good = serialize({ a: tensor([1, 2, 3, 4]), b: tensor([5, 6], { dtype: 'float64' }) });
  const f32 = (n: number): Uint8Array => new Uint8Array(4 * n);
  const cases: [string, Uint8Array, RegExp][] = [
    ['tiny', new Uint8Array([1, 2, 3]), /it has 3 bytes, fewer than the 8-byte header length/],
    ['truncated-header', good.subarray(0, 20), /the header length \d+ exceeds the 12 bytes after it \(truncated file\?\)/],
    ['truncated-data', good.subarray(0, good.length - 5), /ends at byte \d+ of the data section but the data section has \d+ bytes \(truncated file\?\)/],
    ['huge-length', craft('{}', new Uint8Array(0), 2n ** 63n), /the header length 9223372036854775808 exceeds/],
    ['not-json', craft('{"a": [1, 2'), /the header is not valid JSON/],
    ['not-object', craft('[1, 2]  '), /must be a JSON object starting with '\{'/],
    ['null-in-braces', craft('{} {}'), /not valid JSON/],
    ['unknown-dtype', craft({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, f32(1)), /'a' has dtype "F16"; supported are F64, F32, I32, BOOL, I64/],
    ['negative-shape', craft({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32(1)), /'a' has shape \[-1\], not a list of non-negative integers/],
    ['fraction-shape', craft({ a: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } }, f32(1)), /'a' has shape \[1\.5\]/],
    ['bad-offsets', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, f32(1)), /'a' has data_offsets \[0\], not a pair/],
    ['reversed-offsets', craft({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1)), /data_offsets \[4, 0\] with begin after end/],
    ['size-mismatch', craft({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 8] } }, f32(2)), /'a' has shape \[2\] and dtype F64, which need 16 bytes, but its data_offsets span 8/],
    ['overlap', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(3)), /'b' overlaps the tensor before it/],
    ['gap', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32(3)), /there is a gap before 'b'/],
    ['trailing-bytes', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(3)), /the tensors cover 4 bytes but the data section has 12/],
    ['entry-not-object', craft({ a: 3 }), /the entry for 'a' is not an object/],
    ['bad-metadata', craft({ __metadata__: { n: 1 } }), /__metadata__ value for 'n' must be a string, got number/],
    ['metadata-array', craft({ __metadata__: [] }), /__metadata__ must be an object of strings/],
    ['i64-overflow', craft({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array([0, 0, 0, 0, 1, 0, 0, 0])), /'a' is I64 and holds 4294967296, which does not fit in int32/],
  ];
  // invalid UTF-8 needs raw bytes
  const badUtf8 = craft('{"x":1}');
  badUtf8[9] = 0xff;
  cases.push(['bad-utf8-raw', badUtf8, /the header is not valid UTF-8/]);
  for (const [name, bytes, pattern] of cases) {
    const path = join(dir, `${name}.safetensors`);
    writeFileSync(path, bytes);
    let message = '';
    try {
      load(path);
    } catch (e) {
      message = (e as Error).message;
    }
    assert.ok(message.startsWith(`safetensors: ${path} is not a valid safetensors file: `), `${name}: ${message}`);
    assert.match(message, pattern, name);
    assert.throws(() => deserialize(bytes), /safetensors: buffer is not a valid safetensors file/, name);
  }
  assert.throws(() => load(join(dir, 'absent.safetensors')), /load: could not read .*absent\.safetensors: ENOENT/);
  assert.throws(() => deserialize('abc' as never), /deserialize: expected a Uint8Array, got string/);
  assert.throws(() => load(3 as never), /load: expected a file path, got number/);
  rmSync(dir, { recursive: true });
});

test('loading a checkpoint of another architecture lists what does not fit', () => {
  const sd = deserialize(serialize(new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2)).stateDict()));
  const other = new Sequential(new Linear(4, 6), new ReLU(), new Linear(6, 2), new ReLU());
  assert.throws(() => other.loadStateDict(sd), /size mismatch for '0\.weight': checkpoint has shape \[3, 4\], this module has \[6, 4\]/);
  const deeper = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2), new ReLU(), new Linear(2, 2));
  assert.throws(() => deeper.loadStateDict(sd), /missing keys: '4\.weight', '4\.bias'/);
});

test.run();

import { Tensor, formatShape, positionalOptions, type DType, type TypedArray } from '@torchlet/core';
import { describe } from './parameter.js';

/**
 * State dicts as the bytes of the safetensors format (https://github.com/huggingface/safetensors), readable by PyTorch's
 * `safetensors.torch.load_file` (file paths: save and load in serialization-files.ts, Node only):
 *
 *   8 bytes  little-endian u64 N, the header length
 *   N bytes  JSON: { "__metadata__"?: {string: string}, name: {dtype, shape, data_offsets: [begin, end]}, ... }
 *            padded with spaces to a multiple of 8
 *   rest     the tensors' raw little-endian bytes; offsets are relative to the start of this section
 *
 * Order: the header lists tensors in state-dict order, and loading returns them in header order, so a state
 * dict survives a round trip unchanged (JavaScript objects list integer-like keys such as '2' first anyway). The data section is laid out as the reference writer does (larger
 * dtypes first, then by name), which keeps every tensor aligned to its element size.
 */

export type Metadata = Record<string, string>;

interface FileDType {
  dtype: DType;
  bytes: number;
}

const FILE_DTYPES: Record<string, FileDType> = {
  F64: { dtype: 'float64', bytes: 8 },
  F32: { dtype: 'float32', bytes: 4 },
  I32: { dtype: 'int32', bytes: 4 },
  // one byte per element, 0 or 1, as PyTorch's safetensors writes torch.bool
  BOOL: { dtype: 'bool', bytes: 1 },
  // PyTorch stores integer buffers such as num_batches_tracked as int64; read into int32 when they fit.
  I64: { dtype: 'int32', bytes: 8 },
};

const DTYPE_NAMES: Record<DType, string> = { float64: 'F64', float32: 'F32', int32: 'I32', bool: 'BOOL' };

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Options of `serialize` and `save`. */
export interface SerializeOptions {
  /** String key-value pairs stored in the header's __metadata__. */
  metadata?: Metadata;
}

/** The bytes of a safetensors file holding `stateDict` (and `metadata`, if given). */
export function serialize(stateDict: Record<string, Tensor>, options?: SerializeOptions, ...extra: never[]): Uint8Array {
  return serializeAs('serialize', stateDict, [options, ...extra]);
}

/** serialize under the name of the function the user called (save or serialize), its options checked. */
export function serializeAs(op: string, stateDict: Record<string, Tensor>, rest: readonly unknown[]): Uint8Array {
  const { metadata } = positionalOptions<SerializeOptions>(op, rest, [], ['metadata']);
  if (stateDict === null || typeof stateDict !== 'object') throw new TypeError(`serialize: expected an object of tensors, got ${describe(stateDict)}`);
  const entries = Object.entries(stateDict);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new TypeError(`serialize: '${name}' is not a Tensor (got ${describe(t)})`);
    if (name === '__metadata__') throw new Error("serialize: '__metadata__' is reserved and cannot name a tensor");
  }
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw new TypeError(`serialize: metadata must be an object of strings, got ${describe(metadata)}`);
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`serialize: metadata values must be strings, got ${typeof v} for '${k}'`);
    }
  }

  const itemBytes = (t: Tensor): number => t.data.BYTES_PER_ELEMENT;
  const layout = [...entries].sort(([an, a], [bn, b]) => itemBytes(b) - itemBytes(a) || (an < bn ? -1 : an > bn ? 1 : 0));
  const offsets = new Map<string, [number, number]>();
  let dataLength = 0;
  for (const [name, t] of layout) {
    offsets.set(name, [dataLength, dataLength + t.data.byteLength]);
    dataLength += t.data.byteLength;
  }
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  for (const [name, t] of entries) header[name] = { dtype: DTYPE_NAMES[t.dtype], shape: t.shape, data_offsets: offsets.get(name) };
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const headerBytes = new Uint8Array(padded).fill(0x20);
  headerBytes.set(json);
  json = headerBytes;

  const out = new Uint8Array(8 + padded + dataLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  const base = 8 + padded;
  for (const [name, t] of layout) writeLittleEndian(t, out, base + offsets.get(name)![0]);
  return out;
}

function writeLittleEndian(t: Tensor, out: Uint8Array, at: number): void {
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + at, t.data.byteLength);
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (t.dtype === 'float64') view.setFloat64(i * 8, d[i], true);
    else if (t.dtype === 'float32') view.setFloat32(i * 4, d[i], true);
    else if (t.dtype === 'int32') view.setInt32(i * 4, d[i], true);
    else view.setUint8(i, d[i]);
  }
}

/** Options of `deserialize`. */
export interface DeserializeOptions {
  /** Names the source (a file path) in error messages. */
  source?: string;
}

/** The tensors of a safetensors file, in header order, and its metadata ({} when there is none). */
export function deserializeWithMetadata(bytes: Uint8Array, options?: DeserializeOptions, ...extra: never[]): { tensors: Record<string, Tensor>; metadata: Metadata } {
  return deserializeAs('deserializeWithMetadata', bytes, [options, ...extra]);
}

/** deserializeWithMetadata under the name of the function the user called, its options checked. */
export function deserializeAs(op: string, bytes: Uint8Array, rest: readonly unknown[]): { tensors: Record<string, Tensor>; metadata: Metadata } {
  const { source = 'buffer' } = positionalOptions<DeserializeOptions>(op, rest, [], ['source']);
  const fail = (why: string): never => {
    throw new Error(`safetensors: ${source} is not a valid safetensors file: ${why}`);
  };
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`deserialize: expected a Uint8Array, got ${describe(bytes)}`);
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) fail(`the header length ${headerLength} exceeds the ${bytes.length - 8} bytes after it (truncated file?)`);
  const n = Number(headerLength);
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`the header must be a JSON object starting with '{', got ${JSON.stringify(text.slice(0, 20))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('the header is not a JSON object');
  const fields = header as Record<string, unknown>;
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;

  const metadata: Metadata = {};
  if (Object.hasOwn(fields, '__metadata__')) {
    const m = fields.__metadata__;
    if (m === null || typeof m !== 'object' || Array.isArray(m)) fail('__metadata__ must be an object of strings');
    for (const [k, v] of Object.entries(m as object)) {
      if (typeof v !== 'string') fail(`__metadata__ value for '${k}' must be a string, got ${typeof v}`);
      metadata[k] = v as string;
    }
  }

  interface Entry { name: string; fileDType: FileDType; dtypeName: string; shape: number[]; begin: number; end: number }
  const entries: Entry[] = [];
  for (const name of Object.keys(fields)) {
    if (name === '__metadata__') continue;
    const info = fields[name];
    if (info === null || typeof info !== 'object' || Array.isArray(info)) fail(`the entry for '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.hasOwn(FILE_DTYPES, dtype)) {
      fail(`'${name}' has dtype ${JSON.stringify(dtype)}; supported are ${Object.keys(FILE_DTYPES).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`'${name}' has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`'${name}' has data_offsets ${JSON.stringify(offsets)}, not a pair of non-negative integers`);
    }
    const [begin, end] = offsets as number[];
    if (begin > end) fail(`'${name}' has data_offsets [${begin}, ${end}] with begin after end`);
    if (end > dataLength) fail(`'${name}' ends at byte ${end} of the data section but the data section has ${dataLength} bytes (truncated file?)`);
    const fileDType = FILE_DTYPES[dtype as string];
    const numel = (shape as number[]).reduce((a, b) => a * b, 1);
    if (numel * fileDType.bytes !== end - begin) {
      fail(`'${name}' has shape ${formatShape(shape as number[])} and dtype ${dtype as string}, which need ${numel * fileDType.bytes} bytes, but its data_offsets span ${end - begin}`);
    }
    entries.push({ name, fileDType, dtypeName: dtype as string, shape: shape as number[], begin, end });
  }

  // The tensors must tile the data section exactly: no gaps, no overlaps, nothing after the last one.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of byOffset) {
    if (e.begin !== expected) {
      fail(e.begin < expected ? `'${e.name}' overlaps the tensor before it (begins at ${e.begin}, expected ${expected})` : `there is a gap before '${e.name}' (begins at ${e.begin}, expected ${expected})`);
    }
    expected = e.end;
  }
  if (expected !== dataLength) fail(`the tensors cover ${expected} bytes but the data section has ${dataLength} (the file size does not match the header)`);

  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    tensors[e.name] = new Tensor(readLittleEndian(raw, e, fail), e.shape);
  }
  return { tensors, metadata };
}

function readLittleEndian(raw: Uint8Array, e: { name: string; fileDType: FileDType; dtypeName: string }, fail: (why: string) => never): TypedArray {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const count = raw.byteLength / e.fileDType.bytes;
  if (e.dtypeName === 'I64') {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const v = view.getBigInt64(i * 8, true);
      if (v > 2147483647n || v < -2147483648n) fail(`'${e.name}' is I64 and holds ${v}, which does not fit in int32`);
      out[i] = Number(v);
    }
    return out;
  }
  if (e.dtypeName === 'BOOL') {
    const out = raw.slice();
    const bad = out.findIndex((v) => v > 1);
    if (bad >= 0) fail(`'${e.name}' is BOOL and holds ${out[bad]} at element ${bad}; a bool is stored as 0 or 1`);
    return out;
  }
  const Ctor = e.dtypeName === 'F64' ? Float64Array : e.dtypeName === 'F32' ? Float32Array : Int32Array;
  const out = new Ctor(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(raw);
  } else {
    for (let i = 0; i < count; i++) {
      out[i] = e.dtypeName === 'F64' ? view.getFloat64(i * 8, true) : e.dtypeName === 'F32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
    }
  }
  return out;
}

/** The tensors of a safetensors file, in header order. */
export function deserialize(bytes: Uint8Array, options?: DeserializeOptions, ...extra: never[]): Record<string, Tensor> {
  return deserializeAs('deserialize', bytes, [options, ...extra]).tensors;
}

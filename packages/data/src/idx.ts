import { gunzipSync } from 'fflate';

/**
 * The IDX format of MNIST, Fashion-MNIST and KMNIST: two zero bytes, a dtype code, the number of dimensions,
 * one big-endian u32 size per dimension, then the elements in row-major order, big-endian.
 */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
/** The typed arrays an IDX file decodes to, one per IDX element type. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An IDX file's contents: element type, shape and data. */
export interface IdxArray {
  dtype: IdxDType;
  shape: number[];
  data: IdxData;
}

interface IdxType {
  dtype: IdxDType;
  code: number;
  bytes: number;
  ArrayType: new (length: number) => IdxData;
}

const TYPES: readonly IdxType[] = [
  { dtype: 'uint8', code: 0x08, bytes: 1, ArrayType: Uint8Array },
  { dtype: 'int8', code: 0x09, bytes: 1, ArrayType: Int8Array },
  { dtype: 'int16', code: 0x0b, bytes: 2, ArrayType: Int16Array },
  { dtype: 'int32', code: 0x0c, bytes: 4, ArrayType: Int32Array },
  { dtype: 'float32', code: 0x0d, bytes: 4, ArrayType: Float32Array },
  { dtype: 'float64', code: 0x0e, bytes: 8, ArrayType: Float64Array },
];

const hex = (b: number) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses IDX bytes, raw or gzip-compressed (recognised by their first bytes, gunzipped by fflate, in Node and in the
 * browser alike); `source` names them in errors. Checks the header against the length exactly. readIdx (the Node
 * entry) reads a file by path with it.
 */
export function parseIdx(bytes: Uint8Array, source = 'the IDX buffer'): IdxArray {
  return parseIdxAs('parseIdx', bytes, source);
}

/** parseIdx under the name of the function the user called (readIdx, decodeIdx), for its errors. */
export function parseIdxAs(op: string, bytes: Uint8Array, source: string): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${op}: expected the bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new Error(`${op}: ${source} starts like gzip (1f 8b) but cannot be decompressed: ${(err as Error).message}`);
    }
  }
  if (bytes.length < 4) throw new Error(`${op}: ${source} is truncated: ${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${op}: ${source} is not an IDX file: expected the magic number to start with 0x00 0x00, got ${hex(bytes[0])} ${hex(bytes[1])}`);
  }
  const type = TYPES.find((t) => t.code === bytes[2]);
  if (!type) {
    throw new Error(`${op}: ${source} has unknown IDX dtype code ${hex(bytes[2])} (expected 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float or 0x0E double)`);
  }
  const ndim = bytes[3];
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`${op}: ${source} is truncated: its header declares ${ndim} dimensions (${headerBytes} bytes) but the file has ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let numel = 1;
  for (let d = 0; d < ndim; d++) {
    shape.push(view.getUint32(4 + 4 * d, false));
    numel *= shape[d];
  }
  const dataBytes = numel * type.bytes;
  const present = bytes.length - headerBytes;
  const described = `shape [${shape.join(', ')}] of ${type.dtype} (${dataBytes} data bytes)`;
  if (present < dataBytes) throw new Error(`${op}: ${source} is truncated: its header says ${described} but only ${present} bytes follow`);
  if (present > dataBytes) throw new Error(`${op}: ${source} has ${present - dataBytes} bytes too many: its header says ${described} but ${present} bytes follow`);

  const data = new type.ArrayType(numel);
  if (type.bytes === 1) {
    new Uint8Array(data.buffer).set(bytes.subarray(headerBytes));
  } else {
    readBigEndian(view, headerBytes, type.dtype, data);
  }
  return { dtype: type.dtype, shape, data };
}

function readBigEndian(view: DataView, offset: number, dtype: IdxDType, out: IdxData): void {
  const n = out.length;
  if (dtype === 'int16') for (let i = 0; i < n; i++) out[i] = view.getInt16(offset + 2 * i, false);
  else if (dtype === 'int32') for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, false);
  else if (dtype === 'float32') for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, false);
  else for (let i = 0; i < n; i++) out[i] = view.getFloat64(offset + 8 * i, false);
}

/** parseIdx under its earlier name. */
export function decodeIdx(bytes: Uint8Array, source = 'the IDX buffer'): IdxArray {
  return parseIdxAs('decodeIdx', bytes, source);
}

/** Encodes an array as IDX bytes (the inverse of parseIdx, uncompressed). */
export function encodeIdx(array: IdxArray): Uint8Array {
  const { dtype, shape, data } = array;
  const type = TYPES.find((t) => t.dtype === dtype);
  if (!type) throw new Error(`writeIdx: unknown dtype ${JSON.stringify(dtype)} (expected ${TYPES.map((t) => t.dtype).join(', ')})`);
  if (!(data instanceof type.ArrayType)) {
    throw new Error(`writeIdx: dtype ${dtype} needs a ${type.ArrayType.name}, got ${data?.constructor?.name}`);
  }
  if (shape.length > 255 || shape.some((d) => !Number.isInteger(d) || d < 0 || d >= 2 ** 32)) {
    throw new Error(`writeIdx: shape [${shape.join(', ')}] cannot be stored in IDX (at most 255 dimensions of u32 sizes)`);
  }
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel !== data.length) throw new Error(`writeIdx: shape [${shape.join(', ')}] needs ${numel} elements but data has ${data.length}`);
  const headerBytes = 4 + 4 * shape.length;
  const bytes = new Uint8Array(headerBytes + numel * type.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = type.code;
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const o = headerBytes;
  if (type.bytes === 1) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.length), o);
  else if (dtype === 'int16') for (let i = 0; i < numel; i++) view.setInt16(o + 2 * i, data[i], false);
  else if (dtype === 'int32') for (let i = 0; i < numel; i++) view.setInt32(o + 4 * i, data[i], false);
  else if (dtype === 'float32') for (let i = 0; i < numel; i++) view.setFloat32(o + 4 * i, data[i], false);
  else for (let i = 0; i < numel; i++) view.setFloat64(o + 8 * i, data[i], false);
  return bytes;
}

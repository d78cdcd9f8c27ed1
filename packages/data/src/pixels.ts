const UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/** Writes pixels 0..255 into `out` from `offset` as float32 in [0, 1], through a table (b / 255 rounded to float32). */
export function bytesToUnitInto(bytes: Uint8Array, out: Float32Array, offset: number): void {
  for (let i = 0; i < bytes.length; i++) out[offset + i] = UNIT[bytes[i]];
}

export function bytesToUnit(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  bytesToUnitInto(bytes, out, 0);
  return out;
}

import { Tensor } from '@torchlet/core';
import { ImageDataset } from './dataset.js';
import { bytesToUnitInto } from './pixels.js';

/** CIFAR-10's class names, in label order. */
export const cifar10Classes: readonly string[] = Object.freeze([
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
]);

const PIXELS = 3 * 32 * 32;
const RECORD = 1 + PIXELS;

/** One CIFAR-10 binary batch: its bytes and the name its errors give it (a path, a URL). */
export interface Cifar10Batch {
  name: string;
  bytes: Uint8Array;
}

/**
 * CIFAR-10 from the bytes of its binary batches (data_batch_1..5.bin for training, test_batch.bin for test), as
 * fetched or read by the caller: each record is one label byte and 3,072 pixel bytes (red, green, blue planes of
 * 32x32). Images are float32 [N, 3, 32, 32] in [0, 1], labels int32 [N]. In Node, cifar10({ dir }) reads the folder.
 */
export function parseCifar10(batches: readonly (Uint8Array | Cifar10Batch)[]): ImageDataset {
  return cifar10Dataset('parseCifar10', batches);
}

export function cifar10Dataset(op: string, batches: readonly (Uint8Array | Cifar10Batch)[]): ImageDataset {
  if (!Array.isArray(batches) || batches.length === 0) throw new TypeError(`${op}: expected a non-empty array of batches (Uint8Array), got ${typeof batches}`);
  const named = batches.map((b, i) => (b instanceof Uint8Array ? { name: `batch ${i}`, bytes: b } : b));
  for (const { name, bytes } of named) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`${op}: ${name} is not a Uint8Array`);
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      throw new Error(`${op}: ${name} has ${bytes.length} bytes, which is not a whole number of ${RECORD}-byte records (1 label + ${PIXELS} pixels)`);
    }
  }
  const n = named.reduce((sum, b) => sum + b.bytes.length / RECORD, 0);
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  let start = 0;
  for (const { name, bytes } of named) {
    const count = bytes.length / RECORD;
    for (let r = 0; r < count; r++) {
      const label = bytes[r * RECORD];
      if (label >= cifar10Classes.length) throw new Error(`${op}: ${name} has label ${label} in record ${r}, expected 0..9`);
      y[start + r] = label;
      bytesToUnitInto(bytes.subarray(r * RECORD + 1, (r + 1) * RECORD), x, (start + r) * PIXELS);
    }
    start += count;
  }
  return new ImageDataset(new Tensor(x, [n, 3, 32, 32]), new Tensor(y, [n]), cifar10Classes);
}

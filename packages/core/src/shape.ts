/** Shape arithmetic shared by ops; no tensors here. */

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A shape as error messages print it, e.g. `[2, 3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** NumPy/PyTorch broadcasting of two shapes; null when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Resolves a possibly negative dim against a rank, or throws naming the op. */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new Error(`${op}: dim ${dim} is out of range for a tensor with ${ndim} dimension(s) (expected an integer in [${lo}, ${hi}])`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

export function normalizeDims(op: string, dims: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (dims === null || dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const out = list.map((d) => normalizeDim(op, d, ndim));
  if (new Set(out).size !== out.length) throw new Error(`${op}: dim ${JSON.stringify(dims)} repeats a dimension`);
  return out.sort((x, y) => x - y);
}

export function checkShape(op: string, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) throw new Error(`${op}: expected a shape (array of non-negative integers), got ${typeof shape}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: expected a shape of non-negative integers, got ${formatShape(shape)}`);
  }
  return [...shape];
}

/** A size given once for both spatial dims, or as [height, width]. */
export type IntPair = number | readonly [number, number];

/** Reads a number-or-pair option as [h, w], checking it is integers of at least `min`. */
export function intPair(op: string, name: string, value: IntPair, min: number): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= min)) {
    const what = min > 0 ? 'positive integers' : 'non-negative integers';
    throw new Error(`${op}: ${name} must be ${what} (a number or [h, w]), got ${JSON.stringify(value)}`);
  }
  return [pair[0], pair[1]];
}

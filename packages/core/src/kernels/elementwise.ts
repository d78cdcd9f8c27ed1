import type { TypedArray } from '../dtype.js';

/**
 * Binary elementwise kernels with NumPy broadcasting. The output is walked row by row over its last dimension;
 * each input steps through that row with stride 0 (broadcast) or 1. Each op has its own loop: a per-element
 * callback would make the hot loops megamorphic.
 */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow' | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export function binaryBroadcast(
  op: BinaryOp,
  a: TypedArray,
  aShape: readonly number[],
  b: TypedArray,
  bShape: readonly number[],
  out: TypedArray,
  outShape: readonly number[],
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n) {
    binaryRow(op, a, 0, 1, b, 0, 1, out, 0, n);
    return;
  }
  const nd = outShape.length;
  const aStr = broadcastStrides(aShape, outShape);
  const bStr = broadcastStrides(bShape, outShape);
  const inner = outShape[nd - 1];
  const sa = aStr[nd - 1];
  const sb = bStr[nd - 1];
  const rows = n / inner;
  const idx = new Array<number>(nd).fill(0);
  let ia = 0;
  let ib = 0;
  for (let r = 0; r < rows; r++) {
    binaryRow(op, a, ia, sa, b, ib, sb, out, r * inner, inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      ia += aStr[d];
      ib += bStr[d];
      if (idx[d] < outShape[d]) break;
      ia -= aStr[d] * outShape[d];
      ib -= bStr[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/** Strides of `shape` read as broadcast to `outShape` (0 where broadcast). */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const nd = outShape.length;
  const strides = new Array<number>(nd).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = nd - shape.length + i;
    strides[d] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

function binaryRow(
  op: BinaryOp,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  o: TypedArray,
  io: number,
  n: number,
): void {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] + b[ib + i * sb];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] - b[ib + i * sb];
      return;
    case 'mul':
      if (o instanceof Int32Array) {
        // exact 32-bit wrapping, as PyTorch's int32: the float64 product loses low bits past 2^53 before wrapping
        for (let i = 0; i < n; i++) o[io + i] = Math.imul(a[ia + i * sa], b[ib + i * sb]);
        return;
      }
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] * b[ib + i * sb];
      return;
    case 'div':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] / b[ib + i * sb];
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) {
        const x = a[ia + i * sa];
        const y = b[ib + i * sb];
        o[io + i] = x !== x || y !== y ? NaN : x >= y ? x : y;
      }
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) {
        const x = a[ia + i * sa];
        const y = b[ib + i * sb];
        o[io + i] = x !== x || y !== y ? NaN : x <= y ? x : y;
      }
      return;
    case 'pow':
      if (o instanceof Int32Array) {
        for (let i = 0; i < n; i++) o[io + i] = int32Pow(a[ia + i * sa], b[ib + i * sb]);
        return;
      }
      for (let i = 0; i < n; i++) o[io + i] = powC(a[ia + i * sa], b[ib + i * sb]);
      return;
    case 'eq':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] === b[ib + i * sb] ? 1 : 0;
      return;
    case 'ne':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] !== b[ib + i * sb] ? 1 : 0;
      return;
    case 'gt':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] > b[ib + i * sb] ? 1 : 0;
      return;
    case 'ge':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] >= b[ib + i * sb] ? 1 : 0;
      return;
    case 'lt':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] < b[ib + i * sb] ? 1 : 0;
      return;
    case 'le':
      for (let i = 0; i < n; i++) o[io + i] = a[ia + i * sa] <= b[ib + i * sb] ? 1 : 0;
      return;
  }
}

/** C's (and so PyTorch's) pow where JavaScript's differs: 1^y is 1 for every y, NaN included, and (-1)^±Infinity is 1. */
export function powC(base: number, exponent: number): number {
  if (base === 1 || (base === -1 && (exponent === Infinity || exponent === -Infinity))) return 1;
  return Math.pow(base, exponent);
}

/**
 * base^exponent wrapped to 32 bits exactly, as PyTorch's int32 pow (7^40 is -142118463): squaring with Math.imul, since
 * Math.pow rounds past 2^53 before the wrap. The op has refused negative exponents.
 */
function int32Pow(base: number, exponent: number): number {
  let result = 1;
  let b = base | 0;
  for (let e = exponent; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = Math.imul(result, b);
    b = Math.imul(b, b);
  }
  return result;
}

/** Copies `src` (of `shape`) broadcast to `outShape` into `out`. */
export function broadcastTo(src: TypedArray, shape: readonly number[], out: TypedArray, outShape: readonly number[]): void {
  const nd = outShape.length;
  if (out.length === 0) return;
  if (nd === 0) {
    out[0] = src[0];
    return;
  }
  const str = broadcastStrides(shape, outShape);
  const inner = outShape[nd - 1];
  const s = str[nd - 1];
  const rows = out.length / inner;
  const idx = new Array<number>(nd).fill(0);
  let is = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * inner;
    for (let i = 0; i < inner; i++) out[base + i] = src[is + i * s];
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      is += str[d];
      if (idx[d] < outShape[d]) break;
      is -= str[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/**
 * where: out = a where c is nonzero (NaN counts as nonzero, as in PyTorch), b elsewhere; mask records 1 where a was
 * taken. All operands already at the output's length.
 */
export function whereLoop(c: TypedArray, a: TypedArray, b: TypedArray, out: TypedArray, mask: Int32Array): void {
  for (let i = 0; i < out.length; i++) {
    const take = c[i] !== 0;
    mask[i] = take ? 1 : 0;
    out[i] = take ? a[i] : b[i];
  }
}

/** out[i] = 1 where x[i] is nonzero (NaN too), else 0: the cast to bool, as PyTorch's. */
export function nonzeroLoop(x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = x[i] !== 0 ? 1 : 0;
}

/** Elementwise logic on 0/1 values (both operands already bool, at the output's length). */
export type LogicalOp = 'and' | 'or' | 'xor';

/** out = a op b on bool storage; the operands are 0/1, so the bitwise operators are the logical ones. */
export function logicalLoop(op: LogicalOp, a: TypedArray, b: TypedArray, out: TypedArray): void {
  switch (op) {
    case 'and':
      for (let i = 0; i < out.length; i++) out[i] = a[i] & b[i];
      return;
    case 'or':
      for (let i = 0; i < out.length; i++) out[i] = a[i] | b[i];
      return;
    case 'xor':
      for (let i = 0; i < out.length; i++) out[i] = a[i] ^ b[i];
      return;
  }
}

/** out = g where mask equals keep, 0 elsewhere: where's gradient for one operand. */
export function maskedCopy(mask: Int32Array, keep: 0 | 1, g: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = mask[i] === keep ? g[i] : 0;
}

/**
 * The gradient of maximum (sign 1) or minimum (sign -1) for the operand `self`, as PyTorch's rule: all of g where
 * self was chosen, half on ties, 0 where the other won. NaN comparisons are false, so NaN passes the gradient on.
 */
export function extremumShareLoop(self: TypedArray, other: TypedArray, g: TypedArray, sign: 1 | -1, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) {
    const x = self[i];
    const y = other[i];
    out[i] = x === y ? 0.5 * g[i] : sign * x < sign * y ? 0 : g[i];
  }
}

/** out = x · mask, each mask value covering `unitSize` consecutive elements (dropout). */
export function applyUnitMask(x: TypedArray, mask: TypedArray, unitSize: number, out: TypedArray): void {
  for (let u = 0; u < mask.length; u++) {
    const m = mask[u];
    const base = u * unitSize;
    for (let k = 0; k < unitSize; k++) out[base + k] = x[base + k] * m;
  }
}

/** Dropout's mask: scale where a draw of `random()` is below keep, 0 elsewhere. With keep = 0 no draw is below it. */
export function keepMask(random: () => number, keep: number, scale: number, mask: TypedArray): void {
  for (let u = 0; u < mask.length; u++) mask[u] = random() < keep ? scale : 0;
}

/** a += b elementwise (same lengths): the tape's in-place gradient sum. */
export function addInto(a: TypedArray, b: TypedArray): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

/** out = a + b elementwise (same lengths). */
export function addArrays(a: TypedArray, b: TypedArray, out: TypedArray): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
}

/** out[o] += Σ_r g[r, o] over rows of g [rows, O]: a bias gradient, summed in the output's precision. */
export function sumRowsInto(g: TypedArray, rows: number, O: number, out: TypedArray): void {
  for (let r = 0; r < rows; r++) for (let o = 0; o < O; o++) out[o] += g[r * O + o];
}

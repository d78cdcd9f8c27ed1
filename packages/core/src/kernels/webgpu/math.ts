import type { DType } from '../../dtype.js';
import type { MathBinaryOp, MathUnaryOp } from '../cpu/math.js';
import { axisView } from '../reduce.js';
import { runBroadcast } from './broadcast.js';
import { broadcastTo } from './elementwise.js';
import { DeviceTensor, deviceDType } from './storage.js';
import { PRELUDE, bindings, contextOf, f32Bits, perItem, runPerItem, wgslType } from './wgsl.js';

/**
 * The WebGPU backend's entries for issue 13's math (kernels/cpu/math.ts's): elementwise functions, rounding, the
 * binary functions, cumulative sums and products along a dim, and argsort (one thread per line, a stable insertion
 * sort: right for the short lines of tests and small models, quadratic in the line's length). Computed in float32.
 */

/** Functions WGSL lacks, written to keep float32's relative accuracy (special values tested on the bits). */
const HELPERS = /* wgsl */ `
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
fn isInf(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) == 0x7f800000u; }
fn nanValue() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn logC(x: f32) -> f32 {
  if (x < 0.0) { return nanValue(); }
  if (x == 0.0) { var bits = 0xff800000u; return bitcast<f32>(bits); }
  return log(x);
}
fn log1pC(x: f32) -> f32 {
  if (abs(x) < 0.25) { // 2·atanh(s) with s = x / (2 + x): a GPU's log near 1 may be accurate only in absolute terms
    let s = x / (2.0 + x);
    let s2 = s * s;
    return 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 / 11.0)))));
  }
  return logC(1.0 + x);
}
fn expm1C(x: f32) -> f32 {
  if (abs(x) < 0.5) { // Taylor to x^9/9!, so small x keep their relative accuracy
    return x * (1.0 + x * (1.0 / 2.0 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0
      + x * (1.0 / 5040.0 + x * (1.0 / 40320.0 + x / 362880.0))))))));
  }
  return exp(x) - 1.0;
}
// SwiftShader's (and Vulkan's minimum) sin/cos are accurate to 2^-11 absolute and atan to 4096 ulp: these are
// Cephes' float32 sinf/cosf (Cody-Waite reduction by π/4) and atanf instead, accurate to a few ulp for |x| < 8192.
fn sinCosReduced(x: f32, wantCos: bool) -> f32 {
  var j = u32(floor(x * 1.2732395447351628));
  var y = f32(j);
  if ((j & 1u) == 1u) { j += 1u; y += 1.0; }
  j = j & 7u;
  var s = 1.0;
  if (j > 3u) { s = -s; j -= 4u; }
  if (wantCos && j > 1u) { s = -s; }
  let r = ((x - y * 0.78515625) - y * 2.4187564849853515625e-4) - y * 3.77489497744594108e-8;
  let z = r * r;
  let sinPoly = ((-1.9515295891e-4 * z + 8.3321608736e-3) * z - 1.6666654611e-1) * z * r + r;
  let cosPoly = ((2.443315711809948e-5 * z - 1.388731625493765e-3) * z + 4.166664568298827e-2) * z * z - 0.5 * z + 1.0;
  let useCos = (j == 1u || j == 2u) != wantCos;
  return s * select(sinPoly, cosPoly, useCos);
}
fn sinC(x: f32) -> f32 {
  if (isInf(x) || isNan(x)) { return nanValue(); }
  return sign(x) * sinCosReduced(abs(x), false) + select(0.0, x, x == 0.0);
}
fn cosC(x: f32) -> f32 {
  if (isInf(x) || isNan(x)) { return nanValue(); }
  return sinCosReduced(abs(x), true);
}
fn atanC(v: f32) -> f32 {
  if (isNan(v)) { return v; }
  var x = abs(v);
  var y = 0.0;
  if (x > 2.414213562373095) { y = 1.5707963267948966; x = -1.0 / x; }
  else if (x > 0.4142135623730950) { y = 0.7853981633974483; x = (x - 1.0) / (x + 1.0); }
  let z = x * x;
  y += (((8.05374449538e-2 * z - 1.38776856032e-1) * z + 1.99777106478e-1) * z - 3.33329491539e-1) * z * x + x;
  return select(y, -y, v < 0.0);
}
fn atan2C(a: f32, b: f32) -> f32 {
  if (isNan(a) || isNan(b)) { return nanValue(); }
  var u = a;
  var v = b;
  if (isInf(u) && isInf(v)) { u = sign(u); v = sign(v); }
  let negativeB = (bitcast<u32>(v) & 0x80000000u) != 0u;
  if (v == 0.0) {
    if (u == 0.0) { return select(u, select(3.141592653589793, -3.141592653589793, (bitcast<u32>(u) & 0x80000000u) != 0u), negativeB); }
    return select(1.5707963267948966, -1.5707963267948966, u < 0.0);
  }
  let t = atanC(u / v);
  if (!negativeB) { return t; }
  return t + select(3.141592653589793, -3.141592653589793, u < 0.0 || (u == 0.0 && (bitcast<u32>(u) & 0x80000000u) != 0u));
}
fn asinC(x: f32) -> f32 {
  if (abs(x) > 1.0) { return nanValue(); }
  return atanC(x / sqrt((1.0 - x) * (1.0 + x)));
}
fn acosC(x: f32) -> f32 {
  if (abs(x) > 1.0) { return nanValue(); }
  return 2.0 * atanC(sqrt((1.0 - x) / (1.0 + x)));
}
fn sinhC(x: f32) -> f32 {
  if (abs(x) < 1.0) { let u = expm1C(x); return 0.5 * (u + u / (u + 1.0)); }
  let e = exp(abs(x));
  return sign(x) * 0.5 * (e - 1.0 / e);
}
fn coshC(x: f32) -> f32 {
  let e = exp(abs(x));
  return 0.5 * (e + 1.0 / e);
}
fn asinhC(x: f32) -> f32 {
  let a = abs(x);
  if (a > 1e4) { return sign(x) * (logC(a) + 0.6931471805599453); }
  return sign(x) * log1pC(a + a * a / (1.0 + sqrt(1.0 + a * a))) + select(0.0, x, x == 0.0);
}
fn acoshC(x: f32) -> f32 {
  if (x < 1.0) { return nanValue(); }
  if (x > 1e4) { return logC(x) + 0.6931471805599453; }
  let t = x - 1.0;
  return log1pC(t + sqrt(2.0 * t + t * t));
}
fn atanhC(x: f32) -> f32 {
  if (abs(x) > 1.0) { return nanValue(); }
  return 0.5 * log1pC(2.0 * x / (1.0 - x));
}
fn erfcNonNegative(z: f32) -> f32 { // Numerical Recipes' erfcc: relative error below 1.2e-7
  let t = 1.0 / (1.0 + 0.5 * z);
  return t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807
    + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
}
fn erfC(z: f32) -> f32 {
  let a = abs(z);
  if (a < 0.5) { // Maclaurin series, so small z keep their relative accuracy
    let z2 = z * z;
    return 1.1283791670955126 * z * (1.0 + z2 * (-1.0 / 3.0 + z2 * (1.0 / 10.0 + z2 * (-1.0 / 42.0 + z2 * (1.0 / 216.0 + z2 * (-1.0 / 1320.0))))));
  }
  return sign(z) * (1.0 - erfcNonNegative(a));
}
fn hypotC(a: f32, b: f32) -> f32 {
  if (isInf(a) || isInf(b)) { var bits = 0x7f800000u; return bitcast<f32>(bits); }
  let m = max(abs(a), abs(b));
  if (m == 0.0 || isNan(m)) { return m + a + b; }
  let p = a / m;
  let q = b / m;
  return m * sqrt(p * p + q * q);
}
fn logaddexpC(a: f32, b: f32) -> f32 {
  if (a == b && isInf(a)) { return a; }
  if (isNan(a) || isNan(b)) { return nanValue(); }
  return max(a, b) + log1pC(exp(-abs(a - b)));
}
fn xlogyC(a: f32, b: f32) -> f32 {
  if (isNan(b)) { return b; }
  if (a == 0.0) { return 0.0; }
  return a * logC(b);
}
`;

const UNARY: Record<MathUnaryOp, string> = {
  sin: 'sinC(x)', cos: 'cosC(x)', tan: 'sinC(x) / cosC(x)', asin: 'asinC(x)', acos: 'acosC(x)', atan: 'atanC(x)',
  sinh: 'sinhC(x)', cosh: 'coshC(x)', asinh: 'asinhC(x)', acosh: 'acoshC(x)', atanh: 'atanhC(x)',
  log1p: 'log1pC(x)', expm1: 'expm1C(x)', log2: 'logC(x) * 1.4426950408889634', log10: 'logC(x) * 0.4342944819032518', exp2: 'exp2(x)',
  rsqrt: '1.0 / sqrt(x)', erf: 'erfC(x)', sign: 'select(0.0, 1.0, x > 0.0) - select(0.0, 1.0, x < 0.0)',
  floor: 'floor(x)', ceil: 'ceil(x)', trunc: 'trunc(x)',
};

/** op(x) elementwise into a new tensor of `dtype` (an int32 x is read as float32; an int32 result truncates). */
export function mathUnary(op: MathUnaryOp, x: DeviceTensor, dtype: DType): DeviceTensor {
  const context = contextOf(op, x.dtype, x);
  const to = deviceDType(op, dtype);
  const out = DeviceTensor.empty(context, x.shape, to);
  const [from, into] = [wgslType(x.dtype), wgslType(to)];
  runPerItem(context, `mathUnary:${op}:${from}:${into}`, () => PRELUDE + HELPERS + bindings([['X', from, false], ['O', into, true]]) + perItem(`
  let x = f32(X[i]);
  O[i] = ${into}(${UNARY[op]});`), [x.numel], [x.buffer, out.buffer]);
  return out;
}

/**
 * x rounded to `decimals` places, halves to even (WGSL's round is half-to-even), into a new tensor of x's dtype.
 * The scaling is float32 here (float64 on the CPU), so a value within float32 rounding of a half may round the other way.
 */
export function round(x: DeviceTensor, decimals: number): DeviceTensor {
  const context = contextOf('round', x.dtype, x);
  if (x.dtype === 'int32' && decimals >= 0) return broadcastTo(x, x.shape); // integers are already round: a copy
  contextOf('round', 'float32', x);
  const out = DeviceTensor.empty(context, x.shape, 'float32');
  const scale = 10 ** Math.abs(decimals);
  const body = decimals === 0 ? 'round(x)' : decimals > 0 ? 'round(x * s) / s' : 'round(x / s) * s';
  runPerItem(context, `round:${Math.sign(decimals)}`, () => PRELUDE + bindings([['X', 'f32', false], ['O', 'f32', true]]) + perItem(`
  let x = X[i];
  let s = pf(1u);
  O[i] = ${body};`), [x.numel, f32Bits(scale)], [x.buffer, out.buffer]);
  return out;
}

const BINARY: Record<MathBinaryOp, string> = {
  atan2: 'atan2C(a, b)', hypot: 'hypotC(a, b)', logaddexp: 'logaddexpC(a, b)', xlogy: 'xlogyC(a, b)',
};

/** op(a, b) with a and b broadcast to `shape`, into a new tensor of `dtype`. */
export function mathBinary(op: MathBinaryOp, a: DeviceTensor, b: DeviceTensor, shape: readonly number[], dtype: DType): DeviceTensor {
  const context = contextOf(op, 'float32', a, b);
  const out = DeviceTensor.empty(context, shape, deviceDType(op, dtype));
  runBroadcast(`mathBinary:${op}`, [['A', a], ['B', b]], [['O', out]], shape, `
  let a = A[j0];
  let b = B[j1];
  O[i] = ${BINARY[op]};`, HELPERS);
  return out;
}

/** Running sums (or products) along dim, shaped and typed like x (float32 accumulation; int32 wraps). */
export function cumulative(x: DeviceTensor, dim: number, kind: 'sum' | 'prod'): DeviceTensor {
  const context = contextOf('cumulative', x.dtype, x);
  const type = wgslType(x.dtype);
  const [outer, n, inner] = axisView(x.shape, dim);
  const out = DeviceTensor.empty(context, x.shape, x.dtype);
  runPerItem(context, `cumulative:${kind}:${type}`, () => PRELUDE + bindings([['X', type, false], ['O', type, true]]) + perItem(`
  let n = p[1];
  let inner = p[2];
  let base = (i / inner) * n * inner + i % inner;
  var acc = ${type}(${kind === 'sum' ? 0 : 1});
  for (var k = 0u; k < n; k++) {
    acc = acc ${kind === 'sum' ? '+' : '*'} X[base + k * inner];
    O[base + k * inner] = acc;
  }`), [outer * inner, n, inner], [x.buffer, out.buffer]);
  return out;
}

/** The int32 positions that sort each line along dim (stable; NaN above everything), shaped like x. */
export function argsort(x: DeviceTensor, dim: number, descending: boolean): DeviceTensor {
  const context = contextOf('argsort', x.dtype, x);
  const type = wgslType(x.dtype);
  const [outer, n, inner] = axisView(x.shape, dim);
  const out = DeviceTensor.empty(context, x.shape, 'int32');
  // before(u, v): u sorts strictly before v (NaN is the largest value)
  const before = descending ? 'above(u, v)' : 'above(v, u)';
  runPerItem(context, `argsort:${descending}:${type}`, () => PRELUDE + HELPERS + bindings([['X', type, false], ['O', 'i32', true]]) + `
fn above(u: f32, v: f32) -> bool { return (isNan(u) && !isNan(v)) || u > v; }
` + perItem(`
  let n = p[1];
  let inner = p[2];
  let base = (i / inner) * n * inner + i % inner;
  for (var k = 0u; k < n; k++) {
    let u = f32(X[base + k * inner]);
    var j = k;
    // insertion: move the sorted positions after k's value one place on, so equal values keep their order
    loop {
      if (j == 0u) { break; }
      let v = f32(X[base + u32(O[base + (j - 1u) * inner]) * inner]);
      if (!(${before})) { break; }
      O[base + j * inner] = O[base + (j - 1u) * inner];
      j = j - 1u;
    }
    O[base + j * inner] = i32(k);
  }`), [outer * inner, n, inner], [x.buffer, out.buffer]);
  return out;
}

import type { DType } from '../../dtype.js';
import { numelOf } from '../../shape.js';
import { broadcastStrides } from '../elementwise.js';
import { POW } from './elementwise.js';
import { DeviceTensor, deviceDType } from './storage.js';
import { PRELUDE, bindings, contextOf, perItem, runPerItem, wgslType } from './wgsl.js';

/**
 * The WebGPU backend's entries whose operands broadcast to one shape and whose result is elementwise: where,
 * maximum/minimum's gradient share, pow's gradients, the in-place multiply and dropout's mask (kernels/cpu/*'s
 * entries of those names).
 */

/**
 * Records one kernel over `shape`: thread i reads input k at offset `j<k>` (its broadcast position) and runs `body`,
 * which writes the outputs at i. Inputs and outputs are [WGSL name, tensor]; an output may also be read.
 */
export function runBroadcast(
  key: string, inputs: readonly (readonly [string, DeviceTensor])[], outputs: readonly (readonly [string, DeviceTensor])[],
  shape: readonly number[], body: string, helpers = '',
): void {
  const context = inputs[0][1].context;
  const rank = shape.length;
  const walk = inputs.map((_, k) => `j${k} += idx * p[${2 + (k + 1) * rank}u + d];`).join('\n    ');
  const declared = bindings([
    ...inputs.map(([name, t]) => [name, wgslType(t.dtype), false] as const),
    ...outputs.map(([name, t]) => [name, wgslType(t.dtype), true] as const),
  ]);
  const typesKey = [...inputs, ...outputs].map(([, t]) => t.dtype[0]).join('');
  const params = [numelOf(shape), rank, ...shape, ...inputs.flatMap(([, t]) => broadcastStrides(t.shape, shape))];
  // the rank is part of the key: the stride offsets are constants of the source
  runPerItem(context, `broadcast:${key}:${typesKey}:${rank}`, () => PRELUDE + helpers + declared + perItem(`
  var rem = i;
  ${inputs.map((_, k) => `var j${k} = 0u;`).join(' ')}
  for (var k = 0u; k < ${rank}u; k++) {
    let d = ${rank}u - 1u - k;
    let idx = rem % p[2u + d];
    rem = rem / p[2u + d];
    ${walk}
  }
${body}`), params, [...inputs.map(([, t]) => t.buffer), ...outputs.map(([, t]) => t.buffer)]);
}

/** where(cond, a, b) at `shape` (cond nonzero, NaN included, takes a), and the int32 mask (1 where a was taken). */
export function where(cond: DeviceTensor, a: DeviceTensor, b: DeviceTensor, shape: readonly number[], dtype: DType): { out: DeviceTensor; mask: DeviceTensor } {
  const d = deviceDType('where', dtype);
  const context = contextOf('where', d, a, b);
  contextOf('where', cond.dtype, cond);
  const out = DeviceTensor.empty(context, shape, d);
  const mask = DeviceTensor.empty(context, shape, 'int32');
  // on the bits: NaN is nonzero, and a compiler's ordered compare would call NaN != 0 false
  const nonzero = cond.dtype === 'int32' ? 'C[j0] != 0' : '(bitcast<u32>(C[j0]) & 0x7fffffffu) != 0u';
  runBroadcast('where', [['C', cond], ['A', a], ['B', b]], [['O', out], ['M', mask]], shape, `
  let take = ${nonzero};
  M[i] = select(0, 1, take);
  O[i] = select(B[j2], A[j1], take);`);
  return { out, mask };
}

/** g where the int32 mask equals keep, else 0, at the mask's shape (where's gradient for one operand). */
export function maskSelect(mask: DeviceTensor, keep: 0 | 1, g: DeviceTensor): DeviceTensor {
  contextOf('maskSelect', 'int32', mask);
  const out = DeviceTensor.empty(contextOf('maskSelect', 'float32', g), mask.shape, g.dtype);
  runBroadcast(`maskSelect:${keep}`, [['M', mask], ['G', g]], [['O', out]], mask.shape, `
  O[i] = select(0.0, G[j1], M[j0] == ${keep});`);
  return out;
}

/** maximum's (sign 1) or minimum's (sign -1) gradient for `self` at g's shape: all of g where self won, half on ties. */
export function extremumShare(self: DeviceTensor, other: DeviceTensor, g: DeviceTensor, sign: 1 | -1): DeviceTensor {
  contextOf('extremumShare', 'float32', self, other, g);
  const out = DeviceTensor.empty(self.context, g.shape, self.dtype);
  const loses = sign === 1 ? 'x < y' : 'x > y';
  runBroadcast(`extremumShare:${sign}`, [['S', self], ['T', other], ['G', g]], [['O', out]], g.shape, `
  let x = S[j0];
  let y = T[j1];
  O[i] = select(select(G[j2], 0.0, ${loses}), 0.5 * G[j2], x == y);`);
  return out;
}

/** ln x with NaN for x < 0, as the CPU's Math.log (WGSL leaves log of a negative number undefined). */
const LOG = /* wgsl */ `
fn logC(x: f32) -> f32 {
  if (x < 0.0) { var nanBits = 0x7fc00000u; return bitcast<f32>(nanBits); }
  return log(x);
}
`;

function powGradient(name: string, expression: string) {
  /** The gradient for one operand at g's (the broadcast) shape, typed like that operand, before summing back. */
  return (x: DeviceTensor, e: DeviceTensor, g: DeviceTensor, like: DeviceTensor): DeviceTensor => {
    contextOf(name, 'float32', x, e, g, like);
    const out = DeviceTensor.empty(x.context, g.shape, like.dtype);
    runBroadcast(name, [['X', x], ['E', e], ['G', g]], [['O', out]], g.shape, `
  let x = X[j0];
  let e = E[j1];
  O[i] = ${expression};`, POW + LOG);
    return out;
  };
}

/** d(x^e)/dx · g at g's shape, 0 where e = 0 (PyTorch's rule). */
export const powBaseGrad = powGradient('powBaseGrad', 'select(G[j2] * e * powC(x, e - 1.0), 0.0, e == 0.0)');
/** d(x^e)/de · g at g's shape, 0 where x = 0 and e >= 0 (the limit). */
export const powExponentGrad = powGradient('powExponentGrad', 'select(G[j2] * powC(x, e) * logC(x), 0.0, x == 0.0 && e >= 0.0)');

/** self *= other in place, other broadcast to self's shape. */
export function mulInPlace(self: DeviceTensor, other: DeviceTensor): void {
  contextOf('mulInPlace', self.dtype, self, other);
  runBroadcast('mulInPlace', [['B', other]], [['S', self]], self.shape, '  S[i] = S[i] * B[j0];');
}

/** x · mask, each mask value covering `unitSize` consecutive elements (dropout; the mask is the CPU generator's, uploaded). */
export function applyMask(x: DeviceTensor, mask: DeviceTensor, unitSize: number): DeviceTensor {
  const context = contextOf('applyMask', 'float32', x, mask);
  const out = DeviceTensor.empty(context, x.shape, x.dtype);
  runPerItem(context, 'applyMask', () => PRELUDE + bindings([['X', 'f32', false], ['M', 'f32', false], ['O', 'f32', true]]) + perItem(`
  O[i] = X[i] * M[i / p[1]];`), [x.numel, Math.max(unitSize, 1)], [x.buffer, mask.buffer, out.buffer]);
  return out;
}

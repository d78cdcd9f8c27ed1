/**
 * Float32-only copies of the hottest same-shape loops of kernels/elementwise.ts (residual adds, the tape's gradient
 * sums, products of equal shapes). The shared loops see every dtype (Float32Array, Float64Array, Int32Array), so V8's
 * element accesses there go polymorphic or megamorphic and ran about 1.5-2x slower on a training step's activations;
 * these see one array type only. Same bits: a float32 add, subtract or multiply computed in float64 and rounded once
 * is the float32 operation.
 */

/** out = a op b elementwise for add, sub and mul (same lengths); false, having done nothing, for any other op. */
export function binarySameShapeF32(op: string, a: Float32Array, b: Float32Array, out: Float32Array): boolean {
  const n = out.length;
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return true;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return true;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return true;
  }
  return false;
}

/** a += b elementwise (same lengths). */
export function addIntoF32(a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}

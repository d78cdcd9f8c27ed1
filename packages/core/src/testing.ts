import { Tensor } from './tensor.js';
import { formatShape, sameShape } from './shape.js';

/** Tolerances of `assertClose`, as torch.testing.assert_close. */
export interface CloseOptions {
  atol?: number;
  rtol?: number;
}

/**
 * Throws unless `actual` and `expected` have the same shape and every element satisfies
 * |a - e| <= atol + rtol·|e| (NaNs must match), like torch.testing.assert_close. Names the worst element.
 */
export function assertClose(actual: Tensor | ArrayLike<number>, expected: Tensor | ArrayLike<number> | number, options: CloseOptions = {}): void {
  const { atol = 1e-5, rtol = 1.3e-6 } = options;
  const a = actual instanceof Tensor ? actual.data : actual;
  let e: ArrayLike<number>;
  if (typeof expected === 'number') e = Array.from({ length: a.length }, () => expected);
  else e = expected instanceof Tensor ? expected.data : expected;
  if (actual instanceof Tensor && expected instanceof Tensor && !sameShape(actual.shape, expected.shape)) {
    throw new Error(`assertClose: shapes differ: ${formatShape(actual.shape)} vs ${formatShape(expected.shape)}`);
  }
  if (a.length !== e.length) throw new Error(`assertClose: lengths differ: ${a.length} vs ${e.length}`);
  let worst = -1;
  let worstExcess = 1;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    const excess = Math.abs(x - y) / (atol + rtol * Math.abs(y));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) {
    throw new Error(`assertClose: element ${worst} differs: ${a[worst]} vs expected ${e[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}

import type { Tensor } from '../tensor.js';

/**
 * What max(x, dim), min(x, dim), sort and topk return, like PyTorch's named tuple (values, indices): an array, so
 * `const [values, indices] = max(x, 1)` works, that also has `.values` and `.indices`. Frozen, as a tuple is.
 */
export type ValuesIndices = readonly [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

/** Makes a ValuesIndices; `values` and `indices` are non-enumerable, so the result spreads and compares as the pair. */
export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  const pair: Tensor[] = [values, indices];
  Object.defineProperties(pair, { values: { value: values }, indices: { value: indices } });
  return Object.freeze(pair) as unknown as ValuesIndices;
}

import { Tensor, tensor, type DType } from '@torchlet/core';

/**
 * A fixed quadratic f(p) = Σ ½·A[i]·(p[i] - C[i])², whose gradient A[i]·(p[i] - C[i]) the optimizer tests feed
 * both to the optimizer and to the scalar reference loops written in each test.
 */
export const A = [1, 2.5, 0.3, 4];
export const C = [0.5, -1, 2, 0.25];
export const P0 = [1, 2, -3, 0.75];

export function quadraticGrad(i: number, p: number): number {
  return A[i] * (p - C[i]);
}

/** A leaf parameter holding P0 (split in two tensors when `split`, to exercise several parameters). */
export function startParams(dtype: DType = 'float64', split = true): Tensor[] {
  if (!split) return [tensor(P0, { dtype, requiresGrad: true })];
  return [tensor([P0.slice(0, 3)], { dtype, requiresGrad: true }), tensor([P0[3]], { dtype, requiresGrad: true })];
}

/** Sets each parameter's grad to the quadratic's gradient at its current value. */
export function setQuadraticGrads(params: readonly Tensor[]): void {
  let offset = 0;
  for (const p of params) {
    const g = new (p.dtype === 'float64' ? Float64Array : Float32Array)(p.numel());
    for (let i = 0; i < g.length; i++) g[i] = quadraticGrad(offset + i, p.data[i]);
    p.grad = new Tensor(g, p.shape);
    offset += g.length;
  }
}

export function flatValues(params: readonly Tensor[]): number[] {
  return params.flatMap((p) => Array.from(p.data));
}

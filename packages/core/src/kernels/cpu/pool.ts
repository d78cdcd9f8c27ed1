import type { Tensor } from '../../tensor.js';
import { empty } from './output.js';
import type { FloatArray } from '../../dtype.js';
import {
  type AvgPoolDivisor, type MaxPool2x2Kernel, type PoolGeometry,
  adaptiveAvgPool2dBackward as adaptiveBackwardLoop, adaptiveAvgPool2dForward as adaptiveForwardLoop,
  avgPool2dBackward as avgBackwardLoop, avgPool2dForward as avgForwardLoop,
  maxPool2dBackward as maxBackwardLoop, maxPool2dForward as maxForwardLoop,
} from '../pool.js';
import { maxPool2x2Wasm } from '../wasm/convpool.js';
import { wasmActive } from './variant.js';

/** The CPU backend's pooling over NCHW planes (kernels/pool.ts), the 2×2 stride-2 max pool in wasm SIMD when active. */

const maxPool2x2Float32: MaxPool2x2Kernel = (planes, H, W, Ho, Wo, x, out, indices) =>
  x instanceof Float32Array && out instanceof Float32Array && maxPool2x2Wasm(planes, H, W, Ho, Wo, x, out, indices);

/** maxPool2dForward (kernels/pool.ts) in the variant the backend picks: the same bits either way. */
export function maxPool2dForwardVariant(g: PoolGeometry, x: FloatArray, out: FloatArray, indices: Int32Array): void {
  maxForwardLoop(g, x, out, indices, wasmActive() ? maxPool2x2Float32 : null);
}

/** Each window's maximum [N, C, Ho, Wo] and the int32 flat index (ih·W + iw in its plane) of its first maximum. */
export function maxPool2d(g: PoolGeometry, x: Tensor): { out: Tensor; indices: Tensor } {
  const out = empty([x.shape[0], x.shape[1], g.Ho, g.Wo], x.dtype);
  const indices = empty(out.shape, 'int32');
  maxPool2dForwardVariant(g, x.data as FloatArray, out.data as FloatArray, indices.data as Int32Array);
  return { out, indices };
}

export function maxPool2dBackward(g: PoolGeometry, grad: Tensor, indices: Tensor, inShape: readonly number[]): Tensor {
  const dx = empty(inShape, grad.dtype);
  maxBackwardLoop(g.planes, g.H * g.W, g.Ho * g.Wo, grad.data as FloatArray, indices.data as Int32Array, dx.data as FloatArray);
  return dx;
}

export function avgPool2d(g: PoolGeometry, divisor: AvgPoolDivisor, x: Tensor): Tensor {
  const out = empty([x.shape[0], x.shape[1], g.Ho, g.Wo], x.dtype);
  avgForwardLoop(g, divisor, x.data as FloatArray, out.data as FloatArray);
  return out;
}

export function avgPool2dBackward(g: PoolGeometry, divisor: AvgPoolDivisor, grad: Tensor, inShape: readonly number[]): Tensor {
  const dx = empty(inShape, grad.dtype);
  avgBackwardLoop(g, divisor, grad.data as FloatArray, dx.data as FloatArray);
  return dx;
}

export function adaptiveAvgPool2d(x: Tensor, Ho: number, Wo: number): Tensor {
  const [N, C, H, W] = x.shape;
  const out = empty([N, C, Ho, Wo], x.dtype);
  adaptiveForwardLoop(N * C, H, W, Ho, Wo, x.data as FloatArray, out.data as FloatArray);
  return out;
}

export function adaptiveAvgPool2dBackward(grad: Tensor, inShape: readonly number[]): Tensor {
  const [N, C, H, W] = inShape;
  const [, , Ho, Wo] = grad.shape;
  const dx = empty(inShape, grad.dtype);
  adaptiveBackwardLoop(N * C, H, W, Ho, Wo, grad.data as FloatArray, dx.data as FloatArray);
  return dx;
}

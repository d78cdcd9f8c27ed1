import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { empty } from '../creation.js';
import { type FloatArray, promoteTypes } from '../dtype.js';
import { broadcastShapes, formatShape, numelOf } from '../shape.js';
import { broadcastStrides } from '../kernels/elementwise.js';
import { gemm } from '../kernels/gemm.js';
import { sumToShape } from './reduction.js';
import { reshape } from './shape.js';

/**
 * Batched product of a [...batchA, M, K'] and b [...batchB, K', N] (with op = transpose where asked),
 * batch dims broadcast. Returns data of shape [...batch, M, N].
 */
function batchedProduct(
  a: Tensor, aBatch: readonly number[], transA: boolean,
  b: Tensor, bBatch: readonly number[], transB: boolean,
  M: number, K: number, N: number,
): Tensor {
  const batch = broadcastShapes(aBatch, bBatch)!;
  const out = empty([...batch, M, N], promoteTypes(a.dtype, b.dtype));
  const count = numelOf(batch);
  const aStr = broadcastStrides(aBatch, batch);
  const bStr = broadcastStrides(bBatch, batch);
  const A = a.data as FloatArray;
  const B = b.data as FloatArray;
  const C = out.data as FloatArray;
  for (let n = 0; n < count; n++) {
    let rem = n;
    let ia = 0;
    let ib = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const idx = rem % batch[d];
      rem = (rem - idx) / batch[d];
      ia += idx * aStr[d];
      ib += idx * bStr[d];
    }
    gemm(transA, transB, M, N, K, A, ia * M * K, B, ib * K * N, C, n * M * N, false);
  }
  return out;
}

interface MatmulState {
  aShape: readonly number[]; // as given
  bShape: readonly number[];
  a3: readonly number[]; // promoted to at least 2-D
  b3: readonly number[];
}

/** torch.matmul: 1-D·1-D is a dot product, 1-D operands get a dim prepended/appended and removed, batch dims broadcast. */
export const matmul = defineOp({
  name: 'matmul',
  signatures: ['Tensor, Tensor'],
  forward(ctx: OpContext<MatmulState>, a: Tensor, b: Tensor) {
    if (a.ndim === 0 || b.ndim === 0) {
      throw new Error(`matmul: both arguments need at least 1 dimension, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
    }
    if (a.dtype === 'int32' || b.dtype === 'int32') throw new Error(`matmul: expected floating-point tensors, got ${a.dtype} and ${b.dtype}`);
    const a2 = a.ndim === 1 ? [1, a.shape[0]] : [...a.shape];
    const b2 = b.ndim === 1 ? [b.shape[0], 1] : [...b.shape];
    const M = a2[a2.length - 2];
    const K = a2[a2.length - 1];
    const N = b2[b2.length - 1];
    if (b2[b2.length - 2] !== K) {
      throw new Error(`matmul: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${K} != ${b2[b2.length - 2]})`);
    }
    const aBatch = a2.slice(0, -2);
    const bBatch = b2.slice(0, -2);
    const batch = broadcastShapes(aBatch, bBatch);
    if (!batch) throw new Error(`matmul: batch dimensions of ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be broadcast together`);
    ctx.save(a, b);
    ctx.state = { aShape: a.shape, bShape: b.shape, a3: a2, b3: b2 };
    const out = batchedProduct(a, aBatch, false, b, bBatch, false, M, K, N);
    const shape = [...batch];
    if (a.ndim > 1) shape.push(M);
    if (b.ndim > 1) shape.push(N);
    return new Tensor(out.data, shape);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved;
    const { a3, b3 } = ctx.state;
    const M = a3[a3.length - 2];
    const K = a3[a3.length - 1];
    const N = b3[b3.length - 1];
    const aBatch = a3.slice(0, -2);
    const bBatch = b3.slice(0, -2);
    const batch = broadcastShapes(aBatch, bBatch)!;
    const g3 = new Tensor(g.data, [...batch, M, N]);
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (ctx.needsInputGrad[0]) {
      // dA = dY · Bᵀ, summed over batch dims A was broadcast along
      const full = batchedProduct(g3, batch, false, b, bBatch, true, M, N, K);
      ga = reshape(sumToShape(full, a3), a.shape);
    }
    if (ctx.needsInputGrad[1]) {
      // dB = Aᵀ · dY
      const full = batchedProduct(a, aBatch, true, g3, batch, false, K, M, N);
      gb = reshape(sumToShape(full, b3), b.shape);
    }
    return [ga, gb];
  },
});

declare module '../tensor.js' {
  interface Tensor {
    matmul(other: Tensor): Tensor;
  }
}

Tensor.prototype.matmul = function (other) { return matmul(this, other); };

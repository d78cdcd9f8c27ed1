import { defineOp } from '../op.js';
import { Tensor } from '../tensor.js';
import type { OpContext } from '../tape.js';
import { promoteTypes } from '../dtype.js';
import { broadcastShapes, formatShape, numelOf } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { sumToShape } from './reduction.js';
import { expand, reshape } from './shape.js';

/**
 * Batched product of a [...batchA, M, K'] and b [...batchB, K', N] (with op = transpose where asked),
 * batch dims broadcast. Returns a tensor of shape [...batch, M, N].
 */
function batchedProduct(
  a: Tensor, aBatch: readonly number[], transA: boolean,
  b: Tensor, bBatch: readonly number[], transB: boolean,
  M: number, K: number, N: number,
): Tensor {
  return kernels.batchedMatmul(a, aBatch, transA, b, bBatch, transB, M, K, N, promoteTypes(a.dtype, b.dtype));
}

/**
 * op(a)·op(b) for a [...batchA, ., .] and b [...batchB, ., .] (op = transpose where asked, read in place), batch
 * dims broadcast: the product kernel as an op, so that the gradients of matmul and linear, products themselves,
 * can be differentiated again. Output [...batch, M, N].
 */
const product = defineOp({
  name: 'product',
  signatures: ['Tensor, Tensor, boolean, boolean'],
  forward(ctx: OpContext<[boolean, boolean]>, a: Tensor, b: Tensor, transA: boolean, transB: boolean) {
    const M = a.shape[a.ndim - (transA ? 1 : 2)];
    const K = a.shape[a.ndim - (transA ? 2 : 1)];
    const N = b.shape[b.ndim - (transB ? 2 : 1)];
    if (ctx.recording) {
      ctx.save(a, b);
      ctx.state = [transA, transB];
    }
    if (a.ndim === 2 && b.ndim === 2) return kernels.matmul2d(transA, transB, M, N, K, a, b, null, [M, N]);
    return batchedProduct(a, a.shape.slice(0, -2), transA, b, b.shape.slice(0, -2), transB, M, K, N);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved;
    const [transA, transB] = ctx.state;
    // C = op(A)·op(B): each gradient is again a product of g with the other operand, transposed as the case needs
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (ctx.needsInputGrad[0]) ga = transA ? product(b, g, transB, true) : product(g, b, false, !transB);
    if (ctx.needsInputGrad[1]) gb = transB ? product(g, a, true, transA) : product(a, g, !transA, false);
    return [ga && sumToShape(ga, a.shape), gb && sumToShape(gb, b.shape), null, null];
  },
}) as (a: Tensor, b: Tensor, transA: boolean, transB: boolean) => Tensor;

/** The bias gradient of linear: g [rows, O] summed over rows; its own gradient spreads gg back over the rows. */
const sumRows = defineOp({
  name: 'sumRows',
  signatures: ['Tensor'],
  forward(ctx: OpContext<number>, g: Tensor) {
    const [rows, O] = g.shape;
    ctx.state = rows;
    return kernels.sumRows(g, rows, O);
  },
  backward(ctx, gg) {
    return [expand(reshape(gg, [1, gg.shape[0]]), [ctx.state, gg.shape[0]])];
  },
}) as (g: Tensor) => Tensor;

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
    return kernels.view(out, shape);
  },
  backward(ctx, g) {
    const [a, b] = ctx.saved;
    const { a3, b3 } = ctx.state;
    const M = a3[a3.length - 2];
    const N = b3[b3.length - 1];
    const batch = broadcastShapes(a3.slice(0, -2), b3.slice(0, -2))!;
    const g3 = reshape(g, [...batch, M, N]);
    // dA = dY · Bᵀ and dB = Aᵀ · dY, summed over the batch dims each was broadcast along
    const ga = ctx.needsInputGrad[0] ? reshape(sumToShape(product(g3, reshape(b, b3), false, true), a3), a.shape) : null;
    const gb = ctx.needsInputGrad[1] ? reshape(sumToShape(product(reshape(a, a3), g3, true, false), b3), b.shape) : null;
    return [ga, gb];
  },
});

declare module '../tensor.js' {
  interface Tensor {
    matmul(other: Tensor): Tensor;
  }
}


/**
 * torch.nn.functional.linear: x · Wᵀ + b for x [..., in], weight [out, in], bias [out] or null, in one product
 * (the transposed weight is read in place, never copied) with the bias added in the same pass.
 */
export const linear = defineOp({
  name: 'linear',
  signatures: {
    'Tensor, Tensor': (x: Tensor, w: Tensor): [Tensor, Tensor, Tensor | null] => [x, w, null],
    'Tensor, Tensor, Tensor | null | undefined': (x: Tensor, w: Tensor, b: Tensor | null | undefined): [Tensor, Tensor, Tensor | null] => [x, w, b ?? null],
  },
  forward(ctx, x: Tensor, w: Tensor, b: Tensor | null) {
    if (w.ndim !== 2) throw new Error(`linear: weight must be 2-D [out, in], got shape ${formatShape(w.shape)}`);
    const [O, I] = w.shape;
    if (x.ndim < 1) throw new Error(`linear: input must be at least 1-D with ${I} features in its last dim, got shape ${formatShape(x.shape)}`);
    if (x.shape[x.ndim - 1] !== I) {
      throw new Error(`linear: input of shape ${formatShape(x.shape)} has ${x.shape[x.ndim - 1]} features but weight ${formatShape(w.shape)} expects ${I}`);
    }
    if (b && (b.ndim !== 1 || b.shape[0] !== O)) throw new Error(`linear: bias must have shape [${O}], got ${formatShape(b.shape)}`);
    if (x.dtype === 'int32' || w.dtype !== x.dtype || (b && b.dtype !== x.dtype)) {
      throw new Error(`linear: expected input, weight and bias of one floating dtype, got ${x.dtype}, ${w.dtype}${b ? ', ' + b.dtype : ''}`);
    }
    // the leading dims' product, not numel / I, which is 0/0 with no input features
    const rows = numelOf(x.shape.slice(0, -1));
    ctx.save(x, w);
    return kernels.matmul2d(false, true, rows, O, I, x, w, b, [...x.shape.slice(0, -1), O]);
  },
  backward(ctx, g) {
    const [x, w] = ctx.saved;
    const [O, I] = w.shape;
    const rows = numelOf(x.shape.slice(0, -1));
    const g2 = reshape(g, [rows, O]);
    const gx = ctx.needsInputGrad[0] ? reshape(product(g2, w, false, false), x.shape) : null;
    const gw = ctx.needsInputGrad[1] ? product(g2, reshape(x, [rows, I]), true, false) : null;
    const gb = ctx.needsInputGrad[2] ? sumRows(g2) : null;
    return [gx, gw, gb];
  },
}) as unknown as (x: Tensor, weight: Tensor, bias?: Tensor | null) => Tensor;

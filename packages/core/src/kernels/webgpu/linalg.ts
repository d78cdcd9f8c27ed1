import type { DType } from '../../dtype.js';
import { broadcastShapes, numelOf } from '../../shape.js';
import { broadcastStrides } from '../elementwise.js';
import type { WebGPUContext } from './device.js';
import { DeviceTensor, deviceDType } from './storage.js';
import { PRELUDE, bindings, contextOf, perItem, runPerItem } from './wgsl.js';

/** The WebGPU backend's matrix products (kernels/cpu/linalg.ts's entries): a tiled kernel, and a direct one for software adapters. */

const TILE = 16;

/**
 * C[z] = op(A[z]) · op(B[z]) (+ bias per column) in TILE×TILE tiles staged in workgroup memory. params: [M, N, K,
 * transA, transB, batchRank, batch.., aBatchStrides.., bBatchStrides..]; workgroup z is the batch element.
 */
/**
 * WGSL: the offsets aOff and bOff of batch `z`'s matrices, from the broadcast batch shape and both operands' batch
 * strides at p[first ..] (rank values each; M, N, K and rank already bound).
 */
function batchOffsets(first: number, z: string): string {
  return `  var rem = ${z};
  var ia = 0u;
  var ib = 0u;
  for (var k = 0u; k < rank; k++) {
    let d = rank - 1u - k;
    let idx = rem % p[${first}u + d];
    rem = rem / p[${first}u + d];
    ia += idx * p[${first}u + rank + d];
    ib += idx * p[${first}u + 2u * rank + d];
  }
  let aOff = ia * M * K;
  let bOff = ib * K * N;`;
}

function gemmSource(withBias: boolean): string {
  return PRELUDE + bindings([['A', 'f32', false], ['B', 'f32', false], ['C', 'f32', true], ...(withBias ? [['Bias', 'f32', false] as const] : [])]) + /* wgsl */ `
var<workgroup> tileA: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> tileB: array<array<f32, ${TILE}>, ${TILE}>;
@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p[0];
  let N = p[1];
  let K = p[2];
  let transA = p[3] == 1u;
  let transB = p[4] == 1u;
  let rank = p[5];
${batchOffsets(6, 'wid.z')}
  let row = wid.y * ${TILE}u + lid.y;
  let col = wid.x * ${TILE}u + lid.x;
  var acc = 0.0;
  for (var t = 0u; t < K; t += ${TILE}u) {
    let ka = t + lid.x;
    var va = 0.0;
    if (row < M && ka < K) { va = A[aOff + select(row * K + ka, ka * M + row, transA)]; }
    tileA[lid.y][lid.x] = va;
    let kb = t + lid.y;
    var vb = 0.0;
    if (kb < K && col < N) { vb = B[bOff + select(kb * N + col, col * K + kb, transB)]; }
    tileB[lid.y][lid.x] = vb;
    workgroupBarrier();
    for (var k = 0u; k < ${TILE}u; k++) { acc += tileA[lid.y][k] * tileB[k][lid.x]; }
    workgroupBarrier();
  }
  if (row < M && col < N) {
    C[wid.z * M * N + row * N + col] = acc${withBias ? ' + Bias[col]' : ''};
  }
}
`;
}

/** Which product kernel runs: 'auto' (direct on a software adapter, tiled elsewhere), or one of them (tests pin each). */
export const matmulKernel: { variant: 'auto' | 'tiled' | 'direct' } = { variant: 'auto' };

/**
 * Tiles staged in workgroup memory are what real GPUs want; on a software adapter (SwiftShader, which runs the
 * invocations of a workgroup on the CPU's SIMD lanes and emulates its barriers) the direct kernel was 2-8x faster on
 * LeNet-5's products (bench figures in the webgpu README). Both add the K products in the same order.
 */
function useTiles(context: WebGPUContext): boolean {
  if (matmulKernel.variant !== 'auto') return matmulKernel.variant === 'tiled';
  const info = context.adapter.info;
  return !(info?.isFallbackAdapter === true || info?.architecture === 'swiftshader');
}

/** One thread per element of C walking K: no workgroup memory and no barriers. params: [items, M, N, K, batchRank, batch.., strides..]. */
function directSource(withBias: boolean, transA: boolean, transB: boolean): string {
  return PRELUDE + bindings([['A', 'f32', false], ['B', 'f32', false], ['C', 'f32', true], ...(withBias ? [['Bias', 'f32', false] as const] : [])]) + perItem(`
  let M = p[1];
  let N = p[2];
  let K = p[3];
  let rank = p[4];
  let z = i / (M * N);
  let row = (i / N) % M;
  let col = i % N;
${batchOffsets(5, 'z')}
  var acc = 0.0;
  for (var k = 0u; k < K; k++) {
    acc += A[aOff + ${transA ? 'k * M + row' : 'row * K + k'}] * B[bOff + ${transB ? 'col * K + k' : 'k * N + col'}];
  }
  C[i] = acc${withBias ? ' + Bias[col]' : ''};`);
}

function gemm(
  op: string, transA: boolean, transB: boolean, M: number, N: number, K: number, a: DeviceTensor, b: DeviceTensor, bias: DeviceTensor | null,
  batch: readonly number[], aBatch: readonly number[], bBatch: readonly number[], shape: readonly number[],
): DeviceTensor {
  const context = contextOf(op, 'float32', a, b, bias);
  const out = DeviceTensor.empty(context, shape, 'float32');
  if (K === 0) return fillZeros(out, bias);
  const params = Uint32Array.from([M, N, K, Number(transA), Number(transB), batch.length, ...batch, ...broadcastStrides(aBatch, batch), ...broadcastStrides(bBatch, batch)]);
  const buffers = [a.buffer, b.buffer, out.buffer, ...(bias ? [bias.buffer] : [])];
  if (!useTiles(context)) {
    runPerItem(context, `gemmDirect:${bias !== null}:${transA}:${transB}:${batch.length}`, () => directSource(bias !== null, transA, transB),
      [M * N * numelOf(batch), M, N, K, batch.length, ...batch, ...broadcastStrides(aBatch, batch), ...broadcastStrides(bBatch, batch)], buffers);
    return out;
  }
  context.dispatch(`gemm:${bias !== null}`, () => gemmSource(bias !== null), params, buffers, [Math.ceil(N / TILE), Math.ceil(M / TILE), numelOf(batch)]);
  return out;
}

/** An empty product (K = 0): zeros, or the bias in every row. */
function fillZeros(out: DeviceTensor, bias: DeviceTensor | null): DeviceTensor {
  const N = out.shape[out.shape.length - 1] ?? 1;
  runPerItem(out.context, `gemmEmpty:${bias !== null}`, () => PRELUDE + bindings([['C', 'f32', true], ...(bias ? [['Bias', 'f32', false] as const] : [])]) +
    perItem(`  C[i] = ${bias ? 'Bias[i % p[1]]' : '0.0'};`), [out.numel, N], [out.buffer, ...(bias ? [bias.buffer] : [])]);
  return out;
}

/**
 * op(a) · op(b) (op = transpose where asked) as a new device tensor of `shape` (M·N elements), op(a) M×K and
 * op(b) K×N read in place. With a bias [N], every row starts from it.
 */
export function matmul2d(
  transA: boolean, transB: boolean, M: number, N: number, K: number, a: DeviceTensor, b: DeviceTensor, bias: DeviceTensor | null, shape: readonly number[],
): DeviceTensor {
  return gemm('matmul', transA, transB, M, N, K, a, b, bias, [], [], [], shape);
}

/** Batched product of a [...aBatch, M, K'] and b [...bBatch, K', N] (op = transpose where asked), batch dims broadcast. */
export function batchedMatmul(
  a: DeviceTensor, aBatch: readonly number[], transA: boolean,
  b: DeviceTensor, bBatch: readonly number[], transB: boolean,
  M: number, K: number, N: number, dtype: DType,
): DeviceTensor {
  deviceDType('matmul', dtype);
  const batch = broadcastShapes(aBatch, bBatch)!;
  return gemm('matmul', transA, transB, M, N, K, a, b, null, batch, aBatch, bBatch, [...batch, M, N]);
}

/** Σ over the rows of g seen as [rows, O]: a bias gradient [O]. */
export function sumRows(g: DeviceTensor, rows: number, O: number): DeviceTensor {
  const context = contextOf('sumRows', 'float32', g);
  const out = DeviceTensor.empty(context, [O], 'float32');
  runPerItem(context, 'sumRows', () => PRELUDE + bindings([['G', 'f32', false], ['O', 'f32', true]]) + perItem(`
  var acc = 0.0;
  for (var r = 0u; r < p[1]; r++) { acc += G[r * p[0] + i]; }
  O[i] = acc;`), [O, rows], [g.buffer, out.buffer]);
  return out;
}

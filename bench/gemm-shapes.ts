// The matrix-product probe of issue 12 (`pnpm bench:gemm --shapes [--write]`): the peak of the wasm SIMD kernel on
// this machine (large square float32 products), then the GFLOP/s at every product shape the five networks of
// bench/networks.ts run in a training step at batch 64, against that peak. A convolution is im2col + products per
// sample, as packages/core/src/ops/conv.ts does it: forward Y = W·cols [O x L x C·k·k], input gradient
// dcols = Wᵀ·dY [C·k·k x L x O], weight gradient dW += dY·colsᵀ [O x C·k·k x L], with L = output pixels of one
// sample. A linear layer is three products over the batch.
// "kernel" times the product alone, operands already in wasm memory (what conv2d's in-wasm path pays); "call" times
// gemmWasm, which copies the operands in and the result out (what a Linear layer pays). Both on one thread: conv2d
// gives each thread whole samples.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gemmWasm, setSplitMinWork } from '../packages/core/src/kernels/wasm/gemm.js';
import { alignUp, ensureMemory, gemmRuntime, operandsAddress } from '../packages/core/src/kernels/wasm/loader.js';
import { getNumThreads, runGemm, threadsReady, type GemmProduct } from '../packages/core/src/kernels/wasm/pool.js';
import { MODELS, NETWORKS, type ModelName } from './networks.js';
import { BATCH } from './peers/protocol.js';
import { secondsPerCall } from './stats.js';
import { markdownTable, replaceSection, textTable } from './table.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
const PEAK_SIZES = [512, 768, 1024];

export interface Shape {
  network: ModelName;
  layer: string;
  product: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  accumulate: boolean;
  /** How many times a training step runs this product (per sample for convolutions, times the layer count). */
  perStep: number;
}

/** Every product of a training step of the network, with its shape. */
export function networkShapes(network: ModelName): Shape[] {
  const net = NETWORKS[network];
  const shapes: Shape[] = [];
  for (const c of net.convs) {
    const out = c.size + 2 * c.padding - c.kernel + 1;
    const L = out * out;
    const ckk = c.inChannels * c.kernel * c.kernel;
    const O = c.outChannels;
    const n = BATCH * c.count;
    const layer = `${c.name} ${c.inChannels}->${O}@${c.kernel}x${c.kernel} ${c.size}x${c.size}${c.count > 1 ? ` (x${c.count})` : ''}`;
    shapes.push({ network, layer, product: 'forward W·cols', transA: false, transB: false, M: O, N: L, K: ckk, accumulate: false, perStep: n });
    // The first layer needs no input gradient.
    if (c !== net.convs[0]) shapes.push({ network, layer, product: 'dX Wᵀ·dY', transA: true, transB: false, M: ckk, N: L, K: O, accumulate: false, perStep: n });
    shapes.push({ network, layer, product: 'dW dY·colsᵀ', transA: false, transB: true, M: O, N: ckk, K: L, accumulate: true, perStep: n });
  }
  for (const l of net.linears) {
    const layer = `${l.name} ${l.inFeatures}->${l.outFeatures}`;
    shapes.push({ network, layer, product: 'forward x·Wᵀ', transA: false, transB: true, M: BATCH, N: l.outFeatures, K: l.inFeatures, accumulate: false, perStep: 1 });
    if (l !== net.linears[0] || net.convs.length > 0) {
      shapes.push({ network, layer, product: 'dX dY·W', transA: false, transB: false, M: BATCH, N: l.inFeatures, K: l.outFeatures, accumulate: false, perStep: 1 });
    }
    shapes.push({ network, layer, product: 'dW dYᵀ·x', transA: true, transB: false, M: l.outFeatures, N: l.inFeatures, K: BATCH, accumulate: false, perStep: 1 });
  }
  return shapes;
}


function random(length: number): Float32Array {
  const a = new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = Math.random() - 0.5;
  return a;
}

/** GFLOP/s of the kernel alone (operands placed in wasm memory once) on `threads` threads. */
export function kernelGflops(s: Pick<Shape, 'transA' | 'transB' | 'M' | 'N' | 'K' | 'accumulate'>, threads: number): number {
  const runtime = gemmRuntime();
  if (runtime === null) throw new Error('bench/gemm: the wasm gemm module did not load');
  const aPtr = alignUp(operandsAddress(runtime.exports, getNumThreads()));
  const bPtr = alignUp(aPtr + s.M * s.K * 4);
  const cPtr = alignUp(bPtr + s.K * s.N * 4);
  if (!ensureMemory(runtime.memory, cPtr + s.M * s.N * 4)) throw new Error('bench/gemm: wasm memory cannot grow');
  const heap = new Float32Array(runtime.memory.buffer);
  heap.set(random(s.M * s.K), aPtr / 4);
  heap.set(random(s.K * s.N), bPtr / 4);
  heap.set(random(s.M * s.N), cPtr / 4);
  const product: GemmProduct = {
    f64: false, transA: s.transA, transB: s.transB, M: s.M, N: s.N, K: s.K,
    a: aPtr, lda: s.transA ? s.M : s.K, b: bPtr, ldb: s.transB ? s.K : s.N, c: cPtr, ldc: s.N, accumulate: s.accumulate,
  };
  return (2 * s.M * s.N * s.K) / secondsPerCall(() => runGemm(runtime, product, threads)) / 1e9;
}

/** GFLOP/s of a gemmWasm call on one thread, copies in and out included. */
function callGflops(s: Shape): number {
  const A = random(s.M * s.K);
  const B = random(s.K * s.N);
  const C = random(s.M * s.N);
  setSplitMinWork(Infinity);
  return (2 * s.M * s.N * s.K) / secondsPerCall(() => gemmWasm(s.transA, s.transB, s.M, s.N, s.K, A, 0, B, 0, C, 0, s.accumulate)) / 1e9;
}

export async function probeShapes(options: { write: boolean }): Promise<void> {
  const threads = await threadsReady();
  const loadStart = loadavg()[0];
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`${cpu}, ${cpus().length} cores, load average ${loadStart.toFixed(2)}, Node ${process.version}, ${threads} wasm threads`);

  // The peak is measured again before every network and the best median counts: on a busy machine a single
  // measurement may have been slowed down, and "% of peak" over 100 would say nothing.
  const peakHeader = ['float32 A·B', 'kernel 1T GFLOP/s', `kernel ${threads}T GFLOP/s`];
  const peakRows: string[][] = [];
  let peakThreads = 0;
  const peaks: number[] = [];
  for (const n of PEAK_SIZES) {
    const square = { transA: false, transB: false, M: n, N: n, K: n, accumulate: false };
    const one = kernelGflops(square, 1);
    const all = threads > 1 ? kernelGflops(square, threads) : one;
    peaks.push(one);
    peakThreads = Math.max(peakThreads, all);
    peakRows.push([`square ${n}`, one.toFixed(1), all.toFixed(1)]);
  }
  const remeasure = { transA: false, transB: false, M: PEAK_SIZES[0], N: PEAK_SIZES[0], K: PEAK_SIZES[0], accumulate: false };

  const header = ['network', 'layer', 'product', 'M', 'N', 'K', 'per step', 'kernel GFLOP/s', '% of peak', 'call GFLOP/s', 'ms per step'];
  const numeric = [false, false, false, true, true, true, true, true, true, true, true];
  const measured: { network: ModelName; s: Shape; kernel: number; call: number }[] = [];
  for (const network of MODELS) {
    peaks.push(kernelGflops(remeasure, 1));
    for (const s of networkShapes(network)) measured.push({ network, s, kernel: kernelGflops(s, 1), call: callGflops(s) });
    console.log(`  ${network} done`);
  }
  peaks.push(kernelGflops(remeasure, 1));
  const peak = Math.max(...peaks);
  console.log(`\nwasm SIMD peak: ${peak.toFixed(1)} GFLOP/s on one thread (best of ${peaks.length} square products: ` +
    `${Math.min(...peaks).toFixed(1)} to ${peak.toFixed(1)}), ${peakThreads.toFixed(1)} on ${threads}`);
  console.log(textTable(peakHeader, peakRows, [false, true, true]));
  const rows = measured.map(({ network, s, kernel, call }) => {
    // Time a training step spends in this product at the kernel's speed, on one thread.
    const ms = ((s.perStep * 2 * s.M * s.N * s.K) / (kernel * 1e9)) * 1000;
    return [network, s.layer, s.product, `${s.M}`, `${s.N}`, `${s.K}`, `${s.perStep}`, kernel.toFixed(1), `${((100 * kernel) / peak).toFixed(0)}%`, call.toFixed(1), ms.toFixed(2)];
  });
  const loadEnd = loadavg()[0];
  console.log(`\n${textTable(header, rows, numeric)}`);
  console.log(`load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at the end`);

  if (!options.write) return;
  const md = [
    '## Matrix products',
    '',
    `Written by \`pnpm bench:gemm --shapes --write\` (bench/gemm-shapes.ts) on ${new Date().toISOString()}; ${cpu}, ` +
      `${cpus().length} cores, Node ${process.version}, load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at the end.`,
    '',
    `wasm SIMD (f32x4, no FMA) peak: **${peak.toFixed(1)} GFLOP/s** on one thread (best of ${peaks.length} square ` +
      `products, measured again before every network: ${Math.min(...peaks).toFixed(1)} to ${peak.toFixed(1)}), ` +
      `${peakThreads.toFixed(1)} on ${threads} threads. The squares:`,
    '',
    markdownTable(peakHeader, peakRows, [false, true, true]),
    '',
    'Every product of a training step at batch 64. Convolutions run per sample (im2col, then the products; M x N x K ' +
      'for C[M, N] = A[M, K]·B[K, N]); "per step" counts them in one training step; the first layer has no input ' +
      'gradient (the batch needs none). "kernel" is the product alone ' +
      'with its operands in wasm memory (conv2d\'s path), "call" a gemmWasm call with the copies in and out ' +
      '(a Linear layer\'s path), both on one thread; "% of peak" is kernel over the one-thread peak; "ms per step" ' +
      'is the time one training step spends in the product at the kernel\'s speed, on one thread.',
    '',
    markdownTable(header, rows, numeric),
  ].join('\n');
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  writeFileSync(RESULTS, replaceSection(old, 'gemm', md));
  console.log('wrote the matrix-product section of bench/RESULTS.md');
}

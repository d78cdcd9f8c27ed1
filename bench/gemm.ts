// GFLOP/s of the JS gemm against the WebAssembly SIMD gemm on one thread and split across the pool's threads
// (TORCHLET_NUM_THREADS, default 2), on the float32 matrix products of LeNet-5 and the seed-001 CNN at batch 64
// (im2col convolution), plus square sizes in float32 and float64. The threaded column forces the split whatever the
// size, to show where it starts to pay (gemmWasm itself splits from 2.5e6 multiply-adds).
// Run: node --conditions=source --import tsx bench/gemm.ts (pnpm bench:gemm).
// With --shapes (bench/gemm-shapes.ts) it is instead the probe of issue 12: the wasm SIMD peak on this machine and
// the GFLOP/s of the products the five networks of bench/networks.ts run; --write also puts that table in
// bench/RESULTS.md. With --builds (bench/gemm-builds.ts) it compares builds of asm/gemm.ts instead.
import { cpus, loadavg } from 'node:os';
import { gemm } from '../packages/core/src/kernels/gemm.js';
import { gemmWasm, setSplitMinWork, wasmAvailable } from '../packages/core/src/kernels/wasm/gemm.js';
import { threadsReady, workerChunks } from '../packages/core/src/kernels/wasm/pool.js';
import { compareBuilds } from './gemm-builds.js';
import { probeShapes } from './gemm-shapes.js';
import { secondsPerCall } from './stats.js';

type Gemm = typeof gemm;

interface Case {
  name: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  dtype?: 'float32' | 'float64';
}

const BATCH = 64;

/**
 * The three products of a convolution done as im2col + gemm, with W [O, C·kh·kw] and cols [C·kh·kw, B·Ho·Wo]:
 * forward Y = W·cols, weight gradient dW = dY·colsᵀ, input gradient dcols = Wᵀ·dY.
 */
function convCases(layer: string, C: number, O: number, k: number, Ho: number, Wo: number): Case[] {
  const ckk = C * k * k;
  const pixels = BATCH * Ho * Wo;
  return [
    { name: `${layer} forward`, transA: false, transB: false, M: O, N: pixels, K: ckk },
    { name: `${layer} dW`, transA: false, transB: true, M: O, N: ckk, K: pixels },
    { name: `${layer} dX`, transA: true, transB: false, M: ckk, N: pixels, K: O },
  ];
}

const cases: Case[] = [
  ...convCases('lenet conv1', 1, 6, 5, 28, 28),
  ...convCases('lenet conv2', 6, 16, 5, 10, 10),
  ...convCases('seed001 conv1', 1, 32, 3, 26, 26),
  ...convCases('seed001 conv2', 32, 64, 3, 11, 11),
  { name: 'square 64', transA: false, transB: false, M: 64, N: 64, K: 64 },
  { name: 'square 100', transA: false, transB: false, M: 100, N: 100, K: 100 },
  { name: 'square 128', transA: false, transB: false, M: 128, N: 128, K: 128 },
  { name: 'square 160', transA: false, transB: false, M: 160, N: 160, K: 160 },
  { name: 'square 256', transA: false, transB: false, M: 256, N: 256, K: 256 },
  { name: 'square 512', transA: false, transB: false, M: 512, N: 512, K: 512 },
  { name: 'square 512 AᵀBᵀ', transA: true, transB: true, M: 512, N: 512, K: 512 },
  { name: 'square 256', transA: false, transB: false, M: 256, N: 256, K: 256, dtype: 'float64' },
  { name: 'square 512', transA: false, transB: false, M: 512, N: 512, K: 512, dtype: 'float64' },
];

function randomArray(dtype: 'float32' | 'float64', length: number): Float32Array | Float64Array {
  const a = dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) a[i] = Math.random() - 0.5;
  return a;
}

/** Median seconds per call of the product, as stats.ts's secondsPerCall times it. */
function time(kernel: Gemm, c: Case, A: Float32Array | Float64Array, B: Float32Array | Float64Array, C: Float32Array | Float64Array): number {
  return secondsPerCall(() => kernel(c.transA, c.transB, c.M, c.N, c.K, A, 0, B, 0, C, 0, false));
}

if (!wasmAvailable()) {
  console.error('bench/gemm: WebAssembly SIMD is not available here (run scripts/build-wasm.mjs?)');
  process.exit(1);
}
if (process.argv.includes('--builds')) {
  await compareBuilds(process.argv.slice(2).filter((a) => a !== '--builds'));
  process.exit(0);
}
if (process.argv.includes('--shapes')) {
  await probeShapes({ write: process.argv.includes('--write') });
  process.exit(0);
}

const threads = await threadsReady();
const singleThread = () => setSplitMinWork(Infinity);
const split = () => setSplitMinWork(0);

// Other processes on the machine skew the figures: say how busy it was.
console.log(`${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}, Node ${process.version}, ${threads} wasm threads`);
const header = ['product', 'dtype', 'op', 'M', 'N', 'K', 'JS GFLOP/s', 'wasm 1T GFLOP/s', `wasm ${threads}T GFLOP/s`, 'wasm/JS', `${threads}T/1T`, 'worker chunks/call'];
const rows: string[][] = [];
for (const c of cases) {
  const dtype = c.dtype ?? 'float32';
  const A = randomArray(dtype, c.M * c.K);
  const B = randomArray(dtype, c.K * c.N);
  const C = randomArray(dtype, c.M * c.N);
  const flops = 2 * c.M * c.N * c.K;
  const js = flops / time(gemm, c, A, B, C) / 1e9;
  singleThread();
  const wasm = flops / time(gemmWasm, c, A, B, C) / 1e9;
  split();
  const chunksBefore = workerChunks();
  let calls = 0;
  const counted: Gemm = (...args) => {
    calls++;
    gemmWasm(...args);
  };
  const wasmThreads = flops / time(counted, c, A, B, C) / 1e9;
  const chunks = (workerChunks() - chunksBefore) / calls;
  const op = `${c.transA ? 'Aᵀ' : 'A'}·${c.transB ? 'Bᵀ' : 'B'}`;
  rows.push([
    c.name, dtype, op, `${c.M}`, `${c.N}`, `${c.K}`, js.toFixed(2), wasm.toFixed(2), wasmThreads.toFixed(2),
    `${(wasm / js).toFixed(1)}x`, `${(wasmThreads / wasm).toFixed(2)}x`, chunks.toFixed(1),
  ]);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(`load average at the end ${loadavg()[0].toFixed(2)}`);

// Forward and forward+backward times of conv2d, maxPool2d and avgPool2d at the LeNet-5 and seed-001 CNN shapes, batch 64,
// float32: the median of several timed repeats after warm-up. conv2d splits its samples across getNumThreads() threads
// (TORCHLET_NUM_THREADS=1 for the main thread alone); the pooling layers run on the main thread.
// Run: pnpm bench:ops
import { type Tensor, avgPool2d, conv2d, getNumThreads, maxPool2d, noGrad, randn } from '../packages/core/src/index.js';

const BATCH = 64;
// Enough warm-up runs for the JIT to settle: with 3, the first cases' medians still included unoptimised runs.
const WARMUP = 10;
const REPEATS = 15;

interface ConvCase {
  name: string;
  input: [number, number, number, number];
  weight: [number, number, number, number];
  padding: number;
  /** False for a first layer: the images need no gradient, so backward computes dW and db only. */
  inputGrad: boolean;
}

const convCases: ConvCase[] = [
  { name: 'lenet conv1', input: [BATCH, 1, 28, 28], weight: [6, 1, 5, 5], padding: 2, inputGrad: false },
  { name: 'lenet conv2', input: [BATCH, 6, 14, 14], weight: [16, 6, 5, 5], padding: 0, inputGrad: true },
  { name: 'seed001 conv1', input: [BATCH, 1, 28, 28], weight: [32, 1, 3, 3], padding: 0, inputGrad: false },
  { name: 'seed001 conv2', input: [BATCH, 32, 13, 13], weight: [64, 32, 3, 3], padding: 0, inputGrad: true },
];

/** The inputs of the pooling layers that follow those convolutions (2x2 windows, stride 2). */
const poolCases: { name: string; input: [number, number, number, number] }[] = [
  { name: 'lenet pool1', input: [BATCH, 6, 28, 28] },
  { name: 'lenet pool2', input: [BATCH, 16, 10, 10] },
  { name: 'seed001 pool1', input: [BATCH, 32, 26, 26] },
  { name: 'seed001 pool2', input: [BATCH, 64, 11, 11] },
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void): number {
  for (let i = 0; i < WARMUP; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const rows: string[][] = [['op', 'shape', 'fwd ms', 'fwd GFLOP/s', 'fwd+bwd ms', 'fwd+bwd GFLOP/s']];
const gflops = (flops: number, ms: number) => (flops / ms / 1e6).toFixed(2);

for (const c of convCases) {
  const x = randn(c.input, { requiresGrad: c.inputGrad });
  const w = randn(c.weight, { requiresGrad: true });
  const b = randn([c.weight[0]], { requiresGrad: true });
  const y = noGrad(() => conv2d(x, w, b, { padding: c.padding }));
  const dy = randn(y.shape);
  const [, C, kH, kW] = c.weight;
  const macs = y.numel() * C * kH * kW;
  const fwdFlops = 2 * macs;
  const bwdFlops = fwdFlops * (c.inputGrad ? 2 : 1); // dW always, dX when the input needs it
  const fwd = time(() => noGrad(() => conv2d(x, w, b, { padding: c.padding })));
  const both = time(() => {
    for (const t of [x, w, b]) t.grad = null;
    conv2d(x, w, b, { padding: c.padding }).backward(dy);
  });
  rows.push([
    c.name, `${fmt(c.input)} * ${fmt(c.weight)} p${c.padding}${c.inputGrad ? '' : ' (no dX)'}`,
    fwd.toFixed(2), gflops(fwdFlops, fwd), both.toFixed(2), gflops(fwdFlops + bwdFlops, both),
  ]);
}

for (const c of poolCases) {
  const x: Tensor = randn(c.input, { requiresGrad: true });
  const y = noGrad(() => maxPool2d(x, 2));
  const dy = randn(y.shape);
  const fwd = time(() => noGrad(() => maxPool2d(x, 2)));
  const both = time(() => {
    x.grad = null;
    maxPool2d(x, 2).backward(dy);
  });
  rows.push([`maxPool2d ${c.name}`, `${fmt(c.input)} k2 s2`, fwd.toFixed(2), '-', both.toFixed(2), '-']);
}

for (const c of poolCases) {
  const x: Tensor = randn(c.input, { requiresGrad: true });
  const dy = randn(noGrad(() => avgPool2d(x, 2)).shape);
  const fwd = time(() => noGrad(() => avgPool2d(x, 2)));
  const both = time(() => {
    x.grad = null;
    avgPool2d(x, 2).backward(dy);
  });
  rows.push([`avgPool2d ${c.name}`, `${fmt(c.input)} k2 s2`, fwd.toFixed(2), '-', both.toFixed(2), '-']);
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log(
  `torchlet ops, float32, batch ${BATCH}, ${getNumThreads()} thread(s), median of ${REPEATS} after ${WARMUP} warm-up runs (node ${process.version})`,
);
for (const [i, r] of rows.entries()) {
  console.log(r.map((cell, j) => (j < 2 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}

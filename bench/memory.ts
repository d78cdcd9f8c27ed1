// Memory of a LeNet-5 torchlet training run: resident set size after every epoch of a plain training loop
// (fresh input tensors every step, as a DataLoader makes them), and the peak (VmHWM). Memory is flat when the
// last epoch holds at most 10% more than the second one (the first includes the warm-up: JIT, wasm memory growth).
// Run alone: node --expose-gc --conditions=source --import tsx bench/memory.ts [--epochs 8] [--steps 40];
// `pnpm bench` runs it too (built, under /usr/bin/time -v).
import { readFileSync } from 'node:fs';
import { type Tensor, crossEntropy, getBackend, manualSeed, randint, randn, tensor } from '@torchlet/core';
import * as nn from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { buildModel } from './models.js';

const BATCH = 64;
const PIXELS = 28 * 28;
/** Allowed growth from epoch 2 to the last epoch before memory counts as growing: GC timing moves RSS a little. */
const FLAT_TOLERANCE = 0.1;

export interface EpochMemory {
  epoch: number;
  /** Resident set size at the end of the epoch, as the OS sees it. */
  rssMB: number;
  /** JS heap plus typed-array buffers still reachable after a full GC (when --expose-gc is on): what the run retains. */
  retainedMB: number | null;
  samplesPerSec: number;
}

export interface MemoryResult {
  backend: string;
  epochs: EpochMemory[];
  /** Peak resident set size of the process (VmHWM), or null where /proc is missing. */
  peakMB: number | null;
  /** rss of the last epoch minus rss of epoch 2. */
  growthMB: number;
  /** The same for the memory retained after GC, or null without --expose-gc. */
  retainedGrowthMB: number | null;
  flat: boolean;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`memory: --${name} must be a positive integer, got ${process.argv[i + 1]}`);
  return value;
}

const mb = (bytes: number) => bytes / (1024 * 1024);

function peakRssMB(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

async function run(epochs: number, stepsPerEpoch: number): Promise<MemoryResult> {
  manualSeed(0);
  const model = buildModel(nn, 'lenet5', 10);
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const images = randn([stepsPerEpoch * BATCH * PIXELS]).data as Float32Array;
  const labels = randint(0, 10, [stepsPerEpoch * BATCH]).data as Int32Array;
  const gc = (globalThis as { gc?: () => void }).gc;
  const result: EpochMemory[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    for (let s = 0; s < stepsPerEpoch; s++) {
      const x = tensor(images.subarray(s * BATCH * PIXELS, (s + 1) * BATCH * PIXELS), { shape: [BATCH, 1, 28, 28] });
      const y = tensor(labels.subarray(s * BATCH, (s + 1) * BATCH), { shape: [BATCH] });
      const loss = crossEntropy(model.forward(x) as Tensor, y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
    const seconds = (performance.now() - t0) / 1000;
    const rssMB = mb(process.memoryUsage().rss);
    let retainedMB: number | null = null;
    if (gc) {
      // Typed-array memory is released by a sweep that may finish after gc() returns: give it a turn, then again.
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
      const usage = process.memoryUsage();
      retainedMB = mb(usage.heapUsed + usage.arrayBuffers);
    }
    result.push({ epoch, rssMB, retainedMB, samplesPerSec: (stepsPerEpoch * BATCH) / seconds });
  }
  const second = result[Math.min(1, result.length - 1)];
  const last = result[result.length - 1];
  const growthMB = last.rssMB - second.rssMB;
  const retainedGrowthMB = last.retainedMB === null || second.retainedMB === null ? null : last.retainedMB - second.retainedMB;
  return { backend: getBackend(), epochs: result, peakMB: peakRssMB(), growthMB, retainedGrowthMB, flat: growthMB <= FLAT_TOLERANCE * second.rssMB };
}

const epochs = option('epochs', 8);
const steps = option('steps', 40);
const result = await run(epochs, steps);
console.log(`LeNet-5 training, batch ${BATCH}, ${steps} steps per epoch, ${result.backend} backend`);
for (const e of result.epochs) {
  const retained = e.retainedMB === null ? '' : `, retained after GC ${e.retainedMB.toFixed(1)} MB`;
  console.log(`epoch ${e.epoch}: rss ${e.rssMB.toFixed(1)} MB${retained}, ${Math.round(e.samplesPerSec)} samples/s`);
}
const retainedGrowth = result.retainedGrowthMB === null ? '' : `, retained ${result.retainedGrowthMB.toFixed(2)} MB`;
console.log(`peak rss ${result.peakMB === null ? 'unknown' : `${result.peakMB.toFixed(1)} MB`}; growth epoch 2 -> ${epochs}: rss ${result.growthMB.toFixed(1)} MB${retainedGrowth} (${result.flat ? 'flat' : 'GROWING'})`);
console.log(`RESULT ${JSON.stringify(result)}`);

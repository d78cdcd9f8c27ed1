// The CPU buffer pool (issue 12's buffer reuse; packages/core/src/kernels/cpu/buffer-pool.ts): training steps of
// lenet5 and resnetish at batch 64 (SGD momentum, 1 thread), with the pool off and on interleaved in one process,
// each round timing `--steps` steps per mode after warm-up. Prints per step: float32 arrays allocate() gave out and
// their MB, how many of them were newly allocated (the rest the pool served); and samples/s, as medians over the rounds, with the load average.
// Run: node --conditions=source --import tsx bench/buffer-pool.ts [--rounds 7] [--steps 10] [--models lenet5,resnetish]
import { loadavg } from 'node:os';
import { type Tensor, crossEntropy, manualSeed, randint, randn, setNumThreads } from '@torchlet/core';
import * as nn from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { bufferPoolStats, setBufferPool } from '../packages/core/src/kernels/cpu/buffer-pool.js';
import { buildModel } from './models.js';
import { type ModelName, NETWORKS, isModelName } from './networks.js';

const BATCH = 64;
const WARMUP = 3;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const rounds = Number(option('rounds', '7'));
const steps = Number(option('steps', '10'));
const models = option('models', 'lenet5,resnetish').split(',');
for (const m of models) if (!isModelName(m)) throw new Error(`buffer-pool: unknown model ${m}`);
setNumThreads(1);

interface Trainer {
  step(): void;
}

function trainer(name: ModelName): Trainer {
  manualSeed(0);
  const model = buildModel(nn, name, 10);
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const { channels, size } = NETWORKS[name].input;
  const x = randn([BATCH, channels, size, size]);
  const y = randint(0, 10, [BATCH]);
  return {
    step() {
      optimizer.zeroGrad();
      crossEntropy(model.forward(x) as Tensor, y).backward();
      optimizer.step();
    },
  };
}

interface Figures {
  samplesPerSec: number;
  allocations: number;
  allocatedMB: number;
  reused: number;
  reusedMB: number;
}

function timeSteps(t: Trainer, pool: boolean): Figures {
  setBufferPool(pool);
  for (let i = 0; i < WARMUP; i++) t.step();
  const before = { ...bufferPoolStats };
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) t.step();
  const seconds = (performance.now() - t0) / 1000;
  return {
    samplesPerSec: (steps * BATCH) / seconds,
    allocations: (bufferPoolStats.allocations - before.allocations) / steps,
    allocatedMB: (bufferPoolStats.allocatedBytes - before.allocatedBytes) / steps / 2 ** 20,
    reused: (bufferPoolStats.reused - before.reused) / steps,
    reusedMB: (bufferPoolStats.reusedBytes - before.reusedBytes) / steps / 2 ** 20,
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

console.log(`buffer pool off/on, batch ${BATCH}, 1 thread, ${rounds} rounds of ${steps} steps per mode (after ${WARMUP} warm-up steps), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const name of models) {
  const off: Figures[] = [];
  const on: Figures[] = [];
  const t = trainer(name as ModelName);
  for (let r = 0; r < rounds; r++) {
    // alternate which mode goes first, so that a drift in the machine's load does not favour one
    if (r % 2 === 0) {
      off.push(timeSteps(t, false));
      on.push(timeSteps(t, true));
    } else {
      on.push(timeSteps(t, true));
      off.push(timeSteps(t, false));
    }
  }
  const line = (mode: string, f: Figures[]): string =>
    `  ${mode}: ${median(f.map((x) => x.samplesPerSec)).toFixed(1)} samples/s (rounds ${f.map((x) => x.samplesPerSec.toFixed(0)).join(' ')}); ` +
    `per step ${median(f.map((x) => x.allocations)).toFixed(0)} float32 arrays (${median(f.map((x) => x.allocatedMB)).toFixed(1)} MB) asked of allocate(), ` +
    `${median(f.map((x) => x.allocations - x.reused)).toFixed(0)} of them new (${median(f.map((x) => x.allocatedMB - x.reusedMB)).toFixed(1)} MB), the rest from the pool`;
  console.log(`${name}:\n${line('pool off', off)}\n${line('pool on ', on)}\n  on/off samples/s: ${(median(on.map((x) => x.samplesPerSec)) / median(off.map((x) => x.samplesPerSec))).toFixed(3)}`);
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

// LeNet-5 training throughput (batch 64: forward, crossEntropy, backward, SGD step) measured the same way in Node and
// in a Chromium Worker, for bench/browser.ts. Random seeded inputs, as `pnpm bench` uses.
import { crossEntropy, getNumThreads, manualSeed, randint, randn, setNumThreads } from '@torchlet/core';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { threadsReady } from '../packages/core/src/kernels/wasm/pool.js';

const BATCH = 64;

export interface TrainSpeed {
  samplesPerSec: number;
  threads: number;
}

/** Samples/s over `steps` training steps after `warmup` steps, on `threads` threads. */
export async function lenetTrainSpeed(options: { threads: number; warmup: number; steps: number }): Promise<TrainSpeed> {
  setNumThreads(options.threads);
  const ready = await threadsReady();
  if (ready !== options.threads) throw new Error(`lenetTrainSpeed: ${ready} of ${options.threads} threads started`);
  manualSeed(0);
  const model = new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
  );
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([BATCH, 1, 28, 28]);
  const y = randint(0, 10, [BATCH]);
  const step = (): void => {
    const loss = crossEntropy(model.forward(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  };
  for (let i = 0; i < options.warmup; i++) step();
  const start = performance.now();
  for (let i = 0; i < options.steps; i++) step();
  return { samplesPerSec: (options.steps * BATCH * 1000) / (performance.now() - start), threads: getNumThreads() };
}

// A few seeded LeNet-5 training steps, run the same way in Node (lenet.node.ts) and in Chromium (lenet.worker.ts),
// so that lenet.browser.ts can compare the two bit for bit.
import { crossEntropy, getBackend, getNumThreads, manualSeed, setNumThreads, Tensor } from '@torchlet/core';
import { SGD } from '@torchlet/optim';
import type { ImageDataset } from '@torchlet/data';
import { threadsReady, workerChunks } from '../../../packages/core/src/kernels/wasm/pool.js';
import { gemmBuild, preferGemmBuild } from '../../../packages/core/src/kernels/wasm/loader.js';
import { lenet5 } from '../../lenet/models.js';

export interface StepsReport {
  losses: number[];
  /** FNV-1a (32 bits) of the bytes of every tensor of the state dict, in its order. */
  weightsHash: string;
  threads: number;
  workerChunks: number;
  backend: string;
  /** The build of the gemm module that ran (the same on both sides, see preferGemmBuild). */
  gemmBuild: string | null;
  samplesPerSec: number;
}

export function fnv1a(tensors: Tensor[]): string {
  let h = 0x811c9dc5;
  for (const t of tensors) {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Trains LeNet-5 (seed 0, SGD with momentum 0.9) for `steps` batches of `batch`, in the dataset's order. */
export async function lenetSteps(train: ImageDataset, options: { steps: number; batch: number; threads: number; lr: number }): Promise<StepsReport> {
  const { steps, batch, threads, lr } = options;
  // Chromium validates the relaxed-SIMD gemm, stock Node does not: both run the SIMD128 build so the bits can agree
  preferGemmBuild('simd128');
  setNumThreads(threads);
  const ready = await threadsReady();
  if (ready !== threads) throw new Error(`lenetSteps: ${ready} of ${threads} threads started`);
  manualSeed(0);
  const model = lenet5(1, 28);
  const optimizer = new SGD(model.parameters(), { lr, momentum: 0.9 });
  const losses: number[] = [];
  const chunksBefore = workerChunks();
  const start = performance.now();
  for (let s = 0; s < steps; s++) {
    const from = (s * batch) % (train.x.shape[0] - batch);
    const x = new Tensor(train.x.data.slice(from * 784, (from + batch) * 784), [batch, 1, 28, 28]);
    const y = new Tensor(train.y.data.slice(from, from + batch), [batch]);
    const loss = crossEntropy(model.forward(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    losses,
    weightsHash: fnv1a(Object.values(model.stateDict())),
    threads: getNumThreads(),
    workerChunks: workerChunks() - chunksBefore,
    backend: getBackend(),
    gemmBuild: gemmBuild(),
    samplesPerSec: (steps * batch) / seconds,
  };
}

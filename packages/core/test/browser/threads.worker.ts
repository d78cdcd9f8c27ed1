// threads.browser.ts's worker: torchlet with 2 threads inside a Worker, compared with itself on 1 thread.
import { conv2d, getNumThreads, manualSeed, matmul, randn, setNumThreads, type Tensor } from '@torchlet/core';
import { threadsReady, workerChunks } from '../../src/kernels/wasm/pool.js';

export interface ThreadsReport {
  numThreads: number;
  ready: number;
  workerChunks: number;
  sameBits: boolean;
  afterOne: number;
  warnings: string[];
}

const warnings: string[] = [];
console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));

function compute(): Tensor[] {
  manualSeed(5);
  const a = randn([300, 256]);
  const b = randn([256, 280]);
  const x = randn([64, 3, 28, 28]);
  const w = randn([8, 3, 5, 5]);
  return [matmul(a, b), conv2d(x, w, null, { padding: 2 })];
}

const bitsEqual = (p: Tensor, q: Tensor): boolean => p.data.every((v, i) => Object.is(v, q.data[i]));

self.onmessage = async () => {
  try {
    setNumThreads(2);
    const ready = await threadsReady();
    const before = workerChunks();
    const split = compute();
    const chunks = workerChunks() - before;
    setNumThreads(1);
    const alone = compute();
    self.postMessage({
      numThreads: 2, ready, workerChunks: chunks, warnings,
      sameBits: split.every((t, i) => bitsEqual(t, alone[i])), afterOne: getNumThreads(),
    } satisfies ThreadsReport);
  } catch (err) {
    self.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
};

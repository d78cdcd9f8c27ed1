// The messages between the WebGPU bench (bench/browser-webgpu.ts, through its page) and its Worker
// (bench/browser-webgpu-worker.ts).

/** One of the four ways to train a network that the bench compares (the TF.js ones for LeNet-5 only). */
export type Contender = 'torchlet webgpu' | 'TF.js webgpu' | 'torchlet cpu' | 'TF.js cpu';
export const CONTENDERS: readonly Contender[] = ['torchlet webgpu', 'TF.js webgpu', 'torchlet cpu', 'TF.js cpu'];

/** The networks the bench trains: LeNet-5 beside TF.js, and issue 12's BatchNorm/residual net in torchlet alone. */
export type BenchModel = 'lenet5' | 'resnetish';

export type ToBenchWorker =
  /** Builds the contender's model and optimizer on the shared seeded batch and runs its first step (timed apart) and `warmup` more. */
  | { type: 'setup'; contender: Contender; model: BenchModel; batch: number; warmup: number; threads: number }
  /** Runs training steps of a set-up contender until at least `minSteps` and `minMs` are done. */
  | { type: 'run'; contender: Contender; minSteps: number; minMs: number };

export interface SetupDone {
  type: 'setup';
  /** Version, backend, threads or adapter. */
  detail: string;
  /** The first training step, compiling shaders (webgpu) or wasm (cpu) and allocating. */
  firstStepMs: number;
  /** The loss of the first step, to see that both frameworks train the same task. */
  firstLoss: number;
  /** The adapter's vendor, architecture and description, on the webgpu contenders. */
  adapter?: string;
}

export interface RunDone {
  type: 'run';
  steps: number;
  ms: number;
  loss: number;
}

export type FromBenchWorker = SetupDone | RunDone | { type: 'error'; message: string };

// The measurement protocol every peer follows (bench/peers/pytorch.py repeats it in Python): read the shared
// batch, run `warmup` steps, then `repeats` timed runs of `steps` steps each; ms/step is the median over the
// runs. The peer prints one line `RESULT {json}` that bench/run.ts parses.
import { readFileSync } from 'node:fs';

export const BATCH = 64;
export const IMAGE = 28;
export const CLASSES = 10;

export type ModelName = 'lenet5' | 'seedcnn';
export type Mode = 'train' | 'infer';

export interface PeerArgs {
  model: ModelName;
  mode: Mode;
  warmup: number;
  repeats: number;
  steps: number;
  /** The file bench/run.ts wrote: BATCH*IMAGE*IMAGE float32 pixels (NCHW, one channel), then BATCH int32 labels. */
  data: string;
}

export interface Batch {
  /** [BATCH, 1, IMAGE, IMAGE]; with one channel the same bytes are also NHWC. */
  images: Float32Array;
  labels: Int32Array;
}

export interface PeerResult {
  /** The row's label in the table, e.g. 'torchlet (wasm)', 'PyTorch (2 threads)'. */
  framework: string;
  /** Version, backend, threads: whatever qualifies the figures. */
  detail: string;
  model: ModelName;
  mode: Mode;
  batch: number;
  warmup: number;
  repeats: number;
  steps: number;
  msPerStep: number;
  samplesPerSec: number;
}

function flag(argv: string[], name: string): string {
  const i = argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= argv.length) throw new Error(`peer: missing --${name}`);
  return argv[i + 1];
}

function count(argv: string[], name: string): number {
  const value = Number(flag(argv, name));
  if (!Number.isInteger(value) || value < 0) throw new Error(`peer: --${name} must be a non-negative integer, got ${flag(argv, name)}`);
  return value;
}

export function parsePeerArgs(argv: string[] = process.argv.slice(2)): PeerArgs {
  const model = flag(argv, 'model');
  const mode = flag(argv, 'mode');
  if (model !== 'lenet5' && model !== 'seedcnn') throw new Error(`peer: --model must be lenet5 or seedcnn, got ${model}`);
  if (mode !== 'train' && mode !== 'infer') throw new Error(`peer: --mode must be train or infer, got ${mode}`);
  return { model, mode, warmup: count(argv, 'warmup'), repeats: count(argv, 'repeats'), steps: count(argv, 'steps'), data: flag(argv, 'data') };
}

export function readBatch(path: string): Batch {
  const bytes = readFileSync(path);
  const pixels = BATCH * IMAGE * IMAGE;
  const expected = 4 * (pixels + BATCH);
  if (bytes.length !== expected) throw new Error(`peer: ${path} has ${bytes.length} bytes, expected ${expected}`);
  // Copy into fresh, aligned buffers (a Buffer may sit at any offset of a shared pool).
  const copy = new Uint8Array(bytes).buffer;
  return { images: new Float32Array(copy, 0, pixels), labels: new Int32Array(copy, 4 * pixels, BATCH) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Times `step` under the protocol; `step` must finish its work synchronously (no pending async kernels). */
export function measure(step: () => void, args: PeerArgs): { msPerStep: number; samplesPerSec: number } {
  for (let i = 0; i < args.warmup; i++) step();
  const perStep: number[] = [];
  for (let r = 0; r < args.repeats; r++) {
    const t0 = performance.now();
    for (let k = 0; k < args.steps; k++) step();
    perStep.push((performance.now() - t0) / args.steps);
  }
  const msPerStep = median(perStep);
  return { msPerStep, samplesPerSec: (BATCH * 1000) / msPerStep };
}

export function report(result: PeerResult): void {
  console.log(`RESULT ${JSON.stringify(result)}`);
}

export interface PeerSetup {
  /** Version, backend, threads: whatever qualifies the figures. */
  detail: string;
  /** One training step (forward, loss, backward, optimizer step) or one no-grad forward, on the whole batch. */
  step: () => void;
}

/** Parses the peer's arguments, reads the batch, builds the model, measures, reports: the whole main() of a JS peer. */
export async function runPeer(framework: string, setup: (args: PeerArgs, batch: Batch) => PeerSetup | Promise<PeerSetup>): Promise<void> {
  const args = parsePeerArgs();
  const { detail, step } = await setup(args, readBatch(args.data));
  const { msPerStep, samplesPerSec } = measure(step, args);
  report({ framework, detail, model: args.model, mode: args.mode, batch: BATCH, warmup: args.warmup, repeats: args.repeats, steps: args.steps, msPerStep, samplesPerSec });
}

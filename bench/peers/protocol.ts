// The protocol every peer serves (bench/peers/pytorch.py repeats it in Python). bench/run.ts starts one long-lived
// child per peer and thread count and talks to it one line at a time, so that it can interleave the peers repeat
// by repeat:
//   setup <model> <mode> <steps> <ms> -> READY {json PeerReady}  builds the model on the shared batch, warms up:
//                                                               at least <steps> steps and at least <ms> milliseconds
//   run <steps>                    ->  TIME <ms>                 runs `steps` steps, prints the milliseconds they took
//   quit (or end of input)         ->  exits
// A command that fails answers `ERROR <message>` and the child keeps serving.
// The batch files (written by bench/run.ts, one per input shape) sit in the directory given by --data-dir.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { NETWORKS, isModelName, type Input, type ModelName } from '../networks.js';

export const BATCH = 64;
export const CLASSES = 10;

export type Mode = 'train' | 'infer';

export interface Batch {
  /** [BATCH, channels, size, size], NCHW. */
  images: Float32Array;
  labels: Int32Array;
  input: Input;
}

export interface PeerReady {
  /** The row's label in the table, e.g. 'torchlet (wasm)', 'PyTorch'. */
  framework: string;
  /** Version, backend, threads: whatever qualifies the figures. */
  detail: string;
  /** Milliseconds of the last warm-up step: bench/run.ts picks the steps per repeat from it. */
  warmupStepMs: number;
  /** How many warm-up steps ran. */
  warmupSteps: number;
}

export interface PeerSetup {
  /** Version, backend, threads: whatever qualifies the figures. */
  detail: string;
  /** One training step (forward, loss, backward, optimizer step) or one no-grad forward, on the whole batch; synchronous. */
  step: () => void;
}

export type SetupFn = (model: ModelName, mode: Mode, batch: Batch) => PeerSetup | Promise<PeerSetup>;

/** The batch file for an input shape, e.g. batch-3x32x32.bin: float32 NCHW pixels, then BATCH int32 labels. */
export function batchFileName(input: Input): string {
  return `batch-${input.channels}x${input.size}x${input.size}.bin`;
}

const DATA_SEED = 20240601;

/** Writes the seeded batch for an input shape (mulberry32, Box-Muller normals, labels 0..9) into `dir`. */
export function writeBatch(dir: string, input: Input): void {
  let state = (DATA_SEED + input.channels * 1000 + input.size) >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pixels = BATCH * input.channels * input.size * input.size;
  const buffer = new ArrayBuffer(4 * (pixels + BATCH));
  const images = new Float32Array(buffer, 0, pixels);
  const labels = new Int32Array(buffer, 4 * pixels, BATCH);
  for (let i = 0; i < pixels; i++) images[i] = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  for (let i = 0; i < BATCH; i++) labels[i] = Math.floor(uniform() * CLASSES);
  writeFileSync(join(dir, batchFileName(input)), new Uint8Array(buffer));
}

export function readBatch(dir: string, input: Input): Batch {
  const path = join(dir, batchFileName(input));
  const bytes = readFileSync(path);
  const pixels = BATCH * input.channels * input.size * input.size;
  const expected = 4 * (pixels + BATCH);
  if (bytes.length !== expected) throw new Error(`peer: ${path} has ${bytes.length} bytes, expected ${expected}`);
  // Copy into fresh, aligned buffers (a Buffer may sit at any offset of a shared pool).
  const copy = new Uint8Array(bytes).buffer;
  return { images: new Float32Array(copy, 0, pixels), labels: new Int32Array(copy, 4 * pixels, BATCH), input };
}

function dataDir(argv: string[]): string {
  const i = argv.indexOf('--data-dir');
  if (i < 0 || i + 1 >= argv.length) throw new Error('peer: missing --data-dir');
  return argv[i + 1];
}

function count(name: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 0) throw new Error(`peer: ${name} must be a non-negative integer, got ${text}`);
  return value;
}

/** Serves the protocol on stdin/stdout until `quit` or end of input: the whole main() of a JS peer. */
export async function servePeer(framework: string, setup: SetupFn, argv: string[] = process.argv.slice(2)): Promise<void> {
  const dir = dataDir(argv);
  let step: (() => void) | null = null;
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const [command, ...rest] = line.trim().split(/\s+/);
    try {
      if (command === 'quit') break;
      if (command === 'setup') {
        const [model, mode, warmupSteps, warmupMs] = rest;
        if (!isModelName(model)) throw new Error(`peer: unknown model '${model}'`);
        if (mode !== 'train' && mode !== 'infer') throw new Error(`peer: mode must be train or infer, got '${mode}'`);
        step = null;
        const ready = await setup(model, mode, readBatch(dir, NETWORKS[model].input));
        const minSteps = Math.max(1, count('warm-up steps', warmupSteps));
        const minMs = count('warm-up ms', warmupMs);
        const start = performance.now();
        let last = 0;
        let done = 0;
        for (; done < minSteps || performance.now() - start < minMs; done++) {
          const t0 = performance.now();
          ready.step();
          last = performance.now() - t0;
        }
        step = ready.step;
        const reply: PeerReady = { framework, detail: ready.detail, warmupStepMs: last, warmupSteps: done };
        console.log(`READY ${JSON.stringify(reply)}`);
      } else if (command === 'run') {
        if (!step) throw new Error('peer: run before a successful setup');
        const steps = count('steps', rest[0]);
        const t0 = performance.now();
        for (let k = 0; k < steps; k++) step();
        console.log(`TIME ${performance.now() - t0}`);
      } else {
        throw new Error(`peer: unknown command '${line.trim()}'`);
      }
    } catch (e) {
      console.log(`ERROR ${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')}`);
    }
  }
  lines.close();
  // torchlet's worker thread would keep the process alive.
  process.exit(0);
}

import { CONTROL_SLOT_BYTES, controlSlotAddress, workspaceAddress, type GemmExports } from './loader.js';
import { runConvChunk } from './conv-job.js';
import type { WasmMemory, WasmModule } from './wasm-types.js';

/*
 * The job protocol of the kernel thread pool (pool.ts), the part both sides run: the fields of the control slots in
 * the shared memory, computing a chunk of a job, and a worker's loop (serveJobs). It imports no platform, so the
 * worker entries (platform/node-worker.ts, platform/browser-worker.ts) bundle it alone.
 */

// Int32 fields of the job slot (slot 0).
export const KIND = 0; // F32 or F64
export const TRANS_A = 1;
export const TRANS_B = 2;
export const ROWS = 3; // M
export const COLS = 4; // N
export const DEPTH = 5; // K
export const A = 6;
export const LDA = 7;
export const B = 8;
export const LDB = 9;
export const C = 10;
export const LDC = 11;
export const ACCUMULATE = 12;
export const BY_ROWS = 13; // 1: chunks are bands of rows of C, 0: bands of columns
export const CHUNK = 14; // rows or columns per chunk
export const CHUNKS = 15;
export const NEXT = 16; // the next chunk to take
export const WORKER_CHUNKS = 17; // chunks computed by workers since the start, for tests and benchmarks
export const JOB = 18; // GEMM_JOB or CONV_JOB; a conv job's own fields (conv-job.ts) are the ones not named here

export const GEMM_JOB = 0;
export const CONV_JOB = 1;

// Int32 fields of a worker's slot (slots 1 ..).
export const SEQ = 0; // bumped to wake the worker
export const STATE = 1; // IDLE, POSTED, RUNNING, FINISHED, QUIT or EXITED
export const READY = 2; // 1 once the worker waits for posts
export const FAILED_CHUNK = 3; // the chunk the worker could not compute (it threw), or -1

export const IDLE = 0;
export const POSTED = 1;
export const RUNNING = 2;
export const FINISHED = 3;
export const QUIT = 4;
export const EXITED = 5;

export const F32 = 0;
export const F64 = 1;

/** What a worker is given once, at its start (the module and the memory are shared, not copied). */
export interface WorkerData {
  module: WasmModule;
  memory: WasmMemory;
  thread: number;
}

export function controlSlot(memory: WasmMemory, exports: GemmExports, thread: number): Int32Array {
  // Growing a shared memory never detaches its buffer, so a view of the low addresses stays valid for good.
  return new Int32Array(memory.buffer, controlSlotAddress(exports, thread), CONTROL_SLOT_BYTES / 4);
}

/** Computes chunk i of the job in `job` with thread `thread`'s workspace. */
export function runChunk(memory: WasmMemory, exports: GemmExports, job: Int32Array, i: number, thread: number): void {
  if (job[JOB] === CONV_JOB) runConvChunk(memory, exports, job, i, thread);
  else runGemmChunk(exports, job, i, thread);
}

/** Computes chunk i (a band of C) of the product in `job`. */
function runGemmChunk(exports: GemmExports, job: Int32Array, i: number, thread: number): void {
  const bytes = job[KIND] === F64 ? 8 : 4;
  const start = i * job[CHUNK];
  const transA = job[TRANS_A];
  const transB = job[TRANS_B];
  let M = job[ROWS];
  let N = job[COLS];
  let a = job[A];
  let b = job[B];
  let c = job[C];
  if (job[BY_ROWS] === 1) {
    M = Math.min(job[CHUNK], M - start);
    a += start * (transA === 1 ? 1 : job[LDA]) * bytes;
    c += start * job[LDC] * bytes;
  } else {
    N = Math.min(job[CHUNK], N - start);
    b += start * (transB === 1 ? job[LDB] : 1) * bytes;
    c += start * bytes;
  }
  const entry = bytes === 8 ? exports.gemmF64 : exports.gemmF32;
  entry(transA, transB, M, N, job[DEPTH], a, job[LDA], b, job[LDB], c, job[LDC], job[ACCUMULATE], workspaceAddress(exports, thread));
}

/** Takes chunks of the job until none is left. */
export function runChunks(memory: WasmMemory, exports: GemmExports, job: Int32Array, thread: number): void {
  for (let i = Atomics.add(job, NEXT, 1); i < job[CHUNKS]; i = Atomics.add(job, NEXT, 1)) runChunk(memory, exports, job, i, thread);
}


/**
 * The worker side (platform/node-worker.ts, platform/browser-worker.ts): marks the thread ready, calls onReady, then takes chunks of every product it is
 * posted until told to quit.
 */
export function serveJobs(data: WorkerData, exports: GemmExports, onReady: () => void): void {
  const job = controlSlot(data.memory, exports, 0);
  const slot = controlSlot(data.memory, exports, data.thread);
  Atomics.store(slot, READY, 1);
  onReady();
  let seen = 0;
  for (;;) {
    Atomics.wait(slot, SEQ, seen);
    seen = Atomics.load(slot, SEQ);
    if (Atomics.load(slot, STATE) === QUIT) break;
    // The main thread may have done all the chunks and withdrawn the post already.
    if (Atomics.compareExchange(slot, STATE, POSTED, RUNNING) !== POSTED) continue;
    slot[FAILED_CHUNK] = -1;
    for (let i = Atomics.add(job, NEXT, 1); i < job[CHUNKS]; i = Atomics.add(job, NEXT, 1)) {
      try {
        runChunk(data.memory, exports, job, i, data.thread);
        Atomics.add(job, WORKER_CHUNKS, 1);
      } catch {
        slot[FAILED_CHUNK] = i; // the main thread computes it again
        break;
      }
    }
    Atomics.store(slot, STATE, FINISHED);
    Atomics.notify(slot, STATE);
  }
  Atomics.store(slot, READY, 0);
  Atomics.store(slot, STATE, EXITED);
  Atomics.notify(slot, STATE);
}

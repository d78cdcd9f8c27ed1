import { MAX_THREADS, gemmRuntime, workspaceAddress, type GemmRuntime } from './loader.js';
import {
  A, ACCUMULATE, B, BY_ROWS, C, CHUNK, CHUNKS, COLS, CONV_JOB, DEPTH, EXITED, F32, F64, FAILED_CHUNK, GEMM_JOB, IDLE,
  JOB, KIND, LDA, LDB, LDC, NEXT, POSTED, QUIT, READY, ROWS, RUNNING, SEQ, STATE, TRANS_A, TRANS_B, WORKER_CHUNKS,
  controlSlot, runChunk, runChunks, type WorkerData,
} from './pool-jobs.js';
import { platform, type PoolThread } from '../../platform/index.js';

/*
 * A persistent pool of worker threads for the wasm matrix product and conv2d. Every thread runs its own instance of
 * the gemm module on the same shared WebAssembly.Memory (see loader.ts for its layout), so handing out work is writing
 * a few int32 there, never a message (the protocol and the worker's loop are in pool-jobs.ts):
 *
 *   - the main thread writes the job into the job slot (slot 0), cut into chunks: for a product, bands of whole tiles
 *     of C; for a conv2d job (conv-job.ts), runs of samples;
 *   - it marks each ready worker's slot POSTED, bumps its SEQ and notifies; a worker sleeps in Atomics.wait on SEQ;
 *   - every thread then takes chunks from the job's NEXT counter (Atomics.add) until none is left, computing each
 *     in place, so each output is computed by exactly one thread, as one thread would: same bits;
 *   - a worker claims its post (POSTED -> RUNNING) before taking chunks and reports FINISHED; the main thread,
 *     out of chunks, withdraws the posts not yet claimed (POSTED -> IDLE) and waits only for the claimed ones.
 *     A worker whose core is busy elsewhere therefore never delays a product: the main thread does its share.
 *
 * "The main thread" is the thread that calls torchlet: it waits for a worker's last chunk in Atomics.wait, so in a
 * browser it must be a Worker (a page's own main thread may not block; there torchlet runs on one thread).
 * The workers come from the platform (platform/node.ts: worker_threads; platform/browser.ts: Web Workers).
 *
 * Thread count: TORCHLET_NUM_THREADS (Node) or setNumThreads(), counting the main thread (1 = no worker). The default
 * is 2 where the engine reports at least 2 logical cores (navigator.hardwareConcurrency) or does not say (Node 20),
 * else 1; two is what the split threshold in gemm.ts was measured with. Where the platform cannot run workers (a page
 * that is not cross-origin isolated, a page's main thread) the count is 1 and a console warning says why. Workers
 * start lazily, on the first product large enough to split, and never keep a Node process alive. Until a worker has
 * started, and for good if it cannot start, products run on the main thread alone.
 */

/** Chunks per thread: enough for a thread that starts late, or runs slower, to leave its share to the others. */
const CHUNKS_PER_THREAD = 4;
/** Chunk boundaries fall on multiples of 8 rows or columns: whole register tiles (4 rows; 8 f32 or 4 f64 columns). */
const CHUNK_ALIGN = 8;
/** Each chunk packs the whole of the other operand again, so a chunk needs enough rows or columns to pay for that. */
const CHUNK_MIN = 32;
/** Milliseconds the main thread spins for a worker's last chunk before it sleeps. */
const SPIN_MS = 0.05;

/** A product whose operands are in the shared memory: the wasm gemm entry's arguments, addresses in bytes. */
export interface GemmProduct {
  f64: boolean;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  c: number;
  ldc: number;
  accumulate: boolean;
}

export type { WorkerData } from './pool-jobs.js';

type WorkerState = 'starting' | 'ready' | 'stopping' | 'failed';

interface PoolWorker {
  thread: PoolThread | null; // null if the platform threw when asked for it
  state: WorkerState;
  /** Resolved when the worker is ready (true) or has failed to start or been stopped (false). */
  started: Promise<boolean>;
  /** Resolved when the thread has exited (or never started). */
  exited: Promise<void>;
}

const isThreadCount = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= MAX_THREADS;

function defaultThreads(): number {
  const cores = platform.cores();
  return cores === undefined || cores >= 2 ? 2 : 1;
}

function fromEnvironment(): number {
  const requested = platform.env('TORCHLET_NUM_THREADS');
  if (requested === undefined || requested === '') return defaultThreads();
  const n = Number(requested);
  if (!isThreadCount(n)) throw new Error(`TORCHLET_NUM_THREADS must be an integer from 1 to ${MAX_THREADS}, got '${requested}'`);
  return n;
}

const warned = new Set<string>();

/** n, or 1 with a console warning (once per reason) where the platform cannot run worker threads. */
function possibleThreads(n: number): number {
  if (n === 1) return 1;
  const reason = platform.threadsUnavailable();
  if (reason === null) return n;
  if (!warned.has(reason)) {
    warned.add(reason);
    console.warn(`torchlet: running on 1 thread, not ${n}: ${reason}`);
  }
  return 1;
}

let threads = possibleThreads(fromEnvironment());
/** workers[t] runs thread t (t ≥ 1; thread 0 is the main thread); holes are threads not started. */
const workers: (PoolWorker | undefined)[] = [];
/** Views of the control slots: slots[0] the job, slots[t] worker t's. */
const slots: Int32Array[] = [];

/** Threads the products are split across, counting the main thread; like torch.get_num_threads. */
export function getNumThreads(): number {
  return threads;
}

/**
 * Sets how many threads, counting the main thread, large products are split across (1 = the main thread alone);
 * like torch.set_num_threads. Workers past the new count are stopped; new ones start on the next large product.
 * Where worker threads cannot run (see above) the count stays 1 and a console warning says why.
 */
export function setNumThreads(n: number): void {
  if (!isThreadCount(n)) throw new Error(`setNumThreads: expected an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(n)}`);
  threads = possibleThreads(n);
  for (let t = 1; t < workers.length; t++) {
    const w = workers[t];
    if (w === undefined) continue;
    if (t >= threads) stop(t);
    else if (w.state === 'failed') {
      // Asking again retries a worker that could not start.
      workers[t] = undefined;
    }
  }
}

/** Starts the worker of thread t on the platform; resolves true once it waits for jobs, false if it cannot start. */
function spawn(t: number, record: PoolWorker, onExit: () => void): Promise<boolean> {
  const runtime = gemmRuntime();
  if (runtime === null) return Promise.resolve(false);
  const slot = slots[t] ?? (slots[t] = controlSlot(runtime.memory, runtime.exports, t));
  for (const field of [SEQ, STATE, READY]) Atomics.store(slot, field, 0);
  const data: WorkerData = { module: runtime.module, memory: runtime.memory, thread: t };
  return new Promise<boolean>((resolve) => {
    record.thread = platform.startThread(data, {
      ready: () => resolve(isReady(t)),
      failed: () => {
        record.state = 'failed';
        resolve(false);
      },
      exited: () => {
        if (record.state !== 'stopping') record.state = 'failed';
        resolve(false);
        onExit();
      },
    });
  });
}

/** Starts the workers of threads 1 .. getNumThreads() - 1 that are not running or starting. */
function startWorkers(): void {
  for (let t = 1; t < threads; t++) {
    if (workers[t] !== undefined) continue;
    let onExit = (): void => {};
    const exited = new Promise<void>((resolve) => (onExit = resolve));
    const record: PoolWorker = { thread: null, state: 'starting', started: Promise.resolve(false), exited };
    const freeSlot = (): void => {
      // A worker that failed keeps its slot (and is not restarted) until setNumThreads asks again.
      if (workers[t] === record && record.state === 'stopping') workers[t] = undefined;
      onExit();
    };
    let started: Promise<boolean>;
    try {
      started = spawn(t, record, freeSlot);
    } catch {
      started = Promise.resolve(false);
    }
    record.started = started.catch(() => false).then((ok) => {
      if (!ok && record.state === 'starting') record.state = 'failed';
      if (record.thread === null) onExit(); // no thread was made, so none will exit
      return ok;
    });
    workers[t] = record;
  }
}

/**
 * Stops thread t's worker. A worker waiting for jobs gets a QUIT job, which it acknowledges at once: its slot is
 * free from then on. A worker still starting is terminated and keeps its slot until it has exited.
 */
function stop(t: number): void {
  const record = workers[t];
  if (record === undefined) return;
  const wasReady = isReady(t);
  record.state = 'stopping';
  if (wasReady) {
    quit(t);
    workers[t] = undefined;
  } else if (record.thread !== null) {
    record.thread.terminate();
  } else {
    workers[t] = undefined;
  }
}

/** True when thread t's worker waits for jobs; notices a worker that has just started without the event loop. */
function isReady(t: number): boolean {
  const record = workers[t];
  if (record === undefined) return false;
  if (record.state === 'starting' && slots[t] !== undefined && Atomics.load(slots[t], READY) === 1) record.state = 'ready';
  return record.state === 'ready';
}

/**
 * The threads a large product can be split across right now (1 + the workers ready for jobs), starting the workers
 * if they are not running: the first large products run on the main thread while the workers start.
 */
export function availableThreads(): number {
  if (threads === 1) return 1;
  startWorkers();
  let n = 1;
  for (let t = 1; t < threads; t++) if (isReady(t)) n++;
  return n;
}

/**
 * Starts the workers and resolves, once each has started or failed, with the threads available (as
 * availableThreads()). For tests and benchmarks, which want the split path from the first product.
 */
export async function threadsReady(): Promise<number> {
  // Workers being stopped hold their slots until they exit.
  await Promise.all(workers.slice(1).map((w) => (w?.state === 'stopping' ? w.exited : undefined)));
  if (threads > 1) startWorkers();
  await Promise.all(workers.slice(1, threads).map((w) => w?.started));
  return availableThreads();
}
/**
 * Computes the product, in the shared memory, with up to `parts` threads (at most availableThreads(): 1 + the
 * workers ready now), cut into chunks of whole tiles: bands of rows when C has at least as many rows as columns,
 * else bands of columns (conv's products are 6×50176 or 25×50176).
 */
export function runGemm({ memory, exports }: GemmRuntime, product: GemmProduct, parts: number): void {
  const byRows = product.M >= product.N;
  const extent = byRows ? product.M : product.N;
  const chunk = Math.max(CHUNK_MIN, Math.ceil(extent / (CHUNKS_PER_THREAD * parts) / CHUNK_ALIGN) * CHUNK_ALIGN);
  const chunks = Math.ceil(extent / chunk);
  if (parts === 1 || chunks === 1) {
    const entry = product.f64 ? exports.gemmF64 : exports.gemmF32;
    entry(
      +product.transA, +product.transB, product.M, product.N, product.K, product.a, product.lda, product.b,
      product.ldb, product.c, product.ldc, +product.accumulate, workspaceAddress(exports, 0),
    );
    return;
  }
  const job = slots[0] ?? (slots[0] = controlSlot(memory, exports, 0));
  job[JOB] = GEMM_JOB;
  job[KIND] = product.f64 ? F64 : F32;
  job[TRANS_A] = +product.transA;
  job[TRANS_B] = +product.transB;
  job[ROWS] = product.M;
  job[COLS] = product.N;
  job[DEPTH] = product.K;
  job[A] = product.a;
  job[LDA] = product.lda;
  job[B] = product.b;
  job[LDB] = product.ldb;
  job[C] = product.c;
  job[LDC] = product.ldc;
  job[ACCUMULATE] = +product.accumulate;
  job[BY_ROWS] = +byRows;
  job[CHUNK] = chunk;
  job[CHUNKS] = chunks;
  runPosted({ memory, exports }, job, parts);
}

/**
 * Runs the conv2d job of `chunks` chunks that `write` puts into the job slot (conv-job.ts), with up to `parts` threads
 * as runGemm. Each chunk is computed by exactly one thread, so the result does not depend on how many took part.
 */
export function runConvJob(runtime: GemmRuntime, write: (job: Int32Array) => void, chunks: number, parts: number): void {
  const job = slots[0] ?? (slots[0] = controlSlot(runtime.memory, runtime.exports, 0));
  job[JOB] = CONV_JOB;
  write(job);
  job[CHUNKS] = chunks;
  runPosted(runtime, job, parts);
}

/**
 * Posts the job in the job slot to up to parts - 1 ready workers, takes chunks on the main thread until none is left,
 * then withdraws the posts not claimed and waits for the claimed ones.
 */
function runPosted({ memory, exports }: Pick<GemmRuntime, 'memory' | 'exports'>, job: Int32Array, parts: number): void {
  Atomics.store(job, NEXT, 0);
  splitJobs++;
  const posted: number[] = [];
  for (let t = 1; t < threads && posted.length < parts - 1; t++) {
    if (!isReady(t)) continue;
    // The sequentially consistent store publishes the job's plain stores above to the worker that claims it.
    Atomics.store(slots[t], STATE, POSTED);
    Atomics.add(slots[t], SEQ, 1);
    Atomics.notify(slots[t], SEQ);
    posted.push(t);
  }
  runChunks(memory, exports, job, 0);
  for (const t of posted) {
    const slot = slots[t];
    if (Atomics.compareExchange(slot, STATE, POSTED, IDLE) === POSTED) continue; // not claimed: nothing to wait for
    waitWhileRunning(slot);
    const failed = slot[FAILED_CHUNK];
    Atomics.store(slot, STATE, IDLE);
    if (failed >= 0) runChunk(memory, exports, job, failed, 0);
  }
}

/**
 * Waits for a worker that claimed a post to finish. Spins a little first: the worker is usually on its last chunk,
 * and waking from Atomics.wait takes tens of microseconds. No timeout: a worker leaves only through QUIT, and a
 * chunk that throws there is still reported.
 */
function waitWhileRunning(slot: Int32Array): void {
  const spinUntil = performance.now() + SPIN_MS;
  let state = Atomics.load(slot, STATE);
  while (state === RUNNING && performance.now() < spinUntil) state = Atomics.load(slot, STATE);
  while (state === RUNNING) {
    Atomics.wait(slot, STATE, RUNNING);
    state = Atomics.load(slot, STATE);
  }
}

let splitJobs = 0;

/**
 * How many jobs have been split across the pool so far (posted to the workers ready then). Whether a worker claims a
 * chunk of one depends on the scheduler (on a busy machine the main thread may finish them all), so tests that a
 * path is threaded count these, not workerChunks().
 */
export function splitJobCount(): number {
  return splitJobs;
}

/** How many chunks of split products the workers have computed so far (tests and benchmarks). */
export function workerChunks(): number {
  return slots[0] === undefined ? 0 : Atomics.load(slots[0], WORKER_CHUNKS);
}

/** Tells thread t's ready worker to leave and waits until it has: it is idle, so that is a few microseconds. */
function quit(t: number): void {
  const slot = slots[t];
  Atomics.store(slot, STATE, QUIT);
  Atomics.add(slot, SEQ, 1);
  Atomics.notify(slot, SEQ);
  for (let s = Atomics.load(slot, STATE); s !== EXITED; s = Atomics.load(slot, STATE)) Atomics.wait(slot, STATE, s);
}

import type { Worker } from 'node:worker_threads';
import {
  CONTROL_SLOT_BYTES, MAX_THREADS, controlSlotAddress, gemmRuntime, workspaceAddress, type GemmExports, type GemmRuntime,
} from './loader.js';
import { runConvChunk } from './conv-job.js';

/*
 * A persistent pool of worker threads for the wasm matrix product and conv2d. Every thread runs its own instance of
 * the gemm module on the same shared WebAssembly.Memory (see loader.ts for its layout), so handing out work is writing
 * a few int32 there, never a message:
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
 * Thread count: TORCHLET_NUM_THREADS or setNumThreads(), counting the main thread (1 = no worker). The default is 2
 * where the engine reports at least 2 logical cores (navigator.hardwareConcurrency) or does not say (Node 20), else
 * 1; two is what the split threshold in gemm.ts was measured with. Workers start lazily, on the first product large
 * enough to split, and never keep the process alive (unref). Until a worker has started, and for good if it cannot
 * start (no worker_threads, a bundle without gemm-worker.js), products run on the main thread alone.
 */

// Int32 fields of the job slot (slot 0).
const KIND = 0; // F32 or F64
const TRANS_A = 1;
const TRANS_B = 2;
const ROWS = 3; // M
const COLS = 4; // N
const DEPTH = 5; // K
const A = 6;
const LDA = 7;
const B = 8;
const LDB = 9;
const C = 10;
const LDC = 11;
const ACCUMULATE = 12;
const BY_ROWS = 13; // 1: chunks are bands of rows of C, 0: bands of columns
const CHUNK = 14; // rows or columns per chunk
const CHUNKS = 15;
const NEXT = 16; // the next chunk to take
const WORKER_CHUNKS = 17; // chunks computed by workers since the start, for tests and benchmarks
const JOB = 18; // GEMM_JOB or CONV_JOB; a conv job's own fields (conv-job.ts) are the ones not named here

const GEMM_JOB = 0;
const CONV_JOB = 1;

// Int32 fields of a worker's slot (slots 1 ..).
const SEQ = 0; // bumped to wake the worker
const STATE = 1; // IDLE, POSTED, RUNNING, FINISHED, QUIT or EXITED
const READY = 2; // 1 once the worker waits for posts
const FAILED_CHUNK = 3; // the chunk the worker could not compute (it threw), or -1

const IDLE = 0;
const POSTED = 1;
const RUNNING = 2;
const FINISHED = 3;
const QUIT = 4;
const EXITED = 5;

const F32 = 0;
const F64 = 1;

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

/** What a worker is given once, at its start (the module and the memory are shared, not copied). */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  thread: number;
}

type WorkerState = 'starting' | 'ready' | 'stopping' | 'failed';

interface PoolWorker {
  worker: Worker | null; // null until node:worker_threads has loaded
  state: WorkerState;
  /** Resolved when the worker is ready (true) or has failed to start or been stopped (false). */
  started: Promise<boolean>;
  /** Resolved when the thread has exited (or never started). */
  exited: Promise<void>;
}

function controlSlot(memory: WebAssembly.Memory, exports: GemmExports, thread: number): Int32Array {
  // Growing a shared memory never detaches its buffer, so a view of the low addresses stays valid for good.
  return new Int32Array(memory.buffer, controlSlotAddress(exports, thread), CONTROL_SLOT_BYTES / 4);
}

function defaultThreads(): number {
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return cores === undefined || cores >= 2 ? 2 : 1;
}

const isThreadCount = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= MAX_THREADS;

function fromEnvironment(): number {
  const requested = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TORCHLET_NUM_THREADS;
  if (requested === undefined || requested === '') return defaultThreads();
  const n = Number(requested);
  if (!isThreadCount(n)) throw new Error(`TORCHLET_NUM_THREADS must be an integer from 1 to ${MAX_THREADS}, got '${requested}'`);
  return n;
}

let threads = fromEnvironment();
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
 */
export function setNumThreads(n: number): void {
  if (!isThreadCount(n)) throw new Error(`setNumThreads: expected an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(n)}`);
  threads = n;
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

/** The URL a worker runs: the bundle's gemm-worker.js beside dist/index.js, or gemm-worker.ts when run from source. */
function workerEntry(): { fromSource: boolean; url: URL } {
  const fromSource = import.meta.url.endsWith('.ts');
  return { fromSource, url: new URL(fromSource ? './gemm-worker.ts' : './gemm-worker.js', import.meta.url) };
}

type WorkerThreads = typeof import('node:worker_threads');

/**
 * node:worker_threads, synchronously where Node can (process.getBuiltinModule, Node ≥ 20.16), so a worker starts even
 * if the caller never yields to the event loop; else by a dynamic import. Imported on demand, not at the top, so the
 * module loads where there is no worker_threads.
 */
function loadWorkerThreads(): WorkerThreads | Promise<WorkerThreads> {
  const builtin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  return builtin !== undefined ? (builtin('node:worker_threads') as WorkerThreads) : import('node:worker_threads');
}

/** Starts the worker of thread t; resolves true once it waits for jobs, false if it cannot start. */
function spawn(t: number, record: PoolWorker, onExit: () => void): Promise<boolean> {
  const threadsModule = loadWorkerThreads();
  if (threadsModule instanceof Promise) return threadsModule.then(({ Worker }) => create(Worker, t, record, onExit));
  return create(threadsModule.Worker, t, record, onExit);
}

/**
 * Creates the worker of thread t. From source, the worker registers the tsx loader itself before importing its .ts
 * entry: Node 20 does not apply the parent's `--import tsx` hooks to a worker's entry module.
 */
function create(WorkerClass: typeof Worker, t: number, record: PoolWorker, onExit: () => void): Promise<boolean> {
  const runtime = gemmRuntime();
  if (runtime === null || record.state !== 'starting') return Promise.resolve(false); // stopped while loading
  const slot = slots[t] ?? (slots[t] = controlSlot(runtime.memory, runtime.exports, t));
  for (const field of [SEQ, STATE, READY]) Atomics.store(slot, field, 0);
  const workerData: WorkerData = { module: runtime.module, memory: runtime.memory, thread: t };
  const { fromSource, url } = workerEntry();
  let worker: Worker;
  if (fromSource) {
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const bootstrap = `import(${tsx}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
    worker = new WorkerClass(bootstrap, { eval: true, workerData });
  } else {
    worker = new WorkerClass(url, { workerData });
  }
  worker.unref();
  record.worker = worker;
  worker.once('exit', () => {
    if (record.state !== 'stopping') record.state = 'failed';
    onExit();
  });
  return new Promise<boolean>((resolve) => {
    worker.once('message', () => resolve(isReady(t)));
    worker.once('error', () => {
      record.state = 'failed';
      resolve(false);
    });
    worker.once('exit', () => resolve(false));
  });
}

/** Starts the workers of threads 1 .. getNumThreads() - 1 that are not running or starting. */
function startWorkers(): void {
  for (let t = 1; t < threads; t++) {
    if (workers[t] !== undefined) continue;
    let onExit = (): void => {};
    const exited = new Promise<void>((resolve) => (onExit = resolve));
    const record: PoolWorker = { worker: null, state: 'starting', started: Promise.resolve(false), exited };
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
      if (record.worker === null) onExit(); // no thread was made, so none will exit
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
  } else if (record.worker !== null) {
    void record.worker.terminate();
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

/** Computes chunk i of the job in `job` with thread `thread`'s workspace. */
function runChunk(memory: WebAssembly.Memory, exports: GemmExports, job: Int32Array, i: number, thread: number): void {
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
function runChunks(memory: WebAssembly.Memory, exports: GemmExports, job: Int32Array, thread: number): void {
  for (let i = Atomics.add(job, NEXT, 1); i < job[CHUNKS]; i = Atomics.add(job, NEXT, 1)) runChunk(memory, exports, job, i, thread);
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

/**
 * The worker side (gemm-worker.ts): marks the thread ready, calls onReady, then takes chunks of every product it is
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

import type { WorkerData } from '../kernels/wasm/pool-jobs.js';

/*
 * What the kernel thread pool (kernels/wasm/pool.ts) needs from the platform it runs on: settings from the
 * environment, the core count, and worker threads running the pool's job loop. One implementation per platform:
 * node.ts (worker_threads) and browser.ts (Web Workers); index.ts picks one at load.
 */

/** How a started worker reports back to the pool. */
export interface ThreadEvents {
  /** The worker runs the job loop and waits for posts. */
  ready(): void;
  /** The worker could not start, or threw outside a chunk. */
  failed(): void;
  /** The thread is gone (after failed(), terminate(), or the end of the job loop). */
  exited(): void;
}

/** A worker thread as the pool holds it. */
export interface PoolThread {
  /** Ends the thread at once, whatever it is doing; exited() follows. */
  terminate(): void;
}

export interface Platform {
  readonly name: 'node' | 'browser';
  /** An environment setting such as TORCHLET_NUM_THREADS, or undefined where the platform has none. */
  env(name: string): string | undefined;
  /** Logical cores, or undefined where the engine does not say. */
  cores(): number | undefined;
  /** Why worker threads cannot run the pool here (the sentence a warning prints), or null when they can. */
  threadsUnavailable(): string | null;
  /** Starts a worker that runs serveJobs(data, ...); `events` follow its life. May throw if it cannot start. */
  startThread(data: WorkerData, events: ThreadEvents): PoolThread;
}

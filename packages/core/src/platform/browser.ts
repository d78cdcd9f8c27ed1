import type { Platform, PoolThread, ThreadEvents } from './types.js';
import type { WorkerData } from '../kernels/wasm/pool-jobs.js';
import { BROWSER_WORKER_SOURCE } from './browser-worker-source.js';

/*
 * The browser (and Deno, and other engines with Web Workers): the pool's threads are Web Workers started from a Blob
 * URL of the inlined worker bundle, sharing the wasm memory. That needs a cross-origin isolated context (the shared
 * memory cannot be posted to a worker otherwise) and a thread that may block in Atomics.wait while a worker finishes
 * its chunk: a page's main thread may not, so there torchlet runs on one thread and threads are for torchlet running
 * inside a Worker of the page.
 */

interface BrowserGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: new (url: string, options?: { name?: string }) => BrowserWorker;
}

interface BrowserWorker {
  onmessage: (() => void) | null;
  onerror: ((event: { preventDefault(): void }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}

const browser = globalThis as BrowserGlobals;

/** True where Atomics.wait may block this thread (a worker), false on a page's main thread, where it throws. */
function mayBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export const ISOLATION_HEADERS = 'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp';

let workerUrl: string | undefined;

export const browserPlatform: Platform = {
  name: 'browser',
  env: () => undefined,
  cores: () => browser.navigator?.hardwareConcurrency,
  threadsUnavailable(): string | null {
    if (browser.Worker === undefined) return 'this context has no Web Workers';
    if (browser.crossOriginIsolated !== true || typeof SharedArrayBuffer === 'undefined') {
      return `the page is not cross-origin isolated, so its wasm memory cannot be shared with Web Workers; serve it with the headers ${ISOLATION_HEADERS}`;
    }
    if (!mayBlock()) {
      return "this is a page's main thread, where Atomics.wait is not allowed; run torchlet inside a Worker (new Worker(url, { type: 'module' })) to use threads";
    }
    return null;
  },
  startThread(data: WorkerData, events: ThreadEvents): PoolThread {
    const WorkerClass = browser.Worker;
    if (WorkerClass === undefined) throw new Error('no Web Workers here');
    workerUrl ??= URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new WorkerClass(workerUrl, { name: `torchlet pool thread ${data.thread}` });
    let gone = false;
    const exit = (): void => {
      if (!gone) events.exited();
      gone = true;
    };
    worker.onmessage = () => events.ready();
    worker.onerror = (event) => {
      event.preventDefault(); // reported to the pool, which runs the work on the other threads
      events.failed();
      worker.terminate();
      exit();
    };
    worker.postMessage(data);
    return {
      terminate() {
        worker.terminate();
        exit();
      },
    };
  },
};

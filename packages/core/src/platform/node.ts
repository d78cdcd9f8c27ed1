import type { Worker } from 'node:worker_threads';
import type { Platform, PoolThread, ThreadEvents } from './types.js';
import type { WorkerData } from '../kernels/wasm/pool-jobs.js';

/*
 * Node: worker_threads for the pool, process.env for settings. No `node:` module is imported at the top (the type
 * import above is erased), so a browser bundle that carries this file next to browser.ts needs no stub for it.
 */

type WorkerThreads = typeof import('node:worker_threads');
type NodeProcess = { env: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown };

const nodeProcess = (): NodeProcess | undefined => (globalThis as { process?: NodeProcess }).process;

/**
 * node:worker_threads, synchronously where Node can (process.getBuiltinModule, Node ≥ 20.16), so a worker starts even
 * if the caller never yields to the event loop; else by a dynamic import, its name in a variable so that bundlers
 * leave it alone.
 */
function loadWorkerThreads(): WorkerThreads | Promise<WorkerThreads> {
  const builtin = nodeProcess()?.getBuiltinModule;
  const id = 'node:worker_threads';
  return builtin !== undefined ? (builtin(id) as WorkerThreads) : (import(/* @vite-ignore */ id) as Promise<WorkerThreads>);
}

/** The worker's entry: node-worker.ts from source (run by tsx), or the bundle's node-worker.js beside dist/index.js. */
function workerEntry(): { fromSource: boolean; url: URL } {
  const fromSource = import.meta.url.endsWith('.ts');
  return { fromSource, url: new URL(fromSource ? './node-worker.ts' : './node-worker.js', import.meta.url) };
}

/**
 * Creates the worker. From source, the worker registers the tsx loader itself before importing its .ts entry:
 * Node 20 does not apply the parent's `--import tsx` hooks to a worker's entry module.
 */
function create(WorkerClass: typeof Worker, workerData: WorkerData, events: ThreadEvents): Worker {
  const { fromSource, url } = workerEntry();
  let worker: Worker;
  if (fromSource) {
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const bootstrap = `import(${tsx}).then((api) => { api.register(); return import(${JSON.stringify(url.href)}); });`;
    worker = new WorkerClass(bootstrap, { eval: true, workerData });
  } else {
    worker = new WorkerClass(url, { workerData });
  }
  worker.unref(); // the pool never keeps the process alive
  worker.once('message', () => events.ready());
  worker.once('error', () => events.failed());
  worker.once('exit', () => events.exited());
  return worker;
}

export const nodePlatform: Platform = {
  name: 'node',
  env: (name) => nodeProcess()?.env[name],
  // Node 20 has no navigator; the pool then assumes two cores, what its split threshold was measured with.
  cores: () => (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency,
  threadsUnavailable: () => null,
  startThread(data: WorkerData, events: ThreadEvents): PoolThread {
    const threads = loadWorkerThreads();
    if (!(threads instanceof Promise)) {
      const worker = create(threads.Worker, data, events);
      return { terminate: () => void worker.terminate() };
    }
    let worker: Worker | null = null;
    let terminated = false;
    threads.then(
      ({ Worker }) => {
        if (terminated) events.exited();
        else worker = create(Worker, data, events);
      },
      () => {
        events.failed();
        events.exited();
      },
    );
    return {
      terminate() {
        terminated = true;
        if (worker !== null) void worker.terminate();
      },
    };
  },
};

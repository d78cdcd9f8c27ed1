// A Web Worker of the kernel pool in the browser (kernels/wasm/pool.ts, platform/browser.ts): its first message is the
// WorkerData (module and shared memory); it answers 'ready' and serves the chunks posted to it until told to quit.
// scripts/build-browser-worker.mjs bundles this file into browser-worker-source.ts, which browser.ts starts from a
// Blob URL, so an app's bundler needs no worker file and no loader configuration.
import { instantiateGemm } from '../kernels/wasm/loader.js';
import { serveJobs, type WorkerData } from '../kernels/wasm/pool-jobs.js';

interface WorkerScope {
  onmessage: ((event: { data: WorkerData }) => void) | null;
  postMessage(message: string): void;
  close(): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = ({ data }) => {
  scope.onmessage = null;
  serveJobs(data, instantiateGemm(data.module, data.memory), () => scope.postMessage('ready'));
  scope.close(); // the pool told this thread to quit
};

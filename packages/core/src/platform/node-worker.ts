// A worker thread of the kernel pool in Node (kernels/wasm/pool.ts): its own instance of the gemm module on the shared
// memory, serving the chunks the main thread posts to it. Bundled as dist/node-worker.js (scripts/build.mjs).
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateGemm } from '../kernels/wasm/loader.js';
import { serveJobs, type WorkerData } from '../kernels/wasm/pool-jobs.js';

const data = workerData as WorkerData;
serveJobs(data, instantiateGemm(data.module, data.memory), () => parentPort?.postMessage('ready'));

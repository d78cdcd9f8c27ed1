// A worker thread of the gemm pool (pool.ts): its own instance of the gemm module on the shared memory, serving the
// chunks of the products the main thread posts to it. Bundled as dist/gemm-worker.js (scripts/build.mjs).
import { parentPort, workerData } from 'node:worker_threads';
import { instantiateGemm } from './loader.js';
import { serveJobs, type WorkerData } from './pool.js';

const data = workerData as WorkerData;
serveJobs(data, instantiateGemm(data.module, data.memory), () => parentPort?.postMessage('ready'));

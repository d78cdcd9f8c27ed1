/** Bundles platform/browser-worker.ts into platform/browser-worker-source.ts; resolves with the path and the size. */
export function buildBrowserWorker(): Promise<{ path: string; bytes: number }>;

// The page the browser benches run their Worker in: bundles a worker entry (with the kernel pool's own worker
// built first), serves it cross-origin isolated (so the pool's threads start) beside a page whose
// `globalThis.ask(message)` posts one message to the Worker and resolves with its answer, one at a time.
import { build } from 'esbuild';
import type { Server } from 'node:http';
import type { Page } from 'puppeteer-core';
import { serve } from '../scripts/browser/server.js';
import { buildBrowserWorker } from '../scripts/build-browser-worker.mjs';

const PAGE = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
  const worker = new Worker('./worker.js', { type: 'module' });
  let queue = Promise.resolve();
  globalThis.ask = (message) => (queue = queue.then(() => new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage(message);
  })));
</script>`;

/** Serves `workerEntry` (a .ts path) as a Worker of a cross-origin isolated page; `url` is the page's address. */
export async function serveWorkerPage(workerEntry: string): Promise<{ server: Server; url: string }> {
  await buildBrowserWorker();
  const bundle = await build({
    entryPoints: [workerEntry],
    bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', conditions: ['source'], logLevel: 'warning',
  });
  const { server, origin } = await serve(new Map([['worker.js', bundle.outputFiles[0].text], ['bench.html', PAGE]]), async () => null);
  return { server, url: `${origin}/iso/bench.html` };
}

/** Opens the page in `tab` and returns its `ask`: one message to the Worker, resolving with the Worker's answer. */
export async function askWorker<Q, A>(tab: Page, url: string): Promise<(message: Q) => Promise<A>> {
  tab.on('pageerror', (err) => console.error(`page error: ${String(err)}`));
  await tab.goto(url);
  await tab.waitForFunction(() => typeof (globalThis as { ask?: unknown }).ask === 'function');
  return (message) => tab.evaluate((m) => (globalThis as unknown as { ask(m: unknown): Promise<unknown> }).ask(m), message as never) as Promise<A>;
}

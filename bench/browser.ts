// LeNet-5 training samples/s in Node and in headless Chromium (a Worker of a cross-origin isolated page), 2 threads
// each, in the same run: the two alternate, each repeat a fresh measurement, and the medians are printed.
// Run: pnpm bench:browser [--repeats 7] [--threads 2] [--steps 40]
import { build } from 'esbuild';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../scripts/browser/chromium.js';
import { serve } from '../scripts/browser/server.js';
import { buildBrowserWorker } from '../scripts/build-browser-worker.mjs';
import { lenetTrainSpeed, type TrainSpeed } from './browser-train.js';

const here = dirname(fileURLToPath(import.meta.url));
const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const repeats = option('repeats', 7);
const settings = { threads: option('threads', 2), warmup: 10, steps: option('steps', 40) };

await buildBrowserWorker();
const bundle = await build({
  entryPoints: [join(here, 'browser-worker.ts')],
  bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', conditions: ['source'], logLevel: 'warning',
});
const page = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
  const worker = new Worker('./worker.js', { type: 'module' });
  globalThis.measure = (settings) => new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data));
    worker.postMessage(settings);
  });
</script>`;
const files = new Map<string, string>([['worker.js', bundle.outputFiles[0].text], ['bench.html', page]]);
const { server, origin } = await serve(files, async () => null);
const browser = await launchChromium();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const tab = await browser.newPage();
  tab.on('pageerror', (err) => console.error(`page error: ${String(err)}`));
  await tab.goto(`${origin}/iso/bench.html`);
  await tab.waitForFunction(() => typeof (globalThis as { measure?: unknown }).measure === 'function');
  const measureChromium = () => tab.evaluate((s) => (globalThis as unknown as { measure(s: unknown): Promise<TrainSpeed> }).measure(s), settings);
  console.log(`LeNet-5 training, batch 64, ${settings.steps} timed steps after ${settings.warmup}, ${settings.threads} threads; ${await browser.version()}, Node ${process.versions.node}`);
  const node: number[] = [];
  const chromium: number[] = [];
  const loads: number[] = [];
  for (let r = 0; r < repeats; r++) {
    loads.push(loadavg()[0]);
    const n = await lenetTrainSpeed(settings);
    const c = await measureChromium();
    if (n.threads !== settings.threads || c.threads !== settings.threads) throw new Error(`threads: node ${n.threads}, chromium ${c.threads}`);
    node.push(n.samplesPerSec);
    chromium.push(c.samplesPerSec);
    console.log(`repeat ${r + 1}: node ${n.samplesPerSec.toFixed(0)} samples/s, chromium ${c.samplesPerSec.toFixed(0)} samples/s`);
  }
  const [mn, mc] = [median(node), median(chromium)];
  console.log(`median of ${repeats}: node ${mn.toFixed(0)} samples/s, chromium ${mc.toFixed(0)} samples/s (chromium/node ${(mc / mn).toFixed(2)}); load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`);
} finally {
  await browser.close();
  server.close();
}

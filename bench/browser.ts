// LeNet-5 training samples/s in Node and in headless Chromium (a Worker of a cross-origin isolated page), 2 threads
// each, in the same run: the two alternate, each repeat a fresh measurement, and the medians are printed.
// Run: pnpm bench:browser [--repeats 7] [--threads 2] [--steps 40]
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../scripts/browser/chromium.js';
import { askWorker, serveWorkerPage } from './browser-page.js';
import { lenetTrainSpeed, type TrainSpeed } from './browser-train.js';

const here = dirname(fileURLToPath(import.meta.url));
const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const repeats = option('repeats', 7);
const settings = { threads: option('threads', 2), warmup: 10, steps: option('steps', 40) };

const { server, url } = await serveWorkerPage(join(here, 'browser-worker.ts'));
const browser = await launchChromium();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const ask = await askWorker<typeof settings, TrainSpeed | { error: string }>(await browser.newPage(), url);
  const measureChromium = async (): Promise<TrainSpeed> => {
    const answer = await ask(settings);
    if ('error' in answer) throw new Error(`chromium: ${answer.error}`);
    return answer;
  };
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

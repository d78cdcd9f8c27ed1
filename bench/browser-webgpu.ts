// LeNet-5 training in headless Chromium on its WebGPU adapter (SwiftShader on a machine without a GPU): torchlet on
// 'webgpu' beside TF.js's webgpu backend on the same adapter, and both CPU paths for reference (torchlet's wasm
// kernels on pool threads, TF.js's pure-JS cpu backend), in one Worker. The four alternate repeat by repeat (the
// order rotating), each repeat timing whole steps (loss read back) after a first step that is reported apart (it
// compiles the shaders or the wasm); medians of the repeats, printed and written to bench/RESULTS-webgpu.md.
// With --model resnetish, issue 12's BatchNorm/residual net, torchlet's two devices only (off CI: slow on SwiftShader).
// Not a test. Run: pnpm bench:webgpu [--model lenet5|resnetish] [--repeats 7] [--batch 32] [--min-ms 1000] [--threads 2]
// (the script is `node --conditions=source --import tsx bench/browser-webgpu.ts`).
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../scripts/browser/chromium.js';
import { askWorker, serveWorkerPage } from './browser-page.js';
import { type BenchModel, CONTENDERS, type Contender, type FromBenchWorker, type RunDone, type SetupDone, type ToBenchWorker } from './browser-webgpu-protocol.js';
import { median, quantile } from './stats.js';
import { fmtRate, fmtRatio, markdownTable, textTable } from './table.js';

const here = dirname(fileURLToPath(import.meta.url));
const option = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`bench:webgpu: --${name} expects a positive number, got ${process.argv[i + 1]}`);
  return value;
};
const modelAt = process.argv.indexOf('--model');
const model = (modelAt < 0 ? 'lenet5' : process.argv[modelAt + 1]) as BenchModel;
if (model !== 'lenet5' && model !== 'resnetish') throw new Error(`bench:webgpu: --model expects lenet5 or resnetish, got ${model}`);
const contenders = model === 'lenet5' ? CONTENDERS : CONTENDERS.filter((c) => c.startsWith('torchlet'));
const referenceName: Contender = model === 'lenet5' ? 'TF.js webgpu' : 'torchlet cpu';
const title = model === 'lenet5' ? 'LeNet-5' : 'resnetish';
const repeats = option('repeats', 7);
const batch = option('batch', 32);
const minMs = option('min-ms', 1000);
const threads = option('threads', 2);
const WARMUP = 1;
const MIN_STEPS = 2;

const { server, url } = await serveWorkerPage(join(here, 'browser-webgpu-worker.ts'));
const browser = await launchChromium();
const loads: number[] = [];
try {
  const askRaw = await askWorker<ToBenchWorker, FromBenchWorker>(await browser.newPage(), url);
  const ask = async <T extends FromBenchWorker>(message: ToBenchWorker): Promise<T> => {
    const answer = await askRaw(message);
    if (answer.type === 'error') throw new Error(`${message.contender}: ${answer.message}`);
    return answer as T;
  };
  const version = await browser.version();
  console.log(`${title} training steps at batch ${batch} in a Worker of headless ${version}; first step apart, then ${WARMUP} warm-up step; ` +
    `${repeats} repeats of >= ${MIN_STEPS} steps and >= ${minMs} ms each, the ${contenders.length} interleaved`);
  const setups = new Map<Contender, SetupDone>();
  for (const contender of contenders) {
    loads.push(loadavg()[0]);
    const done = await ask<SetupDone>({ type: 'setup', contender, model, batch, warmup: WARMUP, threads });
    setups.set(contender, done);
    console.log(`${contender}: ${done.detail}${done.adapter ? `, adapter ${done.adapter}` : ''}; first step ${done.firstStepMs.toFixed(0)} ms, loss ${done.firstLoss.toFixed(4)}`);
  }
  const rates = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
  for (let r = 0; r < repeats; r++) {
    loads.push(loadavg()[0]);
    const order = contenders.map((_, k) => contenders[(k + r) % contenders.length]);
    const line: string[] = [];
    for (const contender of order) {
      const run = await ask<RunDone>({ type: 'run', contender, minSteps: MIN_STEPS, minMs });
      const rate = (run.steps * batch * 1000) / run.ms;
      rates.get(contender)!.push(rate);
      line.push(`${contender} ${fmtRate(rate)}`);
    }
    console.log(`repeat ${r + 1}: ${line.join(', ')} samples/s`);
  }
  loads.push(loadavg()[0]);

  const reference = median(rates.get(referenceName)!);
  const header = ['', 'backend', 'first step (ms)', 'ms/step', 'samples/s', 'middle half', `vs ${referenceName}`];
  const body = contenders.map((contender) => {
    const values = rates.get(contender)!;
    const m = median(values);
    const msPerStep = (batch * 1000) / m;
    return [contender, setups.get(contender)!.detail, setups.get(contender)!.firstStepMs.toFixed(0), msPerStep.toFixed(msPerStep < 100 ? 1 : 0),
      fmtRate(m), `${fmtRate(quantile(values, 0.25))}-${fmtRate(quantile(values, 0.75))}`, fmtRatio(m / reference)];
  });
  const numeric = [false, false, true, true, true, true, true];
  const load = `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`;
  console.log(`\n${textTable(header, body, numeric)}\nmedians of ${repeats}; load average ${load} (2 cores)`);

  const adapter = setups.get('torchlet webgpu')!.adapter;
  const tfAdapter = setups.get('TF.js webgpu')?.adapter;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const out = join(here, model === 'lenet5' ? 'RESULTS-webgpu.md' : `RESULTS-webgpu-${model}.md`);
  const described = model === 'lenet5' ? 'LeNet-5 (conv 6@5x5 pad 2, pool, conv 16@5x5, pool, 400-120-84-10)' : 'resnetish (3x32x32: conv 16@3x3 p1, BN, ReLU, two residual blocks, adaptive avg pool, 16-10)';
  writeFileSync(out, `# WebGPU: ${title} training in Chromium${model === 'lenet5' ? ', torchlet beside TF.js' : ', torchlet on both devices'}

Written by \`pnpm bench:webgpu\` (bench/browser-webgpu.ts) on ${date} UTC: ${version}, headless, in a Worker of a
cross-origin isolated page; WebGPU adapter: ${adapter}${tfAdapter !== undefined && tfAdapter !== adapter ? ` (TF.js reports ${tfAdapter})` : ''}.
${described}, one seeded batch of ${batch}, cross-entropy,
SGD lr 0.01 momentum 0.9; each step reads its loss back. First step timed apart (shader or wasm compile), then
${WARMUP} warm-up step, then ${repeats} repeats of >= ${MIN_STEPS} steps and >= ${minMs} ms per contender, the ${contenders.length} interleaved
with the order rotating; medians, and the middle half of the repeats. Load average ${load} on 2 cores shared with
other jobs.

${markdownTable(header, body, numeric)}

On SwiftShader, Chromium's CPU implementation of Vulkan, the GPU rows only show that training runs there${model === 'lenet5' ? ' and how\ntorchlet compares with TF.js on the same adapter' : ''}: they are far slower than the CPU rows. On a machine with a GPU,
run \`pnpm bench:webgpu\` where Chromium finds a hardware adapter (a desktop Chrome, or headless Chromium started
without \`--use-webgpu-adapter=swiftshader\`; scripts/browser/chromium.ts sets that flag).
`);
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}

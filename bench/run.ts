// `pnpm bench`: builds torchlet and the JS peers, then runs torchlet (default and js kernels), ConvNetJS,
// TensorFlow.js (cpu backend) and, when `import torch` works, PyTorch on LeNet-5 and the seed-001 CNN, one child
// process after another, training steps and no-grad forwards, on the same seeded batch. Prints a table of
// samples/s, ms/step and the ratio to torchlet, runs bench/memory.ts, and writes everything to bench/RESULTS.md.
// Options: --source (skip the package build; run torchlet from its sources through tsx), --only torchlet,pytorch,...
// (run a subset; RESULTS.md is left alone). Peer keys: torchlet, torchlet-js, convnetjs, tfjs, pytorch, pytorch-1,
// memory. PyTorch runs with 2 threads (the comparison) and 1 thread: on a busy machine its 2-thread figures
// collapse (threads wait for each other), and the 1-thread row shows by how much.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { BATCH, CLASSES, IMAGE, type Mode, type ModelName, type PeerResult } from './peers/protocol.js';
import type { MemoryResult } from './memory.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
/** Bundles and the shared batch; `dist/` is ignored by git. */
const OUT = join(BENCH, 'dist');
const DATA = join(OUT, 'batch.bin');
const RESULTS = join(BENCH, 'RESULTS.md');
const DATA_SEED = 20240601;
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;

const MODELS: ModelName[] = ['lenet5', 'seedcnn'];
const MODES: Mode[] = ['train', 'infer'];
const PEER_KEYS = ['torchlet', 'torchlet-js', 'convnetjs', 'tfjs', 'pytorch', 'pytorch-1', 'memory'] as const;
type PeerKey = (typeof PEER_KEYS)[number];

interface Plan {
  warmup: number;
  repeats: number;
  steps: number;
}
const plan = (warmup: number, repeats: number, steps: number): Plan => ({ warmup, repeats, steps });
const same = (p: Plan) => ({ train: p, infer: p });

/**
 * Warm-up steps, timed repeats and steps per repeat for each peer, model and mode: enough work per repeat to
 * time well, few enough steps that the slow peers (ConvNetJS ~1 s and TF.js ~10 s per seedcnn training step)
 * keep the whole run within a few minutes.
 */
const PLANS: Record<Exclude<PeerKey, 'memory'>, Record<ModelName, Record<Mode, Plan>>> = {
  torchlet: { lenet5: same(plan(10, 7, 10)), seedcnn: same(plan(5, 7, 5)) },
  'torchlet-js': { lenet5: same(plan(5, 7, 5)), seedcnn: same(plan(3, 5, 3)) },
  pytorch: { lenet5: same(plan(10, 7, 20)), seedcnn: same(plan(10, 7, 10)) },
  'pytorch-1': { lenet5: same(plan(10, 7, 20)), seedcnn: same(plan(10, 7, 10)) },
  convnetjs: {
    lenet5: { train: plan(1, 5, 1), infer: plan(1, 5, 2) },
    seedcnn: { train: plan(1, 3, 1), infer: plan(1, 3, 1) },
  },
  tfjs: {
    lenet5: { train: plan(1, 3, 1), infer: plan(2, 5, 2) },
    seedcnn: { train: plan(1, 3, 1), infer: plan(1, 3, 1) },
  },
};

interface Options {
  source: boolean;
  only: Set<PeerKey> | null;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { source: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') continue;
    if (argv[i] === '--source') options.source = true;
    else if (argv[i] === '--only' && i + 1 < argv.length) {
      const keys = argv[++i].split(',');
      for (const k of keys) if (!(PEER_KEYS as readonly string[]).includes(k)) fail(`--only: unknown peer '${k}' (expected ${PEER_KEYS.join(', ')})`);
      options.only = new Set(keys as PeerKey[]);
    } else fail(`unknown option '${argv[i]}' (expected --source or --only ${PEER_KEYS.join(',')})`);
  }
  return options;
}

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(1);
}

// ---- machine ----------------------------------------------------------------------------------------------------

interface Python {
  command: string;
  version: string;
  torch: string;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // not Linux: fall through to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** The first Python that can import torch: $PYTHON, python3 on PATH, then Debian's /usr/bin/python3 (apt's python3-torch). */
function findPython(): Python | null {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const command of [...new Set(candidates)]) {
    const probe = spawnSync(command, ['-c', 'import sys, torch; print(sys.version.split()[0], torch.__version__)'], { encoding: 'utf8' });
    if (probe.status === 0) {
      const [version, torch] = probe.stdout.trim().split(' ');
      return { command, version, torch };
    }
  }
  return null;
}

function gitCommit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

// ---- build ------------------------------------------------------------------------------------------------------

/**
 * Builds the packages (scripts/build.mjs) unless `source`, then bundles the given bench/ entries into bench/dist
 * to run on plain node; @torchlet imports stay external and resolve to each package's dist (where core's worker
 * bundle sits).
 * tfjs-core registers its gradients only from its ES-module files, hence mainFields.
 */
async function buildPeers(source: boolean, entries: string[]): Promise<void> {
  if (!source) {
    console.log('building the packages (scripts/build.mjs)...');
    const r = spawnSync(process.execPath, [join('scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) fail('the build failed (see above); `pnpm bench --source` measures the sources without building');
  }
  mkdirSync(OUT, { recursive: true });
  if (entries.length === 0) return;
  await esbuild.build({
    entryPoints: entries.map((e) => join(BENCH, `${e}.ts`)),
    outdir: OUT,
    outbase: BENCH,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    mainFields: ['module', 'main'],
    external: ['@torchlet/*', 'convnetjs'],
    // Bundled CommonJS dependencies of tfjs-core call require(); an ES module needs one made for it.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'silent',
  }).catch((e: Error) => fail(`bundling the peers with esbuild failed:\n${e.message}`));
}

/** A seeded batch (mulberry32, Box-Muller normals, labels 0..9) written once; every peer reads the same bytes. */
function writeBatch(): void {
  let state = DATA_SEED >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pixels = BATCH * IMAGE * IMAGE;
  const buffer = new ArrayBuffer(4 * (pixels + BATCH));
  const images = new Float32Array(buffer, 0, pixels);
  const labels = new Int32Array(buffer, 4 * pixels, BATCH);
  for (let i = 0; i < pixels; i++) images[i] = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  for (let i = 0; i < BATCH; i++) labels[i] = Math.floor(uniform() * CLASSES);
  writeFileSync(DATA, new Uint8Array(buffer));
}

// ---- running peers ----------------------------------------------------------------------------------------------

interface Peer {
  key: Exclude<PeerKey, 'memory'>;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

interface Row {
  peer: PeerKey;
  model: ModelName;
  mode: Mode;
  plan: Plan;
  /** 1-minute load average when the row started: other work on the machine slows every figure. */
  load: number;
  result: PeerResult | null;
  error: string | null;
}

/** The last `RESULT {json}` line of a child's stdout. */
function parseResult<T>(out: SpawnSyncReturns<string>): T | null {
  const line = out.stdout.split('\n').reverse().find((l) => l.startsWith('RESULT '));
  return line ? (JSON.parse(line.slice('RESULT '.length)) as T) : null;
}

function childError(out: SpawnSyncReturns<string>): string {
  if (out.error) return out.error.message;
  if (out.signal) return `killed by ${out.signal}${out.signal === 'SIGTERM' ? ' (timeout?)' : ''}`;
  const lines = out.stderr.trim().split('\n').filter((l) => /error/i.test(l));
  return `exit code ${out.status}: ${(lines[0] ?? out.stderr.trim().split('\n').pop() ?? '').trim()}`;
}

let maxLoad = 0;
function noteLoad(): number {
  const load = loadavg()[0];
  maxLoad = Math.max(maxLoad, load);
  return load;
}

function runPeer(peer: Peer, model: ModelName, mode: Mode): Row {
  const p = PLANS[peer.key][model][mode];
  const args = [...peer.args, '--model', model, '--mode', mode, '--warmup', `${p.warmup}`, '--repeats', `${p.repeats}`, '--steps', `${p.steps}`, '--data', DATA];
  const load = noteLoad();
  const out = spawnSync(peer.command, args, { cwd: ROOT, env: peer.env, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  const result = out.status === 0 ? parseResult<PeerResult>(out) : null;
  const row: Row = { peer: peer.key, model, mode, plan: p, load, result, error: result ? null : childError(out) };
  const label = result?.framework ?? peer.key;
  console.log(
    `  ${label.padEnd(22)} ${model.padEnd(8)} ${mode.padEnd(6)} ` +
      (result ? `${fmtRate(result.samplesPerSec).padStart(8)} samples/s ${result.msPerStep.toFixed(2).padStart(9)} ms/step` : `FAILED: ${row.error}`),
  );
  return row;
}

interface MemoryRun {
  result: MemoryResult | null;
  /** "Maximum resident set size" of the child as /usr/bin/time -v reports it. */
  timeMaxMB: number | null;
  error: string | null;
}

function runMemory(entry: string[]): MemoryRun {
  const node = [process.execPath, '--expose-gc', ...entry];
  const useTime = existsSync('/usr/bin/time');
  noteLoad();
  const out = useTime
    ? spawnSync('/usr/bin/time', ['-v', ...node], { cwd: ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS })
    : spawnSync(node[0], node.slice(1), { cwd: ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  const result = out.status === 0 ? parseResult<MemoryResult>(out) : null;
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(out.stderr ?? '');
  return { result, timeMaxMB: kb ? Number(kb[1]) / 1024 : null, error: result ? null : childError(out) };
}

// ---- reporting --------------------------------------------------------------------------------------------------

function fmtRate(samplesPerSec: number): string {
  return samplesPerSec >= 100 ? Math.round(samplesPerSec).toLocaleString('en-US') : samplesPerSec.toFixed(1);
}

function fmtRatio(r: number): string {
  return r >= 10 ? `${r.toFixed(0)}x` : r >= 0.1 ? `${r.toFixed(2)}x` : `${r.toFixed(3)}x`;
}

/** samples/s of the torchlet (default kernels) row for the same model and mode. */
function baseline(rows: Row[], model: ModelName, mode: Mode): number | null {
  return rows.find((r) => r.peer === 'torchlet' && r.model === model && r.mode === mode)?.result?.samplesPerSec ?? null;
}

function tableRows(rows: Row[]): string[][] {
  const out: string[][] = [];
  for (const model of MODELS) {
    for (const mode of MODES) {
      const base = baseline(rows, model, mode);
      for (const r of rows.filter((x) => x.model === model && x.mode === mode)) {
        const res = r.result;
        out.push([
          res?.framework ?? r.peer,
          model,
          mode,
          res ? fmtRate(res.samplesPerSec) : 'failed',
          res ? res.msPerStep.toFixed(2) : '-',
          res && base ? fmtRatio(res.samplesPerSec / base) : '-',
          `${r.plan.warmup} + ${r.plan.repeats} x ${r.plan.steps}`,
          r.load.toFixed(1),
        ]);
      }
    }
  }
  return out;
}

const HEADER = ['framework', 'model', 'mode', 'samples/s', 'ms/step', 'vs torchlet', 'warm-up + repeats x steps', 'load'];
const NUMERIC = [false, false, false, true, true, true, false, true];

function textTable(header: string[], body: string[][], numeric: boolean[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function markdownTable(header: string[], body: string[][], numeric: boolean[]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(header), line(numeric.map((n) => (n ? '---:' : '---'))), ...body.map(line)].join('\n');
}

/**
 * The issue's targets: torchlet training at >= 10x ConvNetJS and >= 0.5x PyTorch (2 threads; the 1-thread line is
 * there for busy machines); inference shown alongside.
 */
function targetLines(rows: Row[]): string[] {
  const lines: string[] = [];
  const versus = (peer: PeerKey, name: string, target: number) => {
    for (const model of MODELS) {
      const parts: string[] = [];
      for (const mode of MODES) {
        const base = baseline(rows, model, mode);
        const other = rows.find((r) => r.peer === peer && r.model === model && r.mode === mode)?.result?.samplesPerSec;
        if (!base || !other) continue;
        const ratio = base / other;
        parts.push(`${mode} ${fmtRatio(ratio)}${mode === 'train' ? (ratio >= target ? ' (met)' : ' (NOT met)') : ''}`);
      }
      if (parts.length > 0) lines.push(`torchlet vs ${name}, ${model} (target >= ${target}x in training): ${parts.join(', ')}`);
    }
  };
  versus('convnetjs', 'ConvNetJS', 10);
  versus('pytorch', 'PyTorch', 0.5);
  versus('pytorch-1', 'PyTorch with 1 thread', 0.5);
  return lines;
}

function memoryLines(memory: MemoryRun | null, source: boolean): string[] {
  if (!memory) return [];
  if (!memory.result) return [`memory run failed: ${memory.error}`];
  const m = memory.result;
  const lines = [`LeNet-5 torchlet training (${m.backend} kernels), batch ${BATCH}, ${m.epochs.length} epochs` +
    `${source ? ', run through tsx from the sources (rss includes the TypeScript loader)' : ''}:`];
  lines.push(...m.epochs.map((e) =>
    `  epoch ${e.epoch}: rss ${e.rssMB.toFixed(1)} MB` +
      (e.retainedMB === null ? '' : `, retained after GC ${e.retainedMB.toFixed(1)} MB`) +
      `, ${fmtRate(e.samplesPerSec)} samples/s`));
  lines.push(`peak rss (VmHWM) ${m.peakMB === null ? 'unknown' : `${m.peakMB.toFixed(1)} MB`}` +
    (memory.timeMaxMB === null ? '' : `; /usr/bin/time -v max rss ${memory.timeMaxMB.toFixed(1)} MB`));
  const retained = m.retainedGrowthMB === null ? '' : `, retained after GC ${m.retainedGrowthMB.toFixed(2)} MB`;
  lines.push(`growth from epoch 2 to ${m.epochs.length}: rss ${m.growthMB.toFixed(1)} MB${retained}: ${m.flat ? 'flat' : 'GROWING'}`);
  return lines;
}

interface Report {
  date: string;
  commit: string;
  cpu: string;
  cores: number;
  python: Python | null;
  source: boolean;
  loadStart: number;
  loadMax: number;
  rows: Row[];
  memory: MemoryRun | null;
}

function loadNote(r: Report): string {
  // At the start nothing of the bench runs yet; during the run the bench itself adds up to 2 (PyTorch's threads).
  const busy = r.loadStart >= 1 || r.loadMax > r.cores + 0.5;
  return `load average (1 min): ${r.loadStart.toFixed(2)} at start, up to ${r.loadMax.toFixed(2)} during the run on ${r.cores} cores` +
    (busy ? ': other processes competed for the CPU, so the figures are lower than on an idle machine' : '');
}

function writeResults(r: Report): void {
  const versions = new Map<string, string>();
  for (const row of r.rows) if (row.result) versions.set(row.result.framework, row.result.detail);
  const md = [
    '# Benchmark results',
    '',
    `Written by \`pnpm bench\` (bench/run.ts) on ${r.date}. Regenerate with \`pnpm bench\`; see bench/run.ts for the protocol.`,
    '',
    `- CPU: ${r.cpu}, ${r.cores} cores`,
    `- Node ${process.version}; ${r.python ? `Python ${r.python.version}, torch ${r.python.torch}` : 'PyTorch not installed (skipped)'}`,
    `- torchlet at commit ${r.commit} (with the working tree's changes), ${r.source ? 'run from its sources (--source)' : 'built with scripts/build.mjs'}`,
    `- command: \`pnpm bench${r.source ? ' --source' : ''}\``,
    `- ${loadNote(r)}`,
    '',
    '## Throughput',
    '',
    `Batch ${BATCH} of 28x28x1 images, 10 classes, the same seeded random batch for every framework. train = forward, ` +
      'softmax cross-entropy, backward, SGD step (lr 0.01, momentum 0.9); infer = no-grad forward. ms/step is the ' +
      'median over the timed repeats (each of `steps` steps) after the warm-up steps; "vs torchlet" is samples/s ' +
      'relative to torchlet with its default kernels; "load" is the 1-minute load average when the row started.',
    '',
    '- lenet5: conv 6@5x5 padding 2, ReLU, maxpool 2, conv 16@5x5, ReLU, maxpool 2, 400 -> 120 -> 84 -> 10 (ReLU between)',
    '- seedcnn: conv 32@3x3, ReLU, maxpool 2, conv 64@3x3, ReLU, maxpool 2, 1600 -> 128 -> 10 (ReLU between)',
    '- ConvNetJS trains one sample at a time (Trainer with batch_size 64 averages and updates once per batch); ' +
      'TensorFlow.js runs the same layers written with tfjs-core ops on its pure-JS cpu backend (NHWC).',
    '',
    markdownTable(HEADER, tableRows(r.rows), NUMERIC),
    '',
    ...targetLines(r.rows).map((l) => `- ${l}`),
    '',
    '## Versions',
    '',
    ...[...versions].map(([framework, detail]) => `- ${framework}: ${detail}`),
    '',
    '## Memory',
    '',
    '```',
    ...memoryLines(r.memory, r.source),
    '```',
    '',
  ].join('\n');
  writeFileSync(RESULTS, md);
}

// ---- main -------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const wanted = (key: PeerKey) => options.only === null || options.only.has(key);
  const loadStart = loadavg()[0];
  maxLoad = loadStart;
  // Built: torchlet's peer and the memory run are bundled too. --source: they run from their .ts through tsx.
  const entries = [
    wanted('convnetjs') ? 'peers/convnetjs' : '',
    wanted('tfjs') ? 'peers/tfjs' : '',
    !options.source && (wanted('torchlet') || wanted('torchlet-js')) ? 'peers/torchlet' : '',
    !options.source && wanted('memory') ? 'memory' : '',
  ].filter((e) => e !== '');
  await buildPeers(options.source, entries);
  const bundled = (entry: string) => [join(OUT, `${entry}.mjs`)];
  const torchletEntry = (entry: string) =>
    options.source ? ['--conditions=source', '--import', 'tsx', join(BENCH, `${entry}.ts`)] : bundled(entry);
  writeBatch();

  const python = wanted('pytorch') || wanted('pytorch-1') ? findPython() : null;
  const envWithout = (name: string) => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== name));
  const peers: Peer[] = [
    { key: 'torchlet', command: process.execPath, args: torchletEntry('peers/torchlet'), env: envWithout('TORCHLET_BACKEND') },
    { key: 'torchlet-js', command: process.execPath, args: torchletEntry('peers/torchlet'), env: { ...process.env, TORCHLET_BACKEND: 'js' } },
    { key: 'convnetjs', command: process.execPath, args: bundled('peers/convnetjs'), env: process.env },
    { key: 'tfjs', command: process.execPath, args: bundled('peers/tfjs'), env: process.env },
  ];
  if (python) {
    const script = join(BENCH, 'peers', 'pytorch.py');
    peers.push({ key: 'pytorch', command: python.command, args: [script, '--threads', '2'], env: process.env });
    peers.push({ key: 'pytorch-1', command: python.command, args: [script, '--threads', '1'], env: process.env });
  }

  console.log(`\nthroughput, batch ${BATCH}, one child process per row (${relative(ROOT, DATA)} holds the shared batch):`);
  const rows: Row[] = [];
  for (const peer of peers.filter((p) => wanted(p.key))) {
    for (const model of MODELS) for (const mode of MODES) rows.push(runPeer(peer, model, mode));
  }
  if ((wanted('pytorch') || wanted('pytorch-1')) && !python) {
    console.log('  PyTorch: skipped: no python3 here can `import torch` (Debian: apt-get install python3-torch; or set PYTHON)');
  }

  let memory: MemoryRun | null = null;
  if (wanted('memory')) {
    console.log('\nmemory: a LeNet-5 torchlet training run over several epochs (bench/memory.ts)...');
    memory = runMemory(torchletEntry('memory'));
    if (memory.error) console.log(`  memory run failed: ${memory.error}`);
  }
  noteLoad();

  const report: Report = {
    date: new Date().toISOString(), commit: gitCommit(), cpu: cpuModel(), cores: cpus().length, python,
    source: options.source, loadStart, loadMax: maxLoad, rows, memory,
  };
  console.log(`\n${report.cpu}, ${report.cores} cores, Node ${process.version}${python ? `, Python ${python.version}, torch ${python.torch}` : ''}`);
  console.log(`${loadNote(report)}\n`);
  console.log(textTable(HEADER, tableRows(rows), NUMERIC));
  const targets = targetLines(rows);
  if (targets.length > 0) console.log(`\n${targets.join('\n')}`);
  if (memory) console.log(`\n${memoryLines(memory, options.source).join('\n')}`);
  if (options.only === null) {
    writeResults(report);
    console.log(`\nwrote ${relative(ROOT, RESULTS)}`);
  } else {
    console.log(`\n--only: ${relative(ROOT, RESULTS)} left unchanged`);
  }
  if (rows.some((r) => r.error) || memory?.error) process.exitCode = 1;
}

await main();

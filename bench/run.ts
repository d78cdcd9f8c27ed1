// `pnpm bench`: torchlet beside PyTorch (when a python3 here can `import torch`) on the five networks of
// bench/networks.ts, training step and no-grad forward at batch 64, with 1 and 2 threads, INTERLEAVED: every peer is
// one long-lived child (bench/peers/*, protocol in bench/peers/protocol.ts), and for each network, mode and thread
// count the peers take turns repeat by repeat (bench/schedule.ts), so load from other processes hits them alike.
// LeNet-5 also runs ConvNetJS, TF.js (cpu backend) and torchlet's js kernels, at 1 thread. Prints the tables with
// the ratio torchlet/PyTorch, runs bench/memory.ts and the matrix-product probe (bench/gemm.ts --shapes), and
// writes bench/RESULTS.md.
// Options: --quick (fewer, shorter repeats, from the sources, no memory run and no probe: under two minutes),
// --source (skip the package build; run torchlet from its sources through tsx), --only torchlet,pytorch,... (a
// subset of the peers; RESULTS.md is left alone), --models lenet5,mlp,... , --threads 1,2, --relaxed-simd (torchlet's
// Node gets --experimental-wasm-relaxed-simd, so its gemm runs the fused multiply-add build, as in Chromium; RESULTS.md
// is left alone).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { MemoryResult } from './memory.js';
import { MODELS, NETWORKS, forwardFlopsPerSample, isModelName, type ModelName } from './networks.js';
import { PeerError, PeerProcess } from './peer-process.js';
import { BATCH, writeBatch, type Mode } from './peers/protocol.js';
import { interleave, stepsPerRepeat } from './schedule.js';
import { median, relativeSpread } from './stats.js';
import { fmtRate, fmtRatio, markdownTable, readSection, replaceSection, textTable } from './table.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
/** Bundles and the shared batches; `dist/` is ignored by git. */
const OUT = join(BENCH, 'dist');
const RESULTS = join(BENCH, 'RESULTS.md');
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
const MODES: Mode[] = ['train', 'infer'];
const PEER_KEYS = ['torchlet', 'pytorch', 'convnetjs', 'tfjs', 'torchlet-js', 'memory'] as const;
type PeerKey = (typeof PEER_KEYS)[number];
type ProcessKey = Exclude<PeerKey, 'memory'>;
/** Peers that run LeNet-5 only, single-threaded, in the 1-thread comparison. */
const LENET_ONLY: ProcessKey[] = ['torchlet-js', 'convnetjs', 'tfjs'];
const GEMM_SECTION = 'gemm';
const BLAS_NOTE = "Debian's PyTorch (python3-torch) is built with a generic reference BLAS: its Linear layers are slow, " +
  'so the mlp row (all Linear) says little about torchlet; its convolutions run through oneDNN.';

/** Training targets of issue 12: torchlet samples/s over PyTorch's, at 1 and at 2 threads (mlp: none, see BLAS_NOTE). */
const TARGETS: Partial<Record<ModelName, number>> = { lenet5: 1.2, seedcnn: 1.2, cifarcnn: 1.2, resnetish: 0.4 };

interface Plan {
  /** Untimed steps after building the model: at least this many, and for at least warmupMs. */
  warmup: number;
  warmupMs: number;
  /** Timed repeats per peer (>= 7: the median is what counts). */
  repeats: number;
  /** Aim for one repeat to last this long; the steps per repeat follow from the warm-up. */
  repeatMs: number;
}
const FULL: Plan = { warmup: 5, warmupMs: 2000, repeats: 11, repeatMs: 500 };
const QUICK: Plan = { warmup: 2, warmupMs: 400, repeats: 7, repeatMs: 120 };
/**
 * The LeNet-only peers are 10-1000x slower (TF.js: seconds per training step): they take part in the interleaving
 * only while the others still have repeats, and warm up for one step, so that they do not dominate the run time.
 */
const SLOW: Record<'full' | 'quick', { warmup: number; repeats: number }> = { full: { warmup: 2, repeats: 7 }, quick: { warmup: 1, repeats: 3 } };

interface Options {
  quick: boolean;
  source: boolean;
  only: Set<PeerKey> | null;
  models: ModelName[];
  threads: number[];
  relaxedSimd: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { quick: false, source: false, only: null, models: [...MODELS], threads: [1, 2], relaxedSimd: false };
  const list = (i: number, name: string) => {
    if (i >= argv.length) fail(`${name} needs a comma-separated list`);
    return argv[i].split(',');
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (a === '--quick') options.quick = true;
    else if (a === '--source') options.source = true;
    else if (a === '--relaxed-simd') options.relaxedSimd = true;
    else if (a === '--only') {
      const keys = list(++i, a);
      for (const k of keys) if (!(PEER_KEYS as readonly string[]).includes(k)) fail(`--only: unknown peer '${k}' (expected ${PEER_KEYS.join(', ')})`);
      options.only = new Set(keys as PeerKey[]);
    } else if (a === '--models') {
      const names = list(++i, a);
      for (const m of names) if (!isModelName(m)) fail(`--models: unknown network '${m}' (expected ${MODELS.join(', ')})`);
      options.models = names as ModelName[];
    } else if (a === '--threads') {
      options.threads = list(++i, a).map((t) => {
        const n = Number(t);
        if (!Number.isInteger(n) || n < 1) fail(`--threads: expected positive integers, got '${t}'`);
        return n;
      });
    } else fail(`unknown option '${a}' (expected --quick, --source, --only ${PEER_KEYS.join(',')}, --models ${MODELS.join(',')}, --threads 1,2, --relaxed-simd)`);
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

/**
 * The first Python that can import torch: $PYTHON, python3 on PATH, then Debian's /usr/bin/python3 (apt's
 * python3-torch; a pyenv python3 earlier on PATH does not see it).
 */
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

let maxLoad = 0;
function noteLoad(): number {
  const load = loadavg()[0];
  maxLoad = Math.max(maxLoad, load);
  return load;
}

// ---- build ------------------------------------------------------------------------------------------------------

/**
 * Builds the packages (scripts/build.mjs) unless `source`, then bundles the given bench/ entries into bench/dist
 * to run on plain node; @torchlet imports stay external and resolve to each package's dist (where core's worker
 * bundle sits). tfjs-core registers its gradients only from its ES-module files, hence mainFields.
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

// ---- running the peers, interleaved ------------------------------------------------------------------------------

interface Row {
  peer: ProcessKey;
  threads: number;
  model: ModelName;
  mode: Mode;
  framework: string;
  detail: string;
  warmup: number;
  steps: number;
  /** ms per step of every timed repeat, in the order they ran. */
  perStepMs: number[];
  /** 1-minute load average when the comparison started. */
  load: number;
  error: string | null;
}

const msPerStep = (r: Row) => median(r.perStepMs);
const samplesPerSec = (r: Row) => (r.error ? null : (BATCH * 1000) / msPerStep(r));

/** The long-lived children, started on first use: one per peer and thread count. */
class Peers {
  private readonly running = new Map<string, PeerProcess>();
  constructor(private readonly start: (key: ProcessKey, threads: number) => PeerProcess) {}
  get(key: ProcessKey, threads: number): PeerProcess {
    const id = `${key}@${threads}`;
    let p = this.running.get(id);
    if (!p) this.running.set(id, (p = this.start(key, threads)));
    return p;
  }
  closeAll(): void {
    for (const p of this.running.values()) p.close();
  }
}

/**
 * One comparison: every peer builds the network and warms up (one after the other), then the timed repeats run
 * interleaved. A peer that fails gets a row with the error; the others go on.
 */
async function compare(
  peers: Peers, keys: ProcessKey[], model: ModelName, mode: Mode, threads: number, plan: Plan, slow: { warmup: number; repeats: number },
): Promise<Row[]> {
  const isSlow = (key: ProcessKey) => LENET_ONLY.includes(key);
  const load = noteLoad();
  const rows = new Map<ProcessKey, Row>();
  for (const key of keys) {
    const row: Row = { peer: key, threads, model, mode, framework: key, detail: '', warmup: 0, steps: 0, perStepMs: [], load, error: null };
    rows.set(key, row);
    try {
      const ready = await peers.get(key, threads).setup(model, mode, isSlow(key) ? slow.warmup : plan.warmup, isSlow(key) ? 0 : plan.warmupMs);
      row.framework = ready.framework;
      row.detail = ready.detail;
      row.warmup = ready.warmupSteps;
      row.steps = stepsPerRepeat(ready.warmupStepMs, plan.repeatMs);
    } catch (e) {
      row.error = e instanceof Error ? e.message : String(e);
    }
  }
  const live = keys.filter((k) => rows.get(k)!.error === null);
  for (const key of interleave(live, plan.repeats)) {
    const row = rows.get(key)!;
    if (row.error || (isSlow(key) && row.perStepMs.length >= slow.repeats)) continue;
    try {
      row.perStepMs.push((await peers.get(key, threads).run(row.steps)) / row.steps);
    } catch (e) {
      row.error = e instanceof Error ? e.message : String(e);
    }
  }
  noteLoad();
  for (const row of rows.values()) {
    console.log(
      `  ${row.framework.padEnd(20)} ${`${threads}T`.padEnd(3)} ${model.padEnd(9)} ${mode.padEnd(5)} ` +
        (row.error ? `FAILED: ${row.error}` : `${fmtRate(samplesPerSec(row)!).padStart(8)} samples/s ${msPerStep(row).toFixed(2).padStart(9)} ms/step` +
          ` (${row.perStepMs.length} x ${row.steps} steps, spread ${(100 * relativeSpread(row.perStepMs)).toFixed(0)}%)`),
    );
  }
  return [...rows.values()];
}

interface MemoryRun {
  result: MemoryResult | null;
  /** "Maximum resident set size" of the child as /usr/bin/time -v reports it. */
  timeMaxMB: number | null;
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

const find = (rows: Row[], peer: ProcessKey, model: ModelName, mode: Mode, threads: number) =>
  rows.find((r) => r.peer === peer && r.model === model && r.mode === mode && r.threads === threads);

const rateCell = (r: Row | undefined) => (!r ? '-' : r.error ? 'failed' : fmtRate(samplesPerSec(r)!));

function ratioOf(rows: Row[], model: ModelName, mode: Mode, threads: number, peer: ProcessKey = 'pytorch'): number | null {
  const ours = find(rows, 'torchlet', model, mode, threads);
  const theirs = find(rows, peer, model, mode, threads);
  const a = ours && samplesPerSec(ours);
  const b = theirs && samplesPerSec(theirs);
  return a && b ? a / b : null;
}

/** The issue's table: per network and thread count, torchlet and PyTorch samples/s and the ratio, train and infer. */
function summary(rows: Row[], models: ModelName[], threads: number[], withPytorch: boolean): { header: string[]; body: string[][]; numeric: boolean[] } {
  const header = ['samples/s', 'threads'];
  for (const mode of MODES) header.push(`torchlet ${mode}`, ...(withPytorch ? [`PyTorch ${mode}`, 'ratio'] : []));
  const body: string[][] = [];
  for (const model of models) {
    for (const t of threads) {
      const cells = [model, `${t}`];
      for (const mode of MODES) {
        cells.push(rateCell(find(rows, 'torchlet', model, mode, t)));
        if (!withPytorch) continue;
        const ratio = ratioOf(rows, model, mode, t);
        cells.push(rateCell(find(rows, 'pytorch', model, mode, t)), ratio === null ? '-' : `${fmtRatio(ratio)}${model === 'mlp' ? '*' : ''}`);
      }
      body.push(cells);
    }
  }
  return { header, body, numeric: header.map((_, c) => c > 0) };
}

/** Every row: all peers, with ms/step, repeats, spread and load. */
function details(rows: Row[]): { header: string[]; body: string[][]; numeric: boolean[] } {
  const header = ['framework', 'threads', 'model', 'mode', 'samples/s', 'ms/step', 'vs torchlet', 'warm-up + repeats x steps', 'spread', 'load'];
  const body = rows.map((r) => {
    const base = find(rows, 'torchlet', r.model, r.mode, r.threads);
    const rate = samplesPerSec(r);
    const baseRate = base && samplesPerSec(base);
    return [
      r.framework, `${r.threads}`, r.model, r.mode, rateCell(r), r.error ? '-' : msPerStep(r).toFixed(2),
      rate && baseRate ? fmtRatio(rate / baseRate) : '-',
      `${r.warmup} + ${r.perStepMs.length} x ${r.steps}`,
      r.perStepMs.length > 0 ? `${(100 * relativeSpread(r.perStepMs)).toFixed(0)}%` : '-',
      r.load.toFixed(1),
    ];
  });
  return { header, body, numeric: [false, true, false, false, true, true, true, false, true, true] };
}

function targetLines(rows: Row[], models: ModelName[], threads: number[]): string[] {
  const lines: string[] = [];
  for (const model of models) {
    const target = TARGETS[model];
    const parts: string[] = [];
    for (const t of threads) {
      const ratio = ratioOf(rows, model, 'train', t);
      if (ratio !== null) parts.push(`${t} thread${t > 1 ? 's' : ''} ${fmtRatio(ratio)}${target === undefined ? '' : ratio >= target ? ' (met)' : ' (NOT met)'}`);
    }
    if (parts.length === 0) continue;
    const goal = target === undefined ? 'no target: reference BLAS, see the note' : `target >= ${target}x`;
    lines.push(`torchlet/PyTorch training, ${model} (${goal}): ${parts.join(', ')}`);
  }
  for (const [peer, name] of [['convnetjs', 'ConvNetJS'], ['tfjs', 'TF.js (cpu)']] as const) {
    const parts = MODES.map((mode) => [mode, ratioOf(rows, 'lenet5', mode, 1, peer)] as const).filter(([, r]) => r !== null);
    if (parts.length > 0) lines.push(`torchlet/${name}, lenet5, 1 thread: ${parts.map(([m, r]) => `${m} ${fmtRatio(r!)}`).join(', ')}`);
  }
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
  options: Options;
  command: string;
  loadStart: number;
  loadMax: number;
  rows: Row[];
  memory: MemoryRun | null;
}

function loadNote(r: Report): string {
  // At the start nothing of the bench runs yet; during the run the bench itself adds up to 2 (the peers' threads).
  const busy = r.loadStart >= 1 || r.loadMax > r.cores + 0.5;
  return `load average (1 min): ${r.loadStart.toFixed(2)} at start, up to ${r.loadMax.toFixed(2)} during the run on ${r.cores} cores` +
    (busy ? ': other processes competed for the CPU, so the figures are lower and noisier than on an idle machine' : '') +
    // PyTorch's threads spin and wait for each other: oversubscribed cores hit its 2-thread figures hardest.
    (r.loadMax > r.cores + 0.5 ? '; with more runnable threads than cores the 2-thread figures (PyTorch\'s above all) ' +
      'collapse, so the 1-thread ratios are the steadier' : '');
}

function pytorchNote(python: Python | null): string {
  return python
    ? `PyTorch ${python.torch} (${python.command}, Python ${python.version}). ${BLAS_NOTE}`
    : 'PyTorch columns absent: no python3 here can `import torch` (tried $PYTHON, python3, /usr/bin/python3; ' +
      'Debian: apt-get install python3-torch).';
}

function writeResults(r: Report): void {
  const versions = new Map<string, string>();
  for (const row of r.rows) if (!row.error) versions.set(`${row.framework}, ${row.threads} thread${row.threads > 1 ? 's' : ''}`, row.detail);
  const s = summary(r.rows, r.options.models, r.options.threads, r.python !== null);
  const d = details(r.rows);
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const flops = r.options.models.map((m) => `${m} ${(forwardFlopsPerSample(NETWORKS[m]) / 1e6).toFixed(1)}`).join(', ');
  let md = [
    '# Benchmark results',
    '',
    `Written by \`${r.command}\` (bench/run.ts) on ${r.date}. See bench/run.ts for the protocol.`,
    '',
    `- CPU: ${r.cpu}, ${r.cores} cores`,
    `- Node ${process.version}; ${r.python ? `Python ${r.python.version}, torch ${r.python.torch}` : 'PyTorch not installed (its columns are absent)'}`,
    `- torchlet at commit ${r.commit} (with the working tree's changes), ${r.options.source ? 'run from its sources (--source)' : 'built with scripts/build.mjs'}`,
    `- ${loadNote(r)}`,
    `- ${pytorchNote(r.python)}`,
    '',
    '## Throughput',
    '',
    `Batch ${BATCH}, 10 classes, the same seeded random batch for every framework. train = forward, softmax ` +
      'cross-entropy, backward, SGD step (lr 0.01, momentum 0.9); infer = no-grad forward (BatchNorm in eval mode). ' +
      'Each peer is one long-lived process per thread count (TORCHLET_NUM_THREADS, torch.set_num_threads); for each ' +
      'network, mode and thread count the peers build the model, warm up, then take turns repeat by repeat (A B, B A, ' +
      '...). ms/step is the median of the repeats; "spread" is their interquartile range over the median; "ratio" is ' +
      "torchlet's samples/s over PyTorch's; \"load\" is the 1-minute load average when the comparison started.",
    '',
    ...r.options.models.map((m) => `- ${m}: ${NETWORKS[m].description}`),
    `- forward MFLOP per sample (convolutions and linear layers): ${flops}; a training step is about 3x that.`,
    '- ConvNetJS trains one sample at a time (Trainer with batch_size 64 averages and updates once per batch); ' +
      'TensorFlow.js runs the same layers written with tfjs-core ops on its pure-JS cpu backend (NHWC). Both run ' +
      'LeNet-5 only, single-threaded, in the 1-thread comparison, as do torchlet\'s plain TypeScript kernels ("js").',
    '',
    markdownTable(s.header, s.body, s.numeric),
    '',
    ...(r.python ? [`\\* ${BLAS_NOTE}`, ''] : []),
    ...targetLines(r.rows, r.options.models, r.options.threads).map((l) => `- ${l}`),
    '',
    '### Every row',
    '',
    markdownTable(d.header, d.body, d.numeric),
    '',
    '## Versions',
    '',
    ...[...versions].map(([framework, detail]) => `- ${framework}: ${detail}`),
    '',
    '## Memory',
    '',
    ...(r.memory ? ['```', ...memoryLines(r.memory, r.options.source), '```'] : ['Not measured in this run (--quick or --only).']),
    '',
  ].join('\n');
  // The matrix-product probe (bench/gemm.ts --shapes) writes its own section; keep the last one.
  md = replaceSection(md, GEMM_SECTION, readSection(old, GEMM_SECTION) ?? '## Matrix products\n\nNot measured yet: `pnpm bench:gemm --shapes`.');
  writeFileSync(RESULTS, md);
}

// ---- main -------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // Building the packages takes a minute on a busy machine: --quick measures the sources (the same code, through tsx).
  if (options.quick) options.source = true;
  const wanted = (key: PeerKey) => options.only === null || options.only.has(key);
  const plan = options.quick ? QUICK : FULL;
  const loadStart = loadavg()[0];
  maxLoad = loadStart;
  // Built: torchlet's peer and the memory run are bundled too. --source: they run from their .ts through tsx.
  const entries = [
    wanted('convnetjs') ? 'peers/convnetjs' : '',
    wanted('tfjs') ? 'peers/tfjs' : '',
    !options.source && (wanted('torchlet') || wanted('torchlet-js')) ? 'peers/torchlet' : '',
    !options.source && wanted('memory') && !options.quick ? 'memory' : '',
  ].filter((e) => e !== '');
  await buildPeers(options.source, entries);
  const torchletEntry = (entry: string) => [
    ...(options.relaxedSimd ? ['--experimental-wasm-relaxed-simd'] : []),
    ...(options.source ? ['--conditions=source', '--import', 'tsx', join(BENCH, `${entry}.ts`)] : [join(OUT, `${entry}.mjs`)]),
  ];
  for (const input of new Set(options.models.map((m) => NETWORKS[m].input))) writeBatch(OUT, input);

  const python = wanted('pytorch') ? findPython() : null;
  const env = (threads: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, TORCHLET_NUM_THREADS: `${threads}`, ...extra };
    if (!('TORCHLET_BACKEND' in extra)) delete e.TORCHLET_BACKEND;
    return e;
  };
  const dataArgs = ['--data-dir', OUT];
  const peers = new Peers((key, threads) => {
    const start = (command: string, args: string[], e: NodeJS.ProcessEnv) =>
      new PeerProcess(`${key} (${threads} thread${threads > 1 ? 's' : ''})`, command, [...args, ...dataArgs], e, ROOT, CHILD_TIMEOUT_MS);
    switch (key) {
      case 'torchlet': return start(process.execPath, torchletEntry('peers/torchlet'), env(threads));
      case 'torchlet-js': return start(process.execPath, torchletEntry('peers/torchlet'), env(threads, { TORCHLET_BACKEND: 'js' }));
      case 'convnetjs': return start(process.execPath, [join(OUT, 'peers/convnetjs.mjs')], process.env);
      case 'tfjs': return start(process.execPath, [join(OUT, 'peers/tfjs.mjs')], process.env);
      case 'pytorch': return start(python!.command, [join(BENCH, 'peers', 'pytorch.py'), '--threads', `${threads}`], process.env);
    }
  });
  const compared: ProcessKey[] = [...(wanted('torchlet') ? ['torchlet' as const] : []), ...(python ? ['pytorch' as const] : [])];

  console.log(`\n${cpuModel()}, ${cpus().length} cores, load average ${loadStart.toFixed(2)}; ${pytorchNote(python)}`);
  console.log(`throughput, batch ${BATCH}, ${plan.repeats} interleaved repeats of ~${plan.repeatMs} ms after >= ${plan.warmup} warm-up steps and >= ${plan.warmupMs} ms:`);
  const rows: Row[] = [];
  try {
    for (const model of options.models) {
      for (const mode of MODES) {
        for (const threads of options.threads) {
          const keys = [...compared, ...(model === 'lenet5' && threads === 1 ? LENET_ONLY.filter(wanted) : [])];
          if (keys.length > 0) rows.push(...(await compare(peers, keys, model, mode, threads, plan, SLOW[options.quick ? 'quick' : 'full'])));
        }
      }
    }
  } finally {
    peers.closeAll();
  }

  let memory: MemoryRun | null = null;
  if (wanted('memory') && !options.quick) {
    console.log('\nmemory: a LeNet-5 torchlet training run over several epochs (bench/memory.ts)...');
    memory = runMemory(torchletEntry('memory'));
    if (memory.error) console.log(`  memory run failed: ${memory.error}`);
  }
  noteLoad();

  const command = `pnpm bench${process.argv.slice(2).filter((a) => a !== '--').map((a) => ` ${a}`).join('')}`;
  const report: Report = {
    date: new Date().toISOString(), commit: gitCommit(), cpu: cpuModel(), cores: cpus().length, python,
    options, command, loadStart, loadMax: maxLoad, rows, memory,
  };
  console.log(`\n${report.cpu}, ${report.cores} cores, Node ${process.version}${python ? `, Python ${python.version}, torch ${python.torch}` : ''}`);
  console.log(`${loadNote(report)}\n`);
  const s = summary(rows, options.models, options.threads, python !== null);
  console.log(textTable(s.header, s.body, s.numeric));
  console.log(`\n${pytorchNote(python)}${python ? ' (* on the mlp ratios)' : ''}`);
  const targets = targetLines(rows, options.models, options.threads);
  if (targets.length > 0) console.log(`\n${targets.join('\n')}`);
  const d = details(rows);
  console.log(`\nevery row:\n${textTable(d.header, d.body, d.numeric)}`);
  if (memory) console.log(`\n${memoryLines(memory, options.source).join('\n')}`);
  if (options.only === null && !options.relaxedSimd) {
    writeResults(report);
    console.log(`\nwrote ${relative(ROOT, RESULTS)}`);
    if (!options.quick) {
      console.log('\nmatrix-product probe (bench/gemm.ts --shapes --write)...');
      const g = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(BENCH, 'gemm.ts'), '--shapes', '--write'], { cwd: ROOT, stdio: 'inherit', timeout: CHILD_TIMEOUT_MS });
      if (g.status !== 0) process.exitCode = 1;
    }
  } else {
    console.log(`\n${options.relaxedSimd ? '--relaxed-simd' : '--only'}: ${relative(ROOT, RESULTS)} left unchanged`);
  }
  if (rows.some((r) => r.error) || memory?.error) process.exitCode = 1;
}

await main();

// `pnpm lenet:seeds [N] [--first-seed S] [--out DIR] [lenet flags]`: runs the LeNet example once per seed
// (S .. S+N-1, default 0 .. 9), each as its own `pnpm lenet` process in DIR/seed-K, then prints every seed's
// final accuracy with the min/median/max and writes DIR/sweep.json, DIR/accuracy_sweep.svg and DIR/sweep.html
// (each run's own output goes to DIR/seed-K/output.txt).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseSweepArgs, SWEEP_USAGE, summarize } from './lenet/sweep.js';
import { writeSweepReport, type SeedRun } from './lenet/sweep-report.js';
import { UsageError } from './lenet/args.js';
import { augmentationText, recipeText, type Metrics } from './lenet/report.js';

let sweep;
try {
  sweep = parseSweepArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`error: ${e.message}\n\n${SWEEP_USAGE}`);
  process.exit(2);
}
if (sweep === null) {
  console.log(SWEEP_USAGE);
  process.exit(0);
}

const lenet = resolve(import.meta.dirname, 'lenet.ts');
mkdirSync(sweep.out, { recursive: true });
console.log(`${sweep.seeds.length} runs of ${['pnpm lenet', ...sweep.lenetArgs].join(' ')} (seeds ${sweep.seeds[0]}..${sweep.seeds.at(-1)}) into ${sweep.out}`);
const runs: SeedRun[] = [];
const loads: number[] = [];
for (const seed of sweep.seeds) {
  const out = join(sweep.out, `seed-${seed}`);
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', lenet, ...sweep.lenetArgs, '--seed', String(seed), '--out', out], {
    // Each run's progress bars and epoch lines would bury the summary; they are shown only if the run fails.
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - start) / 1000;
  if (child.status !== 0) {
    console.error(child.stdout + child.stderr);
    console.error(`error: the run with seed ${seed} failed (exit ${child.status ?? child.signal}); its output is above`);
    process.exit(1);
  }
  // What `pnpm lenet` would have printed (the epoch lines), kept for quoting.
  writeFileSync(join(out, 'output.txt'), child.stdout);
  const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Metrics;
  runs.push({ seed, seconds, metrics });
  if (runs.length === 1) {
    // The recipe every run used, with the defaults filled in: what a results section quotes.
    const c = metrics.config;
    console.log(`${c.model} on ${c.dataset}, ${c.epochs} epochs. ${recipeText(c)}. Augmentation: ${augmentationText(c)}; label smoothing ${c.labelSmoothing}.`);
  }
  // Wall times on a shared machine say as much about the other jobs as about the run: the load goes with them.
  const load = loadavg()[0];
  loads.push(load);
  console.log(`seed ${String(seed).padStart(2)}: ${(100 * metrics.final!.testAcc).toFixed(2)}% | ${seconds.toFixed(1)} s wall, ${metrics.cpuSeconds?.toFixed(1) ?? '?'} s CPU | load ${load.toFixed(1)}`);
}

const s = summarize(runs.map((r) => r.metrics.final!.testAcc));
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const evalName = runs[0].metrics.config.validation === null ? 'test' : 'validation';
console.log(`\n${evalName} accuracy over ${runs.length} seeds: min ${pct(s.min)}, median ${pct(s.median)}, max ${pct(s.max)}`);
const walls = summarize(runs.map((r) => r.seconds));
console.log(`wall time per run: min ${walls.min.toFixed(1)} s, median ${walls.median.toFixed(1)} s, max ${walls.max.toFixed(1)} s (1-minute load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} after the runs)`);
const cpus = summarize(runs.map((r) => r.metrics.cpuSeconds ?? NaN));
console.log(`CPU time per run: min ${cpus.min.toFixed(1)} s, median ${cpus.median.toFixed(1)} s, max ${cpus.max.toFixed(1)} s`);
writeSweepReport(sweep.out, runs);
console.log(`report: ${resolve(sweep.out, 'sweep.html')}`);

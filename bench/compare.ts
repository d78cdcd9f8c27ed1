// Compares torchlet's speed in two checkouts, interleaved: for each round, each model (lenet5, seedcnn), mode
// (train, infer) and thread count (1, 2 via TORCHLET_NUM_THREADS), runs the bench's torchlet peer of checkout A,
// then B (B first on odd rounds, so neither always runs on the warmer machine), with `pnpm bench`'s warm-up and
// repeat plan. Prints the median samples/s of each side over the rounds, B/A, and the child's CPU seconds.
// Each checkout must have run `pnpm bench --only torchlet` once (it builds dist/ and bench/dist/peers/torchlet.mjs).
// Run: node --import tsx bench/compare.ts --a /tmp/before --b . [--rounds 7] [--threads 1,2] [--models lenet5,seedcnn]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const sides = { A: resolve(option('a', '')), B: resolve(option('b', '.')) };
const rounds = Number(option('rounds', '7'));
const threadCounts = option('threads', '1,2').split(',').map(Number);
const models = option('models', 'lenet5,seedcnn').split(',');
const modes = option('modes', 'train,infer').split(',');
/** pnpm bench's torchlet plan (bench/run.ts PLANS): warm-up steps, timed repeats, steps per repeat. */
const PLAN: Record<string, [number, number, number]> = { lenet5: [10, 7, 10], seedcnn: [5, 7, 5] };

for (const [side, root] of Object.entries(sides)) {
  if (!existsSync(join(root, 'bench', 'dist', 'peers', 'torchlet.mjs'))) {
    console.error(`compare: ${side} = ${root} has no bench/dist/peers/torchlet.mjs; run \`pnpm bench --only torchlet\` there first`);
    process.exit(1);
  }
}

interface Sample {
  samplesPerSec: number;
  cpuSeconds: number;
}

/** One peer run under /usr/bin/time: the peer's samples/s and the child's user + system CPU seconds. */
function run(root: string, model: string, mode: string, threads: number): Sample {
  const [warmup, repeats, steps] = PLAN[model];
  const args = [
    '-f', 'CPU %U %S', process.execPath, join(root, 'bench', 'dist', 'peers', 'torchlet.mjs'),
    '--model', model, '--mode', mode, '--warmup', `${warmup}`, '--repeats', `${repeats}`, '--steps', `${steps}`,
    '--data', join(root, 'bench', 'dist', 'batch.bin'),
  ];
  // the default backend (wasm), as pnpm bench's torchlet row
  const env: Record<string, string | undefined> = { ...process.env, TORCHLET_NUM_THREADS: `${threads}`, TORCHLET_BACKEND: undefined };
  const r = spawnSync('/usr/bin/time', args, { cwd: root, env, encoding: 'utf8' });
  const result = /RESULT (.*)/.exec(r.stdout);
  const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !result || !cpu) throw new Error(`compare: the peer failed in ${root}:\n${r.stdout}\n${r.stderr}`);
  return { samplesPerSec: (JSON.parse(result[1]) as { samplesPerSec: number }).samplesPerSec, cpuSeconds: Number(cpu[1]) + Number(cpu[2]) };
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const configs = threadCounts.flatMap((threads) => models.flatMap((model) => modes.map((mode) => ({ model, mode, threads }))));
const samples = new Map<string, { A: Sample[]; B: Sample[] }>();
const loads: number[] = [];
for (let round = 0; round < rounds; round++) {
  for (const c of configs) {
    const key = `${c.model} ${c.mode} ${c.threads}`;
    const entry = samples.get(key) ?? { A: [], B: [] };
    samples.set(key, entry);
    const order: ('A' | 'B')[] = round % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
    for (const side of order) {
      loads.push(loadavg()[0]);
      entry[side].push(run(sides[side], c.model, c.mode, c.threads));
    }
  }
  console.error(`round ${round + 1}/${rounds} done, load ${loadavg()[0].toFixed(1)}`);
}

console.log(`A = ${sides.A}\nB = ${sides.B}\n${rounds} interleaved rounds; 1-min load average during the runs: median ${median(loads).toFixed(1)}, ` +
  `min ${Math.min(...loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)} (2 cores)\n`);
console.log('model    mode   threads  A samples/s  B samples/s   B/A   A cpu s  B cpu s  B/A cpu');
for (const [key, { A, B }] of samples) {
  const [model, mode, threads] = key.split(' ');
  const a = median(A.map((s) => s.samplesPerSec));
  const b = median(B.map((s) => s.samplesPerSec));
  const ca = median(A.map((s) => s.cpuSeconds));
  const cb = median(B.map((s) => s.cpuSeconds));
  console.log(
    `${model.padEnd(8)} ${mode.padEnd(6)} ${threads.padStart(7)}  ${a.toFixed(0).padStart(11)}  ${b.toFixed(0).padStart(11)}  ${(b / a).toFixed(3)}` +
      `  ${ca.toFixed(2).padStart(7)}  ${cb.toFixed(2).padStart(7)}  ${(cb / ca).toFixed(3)}`,
  );
}

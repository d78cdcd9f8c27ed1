// `pnpm bench:profile [model] [mode] [steps]`: a CPU profile of torchlet on one thread (default: resnetish
// training, 20 timed steps after warm-up), through the bench's own peer (bench/peers/torchlet.ts) under
// node --cpu-prof, then summarised by self time per file:function (bench/cpuprofile-summary.ts). The profile
// covers the whole child, warm-up included; it is written to bench/dist/profile/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarise } from './cpuprofile-summary.js';
import { NETWORKS, isModelName } from './networks.js';
import { writeBatch } from './peers/protocol.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const OUT = join(BENCH, 'dist');
const PROFILES = join(OUT, 'profile');

const [model = 'resnetish', mode = 'train', stepsText = '20'] = process.argv.slice(2).filter((a) => a !== '--');
const steps = Number(stepsText);
if (!isModelName(model) || (mode !== 'train' && mode !== 'infer') || !Number.isInteger(steps) || steps < 1) {
  console.error(`bench:profile: expected [model] [train|infer] [steps], got ${model} ${mode} ${stepsText}`);
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
rmSync(PROFILES, { recursive: true, force: true });
writeBatch(OUT, NETWORKS[model].input);
const load = loadavg()[0];
const child = spawnSync(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`, '--conditions=source', '--import', 'tsx', join(BENCH, 'peers', 'torchlet.ts'), '--data-dir', OUT],
  { cwd: ROOT, env: { ...process.env, TORCHLET_NUM_THREADS: '1' }, input: `setup ${model} ${mode} 3 1000\nrun ${steps}\nquit\n`, encoding: 'utf8' },
);
const answers = child.stdout.split('\n').filter((l) => /^(READY|TIME|ERROR) /.test(l));
const failed = answers.find((l) => l.startsWith('ERROR '));
if (child.status !== 0 || failed || answers.length < 2) {
  console.error(`bench:profile: the torchlet peer failed: ${failed ?? child.stderr.trim().split('\n').pop()}`);
  process.exit(1);
}
const ms = Number(answers[1].slice('TIME '.length)) / steps;
console.log(`torchlet, ${model} ${mode}, 1 thread: ${ms.toFixed(1)} ms/step over ${steps} steps (${((64 * 1000) / ms).toFixed(0)} samples/s under the profiler), ` +
  `load average ${load.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at the end`);
// The peer is the only process here, and one thread: one .cpuprofile.
const file = readdirSync(PROFILES).find((f) => f.endsWith('.cpuprofile'));
if (!file) {
  console.error(`bench:profile: no .cpuprofile in ${PROFILES}`);
  process.exit(1);
}
console.log(summarise(join(PROFILES, file), 25));

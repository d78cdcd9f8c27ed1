// One LeNet-5 training step at batch 64 (forward, crossEntropy, backward, SGD step), float32, single thread,
// each phase timed separately: the median of several timed repeats after warm-up, as samples/s. Wall time and
// this process's CPU time are both shown: on a loaded machine the CPU time is the steadier figure.
// Random inputs make ReLU's signs random too (the worst case for a branch); --data mnist uses 64 real digits.
// Run: pnpm bench:step [--repeats N] [--model lenet5|seedcnn] [--backend wasm|js] [--data random|mnist]
import { loadavg } from 'node:os';
import { type Tensor, crossEntropy, getBackend, manualSeed, randint, randn, setBackend, zeros, type Backend } from '@torchlet/core';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';

const BATCH = 64;
const WARMUP = 20;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const repeats = Number(option('repeats', '60'));
const modelName = option('model', 'lenet5');
const dataName = option('data', 'random');
const backend = option('backend', getBackend());
setBackend(backend as Backend);

/** LeNet-5 for 28x28 digits, as examples/lenet/models.ts builds it. */
function lenet5(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
    new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(400, 120), new ReLU(), new Linear(120, 84), new ReLU(), new Linear(84, 10),
  );
}

/** Seed 001's network, as examples/lenet/models.ts builds it. */
function seedcnn(): Sequential {
  return new Sequential(
    new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(1600, 128), new ReLU(), new Linear(128, 10),
  );
}

manualSeed(0);
const model = modelName === 'seedcnn' ? seedcnn() : lenet5();
const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
let x: Tensor = randn([BATCH, 1, 28, 28]);
const y = randint(0, 10, [BATCH]);
if (dataName === 'mnist') {
  // by path: @torchlet/data is not (yet) a dependency of the bench package
  const { mnistSample } = await import('../packages/data/src/node.js');
  const train = mnistSample({ split: 'train' });
  const images = zeros([BATCH, 1, 28, 28]);
  for (let i = 0; i < BATCH; i++) {
    const sample = train.get(i);
    images.data.set(sample.x.data, i * 784);
    y.data[i] = sample.y;
  }
  x = images;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

type Phase = 'forward' | 'backward' | 'step' | 'total';
const PHASES: Phase[] = ['forward', 'backward', 'step', 'total'];
const wall: Record<Phase, number[]> = { forward: [], backward: [], step: [], total: [] };
const cpu: Record<Phase, number[]> = { forward: [], backward: [], step: [], total: [] };

/** Milliseconds of CPU time (user + system) this process has used. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

for (let i = 0; i < WARMUP + repeats; i++) {
  const w0 = performance.now();
  const c0 = cpuMs();
  const loss = crossEntropy(model.forward(x), y);
  const w1 = performance.now();
  const c1 = cpuMs();
  optimizer.zeroGrad();
  loss.backward();
  const w2 = performance.now();
  const c2 = cpuMs();
  optimizer.step();
  const w3 = performance.now();
  const c3 = cpuMs();
  if (i < WARMUP) continue;
  const wallTimes = [w1 - w0, w2 - w1, w3 - w2, w3 - w0];
  const cpuTimes = [c1 - c0, c2 - c1, c3 - c2, c3 - c0];
  PHASES.forEach((phase, p) => {
    wall[phase].push(wallTimes[p]);
    cpu[phase].push(cpuTimes[p]);
  });
}

const load = loadavg()[0].toFixed(2);
console.log(`${modelName} training step, batch ${BATCH}, ${dataName} data, backend ${getBackend()}, median of ${repeats} after ${WARMUP} warm-up (load average ${load})`);
const rows = [['phase', 'wall ms', 'samples/s', 'cpu ms', 'samples/cpu-s']];
for (const phase of PHASES) {
  const w = median(wall[phase]);
  const c = median(cpu[phase]);
  rows.push([phase, w.toFixed(3), Math.round((BATCH * 1000) / w).toString(), c.toFixed(3), Math.round((BATCH * 1000) / c).toString()]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));

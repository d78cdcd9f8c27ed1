// Paired A/B timing in one process: the same seeded network of the bench (bench/models.ts) and batch (64), built from
// the sources of two checkouts, steps alternated A B, B A, ... so both sides see the same machine load at the same
// moment; prints each side's median ms per step and the median of the paired ratios B/A. On a loaded machine this
// cancels more of the load than separate processes (bench/compare.ts), though not all of it. A checkout from before
// bench/models.ts existed is built with this checkout's bench/models.ts.
// Run: TORCHLET_NUM_THREADS=1 node --conditions=source --import tsx bench/paired.ts /path/before /path/after lenet5 train 100
import { performance } from 'node:perf_hooks';
import { buildModel } from './models.js';
import { type ModelName, NETWORKS, isModelName } from './networks.js';

const [rootA, rootB, model, mode, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg ?? '40');
if (!isModelName(model) || (mode !== 'train' && mode !== 'infer')) {
  console.error(`paired: expected <rootA> <rootB> <${Object.keys(NETWORKS).join('|')}> <train|infer> [pairs], got ${model} ${mode}`);
  process.exit(1);
}
const network: ModelName = model;
const { channels, size } = NETWORKS[network].input;
async function side(root: string) {
  const core = await import(`${root}/packages/core/src/index.ts`);
  const nn = await import(`${root}/packages/nn/src/index.ts`);
  const optim = await import(`${root}/packages/optim/src/index.ts`);
  core.manualSeed(0);
  const net = buildModel(nn, network, 10);
  const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = core.randn([64, channels, size, size]);
  const y = core.randint(0, 10, [64]);
  if (core.getNumThreads() > 1) await import(`${root}/packages/core/src/kernels/wasm/pool.ts`).then((p) => p.threadsReady());
  if (mode === 'infer') net.eval();
  return mode === 'infer'
    ? () => core.noGrad(() => net.forward(x))
    : () => { const loss = core.crossEntropy(net.forward(x), y); opt.zeroGrad(); loss.backward(); opt.step(); };
}
const A = await side(rootA);
const B = await side(rootB);
const time = (f: () => unknown) => { const t = performance.now(); f(); return performance.now() - t; };
for (let i = 0; i < 10; i++) { A(); B(); }
const ta: number[] = [], tb: number[] = [], ratio: number[] = [];
for (let i = 0; i < steps; i++) {
  let a: number, b: number;
  if (i % 2 === 0) { a = time(A); b = time(B); } else { b = time(B); a = time(A); }
  ta.push(a); tb.push(b); ratio.push(b / a);
}
const med = (v: number[]) => { const s = [...v].sort((p, q) => p - q); return s[s.length >> 1]; };
const sumA = ta.reduce((p, q) => p + q, 0), sumB = tb.reduce((p, q) => p + q, 0);
console.log(`${model} ${mode} threads ${process.env.TORCHLET_NUM_THREADS ?? 'default'}: A ${med(ta).toFixed(2)} ms, B ${med(tb).toFixed(2)} ms median per step; ` +
  `median of paired B/A ${med(ratio).toFixed(3)}, total B/A ${(sumB / sumA).toFixed(3)} over ${steps} pairs`);
process.exit(0);

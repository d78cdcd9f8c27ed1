// `node --conditions=source --import tsx bench/conv-passes.ts [--threads N]`: conv2d's three passes (forward, input gradient, weight gradient) at every
// convolution of the bench's networks, batch 64, through the wasm conv2d job (packages/core/src/kernels/wasm/conv.ts),
// once with the implicit-GEMM kernels (asm/conv-implicit.ts) and once with im2col/col2im + gemmF32, interleaved
// round by round (A B, B A, ...); medians of 9 rounds. Prints ms per call, GFLOP/s and implicit/gemm time.
import { loadavg } from 'node:os';
import { IMPLICIT_FORWARD, IMPLICIT_INPUT_GRAD, IMPLICIT_WEIGHT_GRAD } from '../packages/core/src/kernels/wasm/conv-job.js';
import {
  conv2dBackwardThreaded, conv2dForwardThreaded, setConvImplicitPasses, type ThreadedConvGeometry,
} from '../packages/core/src/kernels/wasm/conv.js';
import { gemmBuild } from '../packages/core/src/kernels/wasm/loader.js';
import { setNumThreads, threadsReady } from '../packages/core/src/kernels/wasm/pool.js';
import { MODELS, NETWORKS } from './networks.js';
import { BATCH } from './peers/protocol.js';
import { median } from './stats.js';
import { textTable } from './table.js';

const args = process.argv.slice(2).filter((a) => a !== '--');
const threadsAt = args.indexOf('--threads');
const threads = threadsAt >= 0 ? Number(args[threadsAt + 1]) : 1;
if (!Number.isInteger(threads) || threads < 1) {
  console.error(`bench:conv: --threads needs a positive integer, got ${args[threadsAt + 1]}`);
  process.exit(1);
}
setNumThreads(threads);
await threadsReady();

const ROUNDS = 9;
const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);

/** Seconds of one call of run, timed over enough calls to last >= 15 ms. */
function time(run: () => void, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (performance.now() - t0) / 1000 / calls;
}

console.log(`bench:conv: ${gemmBuild()} build, ${threads} thread(s), batch ${BATCH}, load average ${loadavg()[0].toFixed(2)} at start`);
const rows: string[][] = [];
for (const model of MODELS) {
  for (const c of NETWORKS[model].convs) {
    const Ho = c.size + 2 * c.padding - c.kernel + 1;
    const g: ThreadedConvGeometry = {
      C: c.inChannels, H: c.size, W: c.size, kH: c.kernel, kW: c.kernel, padTop: c.padding, padLeft: c.padding,
      Ho, Wo: Ho, O: c.outChannels, groups: 1,
    };
    const x = random(BATCH * g.C * g.H * g.W), w = random(g.O * g.C * g.kH * g.kW), b = random(g.O);
    const y = new Float32Array(BATCH * g.O * Ho * Ho), dy = random(y.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
    const flop = 2 * BATCH * g.O * Ho * Ho * g.C * g.kH * g.kW;
    const passes: [string, () => void][] = [
      ['forward', () => conv2dForwardThreaded(g, BATCH, x, w, b, y)],
      ['input grad', () => conv2dBackwardThreaded(g, BATCH, x, w, dy, dx, null)],
      ['weight grad', () => conv2dBackwardThreaded(g, BATCH, x, w, dy, null, dw)],
    ];
    for (const [pass, run] of passes) {
      const masks = [IMPLICIT_FORWARD | IMPLICIT_INPUT_GRAD | IMPLICIT_WEIGHT_GRAD, 0];
      for (const m of masks) { setConvImplicitPasses(m); run(); run(); }
      setConvImplicitPasses(masks[0]);
      const t0 = performance.now();
      run();
      const calls = Math.max(1, Math.ceil(15 / (performance.now() - t0)));
      const seconds: number[][] = [[], []];
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        for (const i of order) {
          setConvImplicitPasses(masks[i]);
          seconds[i].push(time(run, calls));
        }
      }
      const [implicit, gemm] = seconds.map(median);
      rows.push([
        `${model} ${c.name} ${g.C}->${g.O}@${c.kernel}x${c.kernel} ${c.size}x${c.size}`, pass,
        (implicit * 1000).toFixed(2), (flop / implicit / 1e9).toFixed(1), (gemm * 1000).toFixed(2), (flop / gemm / 1e9).toFixed(1),
        (implicit / gemm).toFixed(2),
      ]);
    }
  }
}
setConvImplicitPasses(null);
console.log(textTable(['layer', 'pass', 'implicit ms', 'GFLOP/s', 'gemm ms', 'GFLOP/s', 'implicit/gemm'], rows, [false, false, true, true, true, true, true]));
console.log(`load average ${loadavg()[0].toFixed(2)} at the end`);
setNumThreads(1);

// `pnpm bench:conv [--threads N] [--write]`: conv2d's three passes
// (forward, input gradient, weight gradient) at every convolution of the bench's networks, batch 64, through the wasm
// conv2d job (packages/core/src/kernels/wasm/conv.ts), once with the implicit-GEMM kernels (asm/conv-implicit.ts)
// and once with im2col/col2im + gemmF32, interleaved round by round (A B, B A, ...); medians of 9 rounds. Prints ms
// per call, GFLOP/s, implicit/gemm time, the path conv2d picks (implicitPasses) and that path's GFLOP/s against the
// peak of the wasm gemm on square products (bench/gemm-shapes.ts), measured again before every network.
// --write puts the table into bench/RESULTS.md (section "conv").
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IMPLICIT_FORWARD, IMPLICIT_INPUT_GRAD, IMPLICIT_WEIGHT_GRAD } from '../packages/core/src/kernels/wasm/conv-job.js';
import {
  conv2dBackwardThreaded, conv2dForwardThreaded, implicitPasses, setConvImplicitPasses, type ThreadedConvGeometry,
} from '../packages/core/src/kernels/wasm/conv.js';
import { gemmBuild } from '../packages/core/src/kernels/wasm/loader.js';
import { setNumThreads, threadsReady } from '../packages/core/src/kernels/wasm/pool.js';
import { kernelGflops } from './gemm-shapes.js';
import { MODELS, NETWORKS } from './networks.js';
import { BATCH } from './peers/protocol.js';
import { median } from './stats.js';
import { markdownTable, replaceSection, textTable } from './table.js';

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
const args = process.argv.slice(2).filter((a) => a !== '--');
const write = args.includes('--write');
const threadsAt = args.indexOf('--threads');
const threads = threadsAt >= 0 ? Number(args[threadsAt + 1]) : 1;
if (!Number.isInteger(threads) || threads < 1) {
  console.error(`bench:conv: --threads needs a positive integer, got ${args[threadsAt + 1]}`);
  process.exit(1);
}
setNumThreads(threads);
await threadsReady();

const ROUNDS = 9;
const SQUARE = { transA: false, transB: false, M: 512, N: 512, K: 512, accumulate: false };
const ALL = IMPLICIT_FORWARD | IMPLICIT_INPUT_GRAD | IMPLICIT_WEIGHT_GRAD;
const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);

/** Seconds of one call of run, timed over `calls` calls. */
function time(run: () => void, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) run();
  return (performance.now() - t0) / 1000 / calls;
}

const loadStart = loadavg()[0];
console.log(`bench:conv: ${gemmBuild()} build, ${threads} thread(s), batch ${BATCH}, load average ${loadStart.toFixed(2)} at start`);
const measured: { layer: string; pass: string; picked: boolean; flop: number; implicit: number; gemm: number }[] = [];
const peaks: number[] = [];
for (const model of MODELS) {
  if (NETWORKS[model].convs.length > 0) peaks.push(kernelGflops(SQUARE, threads));
  for (const c of NETWORKS[model].convs) {
    const Ho = c.size + 2 * c.padding - c.kernel + 1;
    const g: ThreadedConvGeometry = {
      C: c.inChannels, H: c.size, W: c.size, kH: c.kernel, kW: c.kernel, padTop: c.padding, padLeft: c.padding,
      Ho, Wo: Ho, O: c.outChannels, groups: 1,
    };
    const x = random(BATCH * g.C * g.H * g.W), w = random(g.O * g.C * g.kH * g.kW), b = random(g.O);
    const y = new Float32Array(BATCH * g.O * Ho * Ho), dy = random(y.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
    const flop = 2 * BATCH * g.O * Ho * Ho * g.C * g.kH * g.kW;
    setConvImplicitPasses(null);
    const chosen = implicitPasses(g);
    const passes: [string, number, () => void][] = [
      ['forward', IMPLICIT_FORWARD, () => conv2dForwardThreaded(g, BATCH, x, w, b, y)],
      ['input grad', IMPLICIT_INPUT_GRAD, () => conv2dBackwardThreaded(g, BATCH, x, w, dy, dx, null)],
      ['weight grad', IMPLICIT_WEIGHT_GRAD, () => conv2dBackwardThreaded(g, BATCH, x, w, dy, null, dw)],
    ];
    for (const [pass, bit, run] of passes) {
      const masks = [ALL, 0];
      for (const m of masks) {
        setConvImplicitPasses(m);
        run();
        run();
      }
      setConvImplicitPasses(masks[0]);
      const t0 = performance.now();
      run();
      const calls = Math.max(1, Math.ceil(15 / (performance.now() - t0)));
      const seconds: number[][] = [[], []];
      for (let r = 0; r < ROUNDS; r++) {
        for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
          setConvImplicitPasses(masks[i]);
          seconds[i].push(time(run, calls));
        }
      }
      const [implicit, gemm] = seconds.map(median);
      measured.push({ layer: `${model} ${c.name} ${g.C}->${g.O}@${c.kernel}x${c.kernel} ${c.size}x${c.size}`, pass, picked: (chosen & bit) !== 0, flop, implicit, gemm });
    }
  }
}
setConvImplicitPasses(null);
peaks.push(kernelGflops(SQUARE, threads));
const peak = Math.max(...peaks);
const loadEnd = loadavg()[0];

const header = ['layer', 'pass', 'implicit ms', 'GFLOP/s', 'gemm ms', 'GFLOP/s', 'implicit/gemm', 'picked', 'picked % of peak'];
const numeric = [false, false, true, true, true, true, true, false, true];
const rows = measured.map((m) => {
  const gflops = (s: number): number => m.flop / s / 1e9;
  return [
    m.layer, m.pass, (m.implicit * 1000).toFixed(2), gflops(m.implicit).toFixed(1), (m.gemm * 1000).toFixed(2), gflops(m.gemm).toFixed(1),
    (m.implicit / m.gemm).toFixed(2), m.picked ? 'implicit' : 'gemm', `${((100 * gflops(m.picked ? m.implicit : m.gemm)) / peak).toFixed(0)}%`,
  ];
});
console.log(textTable(header, rows, numeric));
console.log(`gemm peak (square 512, best of ${peaks.length}): ${peak.toFixed(1)} GFLOP/s on ${threads} thread(s); load average ${loadEnd.toFixed(2)} at the end`);
setNumThreads(1);

if (write) {
  const md = [
    '## Convolutions',
    '',
    `Written by \`node --conditions=source --import tsx bench/conv-passes.ts --write\` on ${new Date().toISOString()}; ` +
      `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${gemmBuild()} build, ${threads} thread(s), ` +
      `load average ${loadStart.toFixed(2)} at start, ${loadEnd.toFixed(2)} at the end.`,
    '',
    `conv2d's passes at batch 64 through the wasm conv2d job, the implicit-GEMM kernels (asm/conv-implicit.ts) against ` +
      `im2col/col2im + gemmF32, interleaved, medians of ${ROUNDS}; "picked" is the path conv2d takes at that shape; its ` +
      `GFLOP/s against the gemm's peak on square 512 products (${peak.toFixed(1)} GFLOP/s, best of ${peaks.length}).`,
    '',
    markdownTable(header, rows, numeric),
  ].join('\n');
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n';
  writeFileSync(RESULTS, replaceSection(old, 'conv', md));
  console.log('wrote the convolution section of bench/RESULTS.md');
}

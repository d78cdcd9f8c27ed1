// Compares builds of packages/core/asm/gemm.ts (`pnpm bench:gemm --builds [--relaxed] [SOURCE...]`): each SOURCE is a
// gemm.ts file or a git revision (its packages/core/asm/gemm.ts); the default compares HEAD with the working tree.
// Each is compiled as scripts/build-wasm.mjs does (the simd128 build, or with --relaxed the relaxed-SIMD one, which
// Node runs under --experimental-wasm-relaxed-simd) and timed on one thread at every distinct float32 product shape
// of the five networks' training steps, the builds interleaved round by round, median of 9 rounds. This is how a
// change to the register tile is judged: a 6×8 and an 8×8 f32 tile ran 15-30% slower than the 4×8 one here (V8
// keeps fewer than twelve accumulators in registers), so the tile stayed 4×8.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { networkShapes } from './gemm-shapes.js';
import { MODELS } from './networks.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ASM = join(ROOT, 'packages', 'core', 'asm');
const ROUNDS = 9;

interface GemmBuildExports {
  workspaceBytes(): number;
  gemmF32(
    transA: number, transB: number, M: number, N: number, K: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate: number, work: number,
  ): void;
}

interface Asc {
  main(args: string[], io: { writeFile(name: string, contents: Uint8Array | string): void }): Promise<{ error: Error | null; stderr: { toString(): string } }>;
}

/** The source text of a gemm.ts file, or of packages/core/asm/gemm.ts at a git revision. */
function gemmSource(source: string): string {
  if (existsSync(source)) return readFileSync(source, 'utf8');
  return execFileSync('git', ['show', `${source}:packages/core/asm/gemm.ts`], { cwd: ROOT, encoding: 'utf8' });
}

/** Compiles a gemm.ts beside the tree's other asm sources, with the flags of asm/asconfig.json (plus relaxed SIMD). */
async function compile(asc: Asc, text: string, relaxed: boolean): Promise<WebAssembly.Module> {
  const dir = mkdtempSync(join(tmpdir(), 'gemm-build-'));
  for (const f of ['convpool.ts', 'batchnorm.ts', 'tsconfig.json']) if (existsSync(join(ASM, f))) copyFileSync(join(ASM, f), join(dir, f));
  writeFileSync(join(dir, 'gemm.ts'), text);
  let wasm: Uint8Array<ArrayBuffer> | undefined;
  const { error, stderr } = await asc.main([
    join(dir, 'gemm.ts'), '-O3', '--runtime', 'stub', '--noAssert', '--enable', relaxed ? 'simd,threads,relaxed-simd' : 'simd,threads',
    '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '32768', '-o', 'gemm.wasm',
  ], { writeFile(name, contents) { if (name.endsWith('.wasm') && contents instanceof Uint8Array) wasm = new Uint8Array(contents); } });
  if (error || wasm === undefined) throw new Error(`bench/gemm-builds: asc failed: ${error?.message ?? 'no .wasm'}\n${stderr.toString()}`);
  return new WebAssembly.Module(wasm);
}

export async function compareBuilds(args: string[]): Promise<void> {
  const relaxed = args.includes('--relaxed');
  const sources = args.filter((a) => !a.startsWith('--'));
  if (sources.length === 0) sources.push('HEAD', join(ASM, 'gemm.ts'));
  const require = createRequire(join(ROOT, 'packages', 'core', 'package.json'));
  const asc = (await import(pathToFileURL(join(dirname(require.resolve('assemblyscript/package.json')), 'dist', 'asc.js')).href)) as Asc;
  const memory = new WebAssembly.Memory({ initial: 2048, maximum: 32768, shared: true });
  const builds: GemmBuildExports[] = [];
  for (const s of sources) {
    const module = await compile(asc, gemmSource(s), relaxed);
    builds.push(new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmBuildExports);
  }
  // Workspace at 1 MB, operands from 8 MB (the largest shape needs about 12 MB of them).
  const work = 1 << 20;
  const operands = 8 << 20;
  if (operands < work + Math.max(...builds.map((b) => b.workspaceBytes()))) throw new Error('bench/gemm-builds: workspace overlaps the operands');
  memory.grow(4096 - memory.buffer.byteLength / 65536);
  const heap = new Float32Array(memory.buffer);
  for (const x of builds) for (let i = 0; i < 200; i++) x.gemmF32(0, 0, 64, 64, 64, operands, 64, operands, 64, operands, 64, 0, work);
  for (let i = operands / 4; i < heap.length; i++) heap[i] = Math.random() - 0.5;

  const shapes = new Map<string, { label: string; transA: boolean; transB: boolean; M: number; N: number; K: number; accumulate: boolean; perStep: number }>();
  shapes.set('square', { label: 'square 512', transA: false, transB: false, M: 512, N: 512, K: 512, accumulate: false, perStep: 0 });
  for (const network of MODELS) {
    for (const s of networkShapes(network)) {
      const key = `${s.transA} ${s.transB} ${s.M} ${s.N} ${s.K} ${s.accumulate}`;
      const seen = shapes.get(key);
      if (seen) seen.perStep += s.perStep;
      else shapes.set(key, { ...s, label: `${network} ${s.product}` });
    }
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}, ${relaxed ? 'relaxed-SIMD' : 'simd128'} builds: ${sources.map((s, i) => `[${i}] ${s}`).join(', ')}`);
  console.log('float32 GFLOP/s, one thread, median of ' + ROUNDS + ' interleaved rounds');
  const msPerStep = builds.map(() => 0);
  for (const s of shapes.values()) {
    const b = operands + ((s.M * s.K * 4 + 63) & ~63);
    const c = b + ((s.K * s.N * 4 + 63) & ~63);
    const run = (x: GemmBuildExports): void =>
      x.gemmF32(+s.transA, +s.transB, s.M, s.N, s.K, operands, s.transA ? s.M : s.K, b, s.transB ? s.K : s.N, c, s.N, +s.accumulate, work);
    for (const x of builds) run(x); // every build compiled by the optimizing tier before it is timed
    let reps = 1;
    for (;;) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) run(builds[0]);
      if (performance.now() - t0 > 15) break;
      reps *= 2;
    }
    const samples = builds.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let j = 0; j < builds.length; j++) {
        const v = (j + round) % builds.length; // a different build goes first every round
        const t0 = performance.now();
        for (let i = 0; i < reps; i++) run(builds[v]);
        samples[v].push((2 * s.M * s.N * s.K * reps) / ((performance.now() - t0) / 1000) / 1e9);
      }
    }
    const medians = samples.map((x) => x.sort((p, q) => p - q)[x.length >> 1]);
    medians.forEach((g, i) => (msPerStep[i] += (s.perStep * 2 * s.M * s.N * s.K) / (g * 1e9) * 1000));
    const shape = `${s.transA ? 'T' : 'N'}${s.transB ? 'T' : 'N'} ${s.M}x${s.N}x${s.K}`;
    console.log(`${s.label.padEnd(28)} ${shape.padEnd(20)} ${medians.map((g, i) => `[${i}] ${g.toFixed(1).padStart(5)}`).join('  ')}`);
  }
  console.log(`ms per training step of the five networks in these products: ${msPerStep.map((m, i) => `[${i}] ${m.toFixed(0)}`).join('  ')}`);
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

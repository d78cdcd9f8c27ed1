// Builds each package: esbuild bundles src/index.ts to dist/index.js (dependencies stay external),
// tsc emits the .d.ts files. Packages build in dependency order so later ones see core's declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const packages = ['core', 'nn', 'optim', 'data'];

execFileSync(process.execPath, [join('scripts', 'build-wasm.mjs')], { stdio: 'inherit' });
const tsc = join('node_modules', 'typescript', 'bin', 'tsc');

for (const name of packages) {
  const dir = join('packages', name);
  // Core's worker thread in Node (platform/node.ts) loads dist/node-worker.js, a bundle of its own.
  const worker = name === 'core' ? [{ in: join(dir, 'src', 'platform', 'node-worker.ts'), out: 'node-worker' }] : [];
  await build({
    entryPoints: [{ in: join(dir, 'src', 'index.ts'), out: 'index' }, ...worker],
    outdir: join(dir, 'dist'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
  console.log(`built @torchlet/${name}`);
}

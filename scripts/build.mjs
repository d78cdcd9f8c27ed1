// Builds each package: esbuild bundles src/index.ts to dist/index.js (dependencies stay external), and for nn and
// data also src/node.ts (the "node" export, with the functions that take paths) to dist/node.js; tsc emits the
// .d.ts files. Packages build in dependency order so later ones see core's declarations.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { buildBrowserWorker } from './build-browser-worker.mjs';

const packages = ['core', 'nn', 'optim', 'data'];
const withNodeEntry = new Set(['nn', 'data']);

execFileSync(process.execPath, [join('scripts', 'build-wasm.mjs')], { stdio: 'inherit' });
await buildBrowserWorker();
const tsc = join('node_modules', 'typescript', 'bin', 'tsc');

for (const name of packages) {
  const dir = join('packages', name);
  const entries = [{ in: join(dir, 'src', 'index.ts'), out: 'index' }];
  // Core's worker thread in Node (platform/node.ts) loads dist/node-worker.js, a bundle of its own.
  if (name === 'core') entries.push({ in: join(dir, 'src', 'platform', 'node-worker.ts'), out: 'node-worker' });
  // The WebGPU kernels (issue 17, phase 1) are an entry of their own (@torchlet/core/webgpu) so the main bundle does not carry them.
  if (name === 'core') entries.push({ in: join(dir, 'src', 'webgpu.ts'), out: 'webgpu' });
  // @torchlet/core/webgpu-node: the same device in Node through the optional peer `webgpu` (Dawn), kept out of webgpu.js so
  // browser bundles never meet that import; it imports @torchlet/core/webgpu (external), so the kernels are not bundled twice.
  if (name === 'core') entries.push({ in: join(dir, 'src', 'webgpu-node.ts'), out: 'webgpu-node' });
  if (withNodeEntry.has(name)) entries.push({ in: join(dir, 'src', 'node.ts'), out: 'node' });
  // nn's ONNX exporter is an entry of its own (@torchlet/nn/onnx) so that protobufjs stays out of apps that do not export.
  if (name === 'nn') entries.push({ in: join(dir, 'src', 'onnx', 'index.ts'), out: 'onnx' });
  await build({
    entryPoints: entries,
    outdir: join(dir, 'dist'),
    bundle: true,
    // nn's and data's node.js re-export index.js: shared code goes to one chunk, so a class stays one class. Core is
    // not split: platform/node.ts finds node-worker.js beside the bundle it is in.
    splitting: withNodeEntry.has(name),
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], { stdio: 'inherit' });
  console.log(`built @torchlet/${name}`);
}

// The packages as a browser app sees them once built: plain esbuild, no loader configuration, no "source" condition.
const app = await build({
  stdin: { contents: ['core', 'nn', 'optim', 'data'].map((p) => `export * as ${p} from '@torchlet/${p}';`).join('\n'), resolveDir: 'examples' },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  logLevel: 'error',
});
console.log(`a browser app importing core, nn, optim and data bundles from dist/ with plain esbuild: ${Math.round(app.outputFiles[0].contents.length / 1024)} kB`);

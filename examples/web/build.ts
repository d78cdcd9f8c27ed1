// Builds the page with esbuild, in memory: index.html, main.js, train.worker.js and the MNIST sample's bytes, keyed by
// their served names. `pnpm web` serves them (serve.ts); the browser tests and the screenshot script use them too.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mnistSampleBytes } from '@torchlet/data';

const here = dirname(fileURLToPath(import.meta.url));

export async function buildWeb(options: { minify?: boolean } = {}): Promise<Map<string, string | Uint8Array>> {
  const result = await build({
    entryPoints: [{ in: join(here, 'main.ts'), out: 'main' }, { in: join(here, 'train.worker.ts'), out: 'train.worker' }],
    outdir: '/web',
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? false,
    conditions: ['source'], // the workspace's sources; after `pnpm build` the packages' dist/ would bundle the same
    logLevel: 'warning',
  });
  const files = new Map<string, string | Uint8Array>();
  for (const file of result.outputFiles) files.set(file.path.replace(/^\/web\//, ''), file.text);
  files.set('index.html', readFileSync(join(here, 'index.html'), 'utf8'));
  files.set('mnist-sample.bin', mnistSampleBytes());
  return files;
}

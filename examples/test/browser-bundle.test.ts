import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The packages' main entries must bundle for the browser as they are: no node: module anywhere in their graph, and
// the wasm and the pool's worker inlined, so plain esbuild needs no loader configuration.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('an app importing core, nn, optim and data bundles with esbuild --platform=browser, with no node: module', async () => {
  const result = await build({
    stdin: {
      contents: [
        "import * as core from '@torchlet/core';",
        "import * as nn from '@torchlet/nn';",
        "import * as optim from '@torchlet/optim';",
        "import * as data from '@torchlet/data';",
        'console.log(core, nn, optim, data);',
      ].join('\n'),
      resolveDir: join(root, 'examples'),
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'], // the workspace's sources, as dist/ would be after pnpm build
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((path) => path.endsWith('packages/nn/src/index.ts')), 'nn resolves to its browser entry');
  assert.not.ok(inputs.some((path) => /src\/node\.ts$|-files\.ts$|node-worker\.ts$/.test(path)), `no Node entry is bundled: ${inputs.join(', ')}`);
  const code = result.outputFiles[0].text;
  assert.not.match(code, /from\s*["']node:/);
  assert.not.match(code, /require\(["']node:/);
  assert.match(code, /BROWSER_WORKER_SOURCE/, 'the pool worker is inlined');
});

test('in Node the packages resolve to their Node entries, which keep save, load and the path readers', async () => {
  const nn = await import('@torchlet/nn');
  const data = await import('@torchlet/data');
  for (const name of ['save', 'load', 'loadWithMetadata', 'serialize', 'deserialize']) assert.type((nn as Record<string, unknown>)[name], 'function', name);
  for (const name of ['readIdx', 'writeIdx', 'mnist', 'fashionMnist', 'cifar10', 'mnistSample', 'parseIdx', 'parseMnistSample']) {
    assert.type((data as Record<string, unknown>)[name], 'function', name);
  }
});

test.run();

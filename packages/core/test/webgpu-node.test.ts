// @torchlet/core/webgpu-node (issue 17): the WGSL kernels in Node through npm's `webgpu` package (Dawn) on the
// SwiftShader Vulkan driver of Debian's chromium package. Each Dawn run is a child Node, started with that driver's
// environment, which must be set before the process starts (LD_LIBRARY_PATH); where the package or the driver is
// missing, the test fails saying what to install.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { initWebGPU } from '@torchlet/core/webgpu-node';

const CHROMIUM = '/usr/lib/chromium';
const SWIFTSHADER = { VK_ICD_FILENAMES: `${CHROMIUM}/vk_swiftshader_icd.json`, LD_LIBRARY_PATH: CHROMIUM };
const child = fileURLToPath(new URL('./fixtures/webgpu-node-child.ts', import.meta.url));
const corePackage = fileURLToPath(new URL('..', import.meta.url));
const tolerance = 1e-5;

function requirePrerequisites(): void {
  try {
    createRequire(import.meta.url).resolve('webgpu');
  } catch {
    assert.unreachable("npm's `webgpu` package (Dawn for Node) is missing: it is a devDependency of @torchlet/core, run `pnpm install`");
  }
  for (const file of [SWIFTSHADER.VK_ICD_FILENAMES, `${CHROMIUM}/libvulkan.so.1`]) {
    if (!existsSync(file)) assert.unreachable(`${file} is missing: install Debian's chromium package (\`apt-get install chromium\`), whose SwiftShader Vulkan driver Dawn runs on here`);
  }
}

/** Runs Node with `args` (a script file, or code with `-e`) in a child Node with `env` added; returns its exit status and output. */
function runNode(args: string[], env: Record<string, string | undefined>): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', ...args], {
    cwd: corePackage, // where '@torchlet/core/webgpu-node' resolves for `-e` code
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

test('ops and 3 SGD steps of an MLP on Dawn\'s webgpu device agree with the CPU; initWebGPU gives one context', () => {
  requirePrerequisites();
  const r = runNode([child], SWIFTSHADER);
  assert.ok(r.status === 0, `the child Node failed (status ${r.status}, signal ${r.signal}):\n${r.stderr.slice(-2000)}`);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { worst: Record<string, number>; moved: number; sameContext: boolean; buffers: number };
  for (const [check, worst] of Object.entries(result.worst)) assert.ok(worst <= tolerance, `${check}: max |webgpu - cpu| ${worst} > ${tolerance}`);
  assert.equal(Object.keys(result.worst).length, 8);
  assert.ok(result.moved > 0.1, `the SGD steps moved the parameters by ${result.moved} only`);
  assert.ok(result.sameContext, 'a second initWebGPU() returned another context');
  assert.ok(result.buffers > 0);
  const summary = Object.entries(result.worst).map(([check, worst]) => `${check} ${worst.toExponential(1)}`).join(', ');
  console.log(`  webgpu-node (Dawn, SwiftShader) vs CPU, max |difference|: ${summary}`);
});

test('without a driver, initWebGPU rejects naming both environment variables', () => {
  requirePrerequisites();
  const code = `import('@torchlet/core/webgpu-node').then((m) => m.initWebGPU()).then(() => console.log('adapter'), (e) => console.log(e.message));`;
  const r = runNode(['--input-type=module', '-e', code], { VK_ICD_FILENAMES: '/nonexistent/icd.json', LD_LIBRARY_PATH: '' });
  assert.is(r.status, 0, r.stderr.slice(-2000));
  assert.match(r.stdout, /initWebGPU: Dawn \(npm's `webgpu` package\) found no GPU adapter/);
  assert.match(r.stdout, /VK_ICD_FILENAMES=\/usr\/lib\/chromium\/vk_swiftshader_icd\.json/);
  assert.match(r.stdout, /LD_LIBRARY_PATH=\/usr\/lib\/chromium/);
});

test('initWebGPU checks its options and arguments before loading Dawn', () => {
  assert.throws(() => initWebGPU({ powerPreferance: 'low-power' } as never), /initWebGPU: unknown option "powerPreferance" .*did you mean "powerPreference"\?/);
  assert.throws(() => initWebGPU({}, 2), /initWebGPU: takes at most 1 arguments, got 2/);
  assert.throws(() => initWebGPU({ dawnFlags: 'backend=vulkan' as never }), /initWebGPU: dawnFlags must be an array of strings .*got "backend=vulkan"/);
});

test.run();

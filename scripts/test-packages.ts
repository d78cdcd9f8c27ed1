// The packages as npm users get them: builds them (scripts/build.mjs), packs each with `pnpm pack`, checks
// `pnpm publish --dry-run` of each, installs the tarballs with plain `npm install` into a fresh project (the
// dependencies from the registry or npm's cache), and there: a plain-Node .mjs trains on 2 threads and saves and
// loads a checkpoint; `tsc --strict --module nodenext` without skipLibCheck compiles a consumer against the published
// .d.ts, once with only the ES2022 lib (no DOM, no @types/node) and once with DOM and @types/node; plain esbuild
// bundles a browser app, whose minified+gzipped size must stay under SIZE_BUDGET.
// Run: node --import tsx scripts/test-packages.ts (part of pnpm test). Prints uvu's totals.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Minified + gzipped bytes of scripts/packages/app.ts (core, nn and optim) that the test holds the bundle under. 64 KiB
 * until 2026-12-01, when core grew from 129 to 176 KiB minified (58.9 -> 71.5 KiB min+gz) with higher-order gradients,
 * issue 13's ~40 math ops, the bool dtype and a second (relaxed-SIMD) build of the gemm module inlined as base64.
 */
export const SIZE_BUDGET = 80 * 1024;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const here = join(root, 'scripts', 'packages');
const PACKAGES = ['core', 'nn', 'optim', 'data'];
const work = mkdtempSync(join(tmpdir(), 'torchlet-packages-'));
const app = join(work, 'app');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('the packages build, and each packs and passes pnpm publish --dry-run with dist/ only', () => {
  run(process.execPath, [join('scripts', 'build.mjs')], root);
  for (const name of PACKAGES) {
    const dir = join(root, 'packages', name);
    run('pnpm', ['pack', '--pack-destination', work], dir);
    const dryRun = spawnSync('pnpm', ['publish', '--dry-run', '--no-git-checks'], { cwd: dir, encoding: 'utf8' });
    assert.is(dryRun.status, 0, `pnpm publish --dry-run of @torchlet/${name}: ${dryRun.stderr}`);
    const log = dryRun.stdout + dryRun.stderr;
    // Without an npm login the dry run warns that one is needed, and npm warns about pnpm's --no-git-checks that pnpm
    // hands it (needed here: pnpm refuses to publish from a branch other than main); any other warning is a problem.
    const warnings = log.split('\n').filter((line) => /warn/i.test(line) && !/requires you to be logged in|Unknown cli config "--git-checks"/.test(line));
    assert.equal(warnings, [], `@torchlet/${name}: ${warnings.join('\n')}`);
    const files = [...log.matchAll(/npm notice [\d.]+k?B (\S+)/g)].map((m) => m[1]);
    assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), `@torchlet/${name} ships dist/index.js and .d.ts: ${files.join(', ')}`);
    assert.ok(files.every((f) => f === 'package.json' || f === 'README.md' || f === 'LICENSE' || f.startsWith('dist/')), `@torchlet/${name} ships only dist/: ${files.join(', ')}`);
    assert.match(log, /Publishing to https:\/\/registry\.npmjs\.org\/ with tag latest and public access \(dry-run\)/);
  }
  const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz'));
  assert.is(tarballs.length, PACKAGES.length, tarballs.join(', '));
  console.log(`packed: ${tarballs.join(', ')}`);
});

/** The consumer's own @types/node, for the compile with DOM and Node's types (the other compile has no @types at all). */
const CONSUMER_TYPES_NODE = '@types/node@^20.19.0';

test('plain npm installs the tarballs into a fresh project', () => {
  run('mkdir', ['-p', app], work);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'torchlet-consumer', private: true, type: 'module' }));
  const tarballs = readdirSync(work).filter((f) => f.endsWith('.tgz')).map((f) => join(work, f));
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], app);
  const installed = readdirSync(join(app, 'node_modules', '@torchlet'));
  assert.equal(installed.sort(), [...PACKAGES].sort());
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', CONSUMER_TYPES_NODE], app);
});

test('a plain-Node .mjs trains with them on 2 threads and saves and loads a checkpoint', () => {
  copyFileSync(join(here, 'train.mjs'), join(app, 'train.mjs'));
  const report = JSON.parse(run(process.execPath, ['train.mjs'], app).trim().split('\n').at(-1)!) as {
    backend: string; threads: number; steps: number; firstLoss: number; lastLoss: number; keys: string[];
  };
  assert.is(report.backend, 'wasm');
  assert.is(report.threads, 2);
  assert.is(report.steps, 60);
  assert.ok(report.lastLoss < report.firstLoss * 0.6, `loss ${report.firstLoss} -> ${report.lastLoss}`);
  assert.equal(report.keys, ['0.weight', '0.bias', '4.weight', '4.bias']);
  console.log(`train.mjs: ${report.steps} steps on ${report.threads} threads (${report.backend}), loss ${report.firstLoss.toFixed(3)} -> ${report.lastLoss.toFixed(3)}, checkpoint keys ${report.keys.join(', ')}`);
});

/**
 * The two environments a consumer's tsc may have: only the ES2022 lib (no DOM, no @types/node: the published .d.ts
 * must name no WebAssembly, Worker or Buffer type), and a web-and-Node project with both.
 */
const CONSUMER_ENVIRONMENTS = [
  { config: 'tsconfig.bare.json', label: 'lib es2022, types [] (no DOM, no @types/node)', lib: ['es2022'], types: [] },
  { config: 'tsconfig.dom-node.json', label: 'lib es2022 + dom, types [node]', lib: ['es2022', 'dom'], types: ['node'] },
];

for (const { config, label, lib, types } of CONSUMER_ENVIRONMENTS) {
  test(`tsc --strict --module nodenext, without skipLibCheck, compiles a consumer against the published .d.ts: ${label}`, () => {
    copyFileSync(join(here, 'consumer.ts'), join(app, 'consumer.ts'));
    writeFileSync(join(app, config), JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib, types, noEmit: true, skipLibCheck: false },
      files: ['consumer.ts'],
    }));
    try {
      run(process.execPath, [tsc, '-p', config], app);
    } catch (err) {
      assert.unreachable(`tsc -p ${config} failed:\n${(err as { stdout?: string }).stdout ?? err}`);
    }
    console.log(`consumer.ts: tsc --strict --module nodenext, no skipLibCheck, ${label}: compiles`);
  });
}

test(`plain esbuild bundles a browser app from the installed packages, under ${SIZE_BUDGET / 1024} KiB minified+gzipped`, async () => {
  copyFileSync(join(here, 'app.ts'), join(app, 'app.ts'));
  const result = await build({
    entryPoints: [join(app, 'app.ts')], bundle: true, write: false, minify: true, format: 'esm', platform: 'browser', metafile: true, logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((path) => path.includes('node_modules/@torchlet/core/dist/index.js')), 'core comes from the installed dist/');
  // torchlet's own sources must not be bundled (a dependency such as protobufjs keeps its code in src/)
  assert.not.ok(inputs.some((path) => /@torchlet\/[^/]+\/src\//.test(path)), 'no torchlet source file');
  const code = result.outputFiles[0].contents;
  assert.not.match(result.outputFiles[0].text, /from\s*["']node:|require\(["']node:/);
  const gzipped = gzipSync(code, { level: 9 }).length;
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'app';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
  }
  console.log(`app.ts (core, nn, optim): ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(1)} KiB min+gz (budget ${SIZE_BUDGET / 1024} KiB); ` +
    `minified bytes by package: ${[...byPackage].map(([p, n]) => `${p} ${(n / 1024).toFixed(1)} KiB`).join(', ')}`);
  assert.ok(gzipped <= SIZE_BUDGET, `${gzipped} bytes min+gz is over the budget of ${SIZE_BUDGET}`);
});

test.run();

// Checks that every public export has a doc comment (scripts/check-docs.ts, the fast half of `pnpm run docs`: it names
// each export without one and its file), runs every package's and the examples' uvu tests under c8, once per kernel
// backend (scripts/test-backends.mjs), then the browser tests in headless Chromium (scripts/test-browser.ts, not
// under c8), then the packed-install test of the packages as npm users get them (scripts/test-packages.ts: build,
// pack, npm install, strict tsc, esbuild, size budget, publish dry run), prints uvu's totals summed as
// "N passed, N failed", and fails on a failing test or check, or on line coverage of packages/*/src below 90%. The
// doc check and the packed packages run only in the full run: a filter picks Node and browser tests by file name.
// The files that run only in a browser (core's platform/browser*.ts, nn's browser-storage.ts: IndexedDB) are left
// out of the Node coverage gate; the browser tests exercise them.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const bin = (pkg, file) => join('node_modules', pkg, file);
const c8 = bin('c8', 'bin/c8.js');
const filter = process.argv[2] ?? '';

const args = [
  c8, '--check-coverage', '--lines', '90', '--include', 'packages/*/src/**', '--exclude', '**/*.d.ts',
  '--exclude', 'packages/core/src/platform/browser*.ts', '--exclude', 'packages/nn/src/browser-storage.ts',
  '--reporter', 'text-summary', '--reporter', 'lcov', '--report-dir', 'coverage',
  process.execPath, join('scripts', 'test-backends.mjs'), filter,
];
const browserArgs = ['--conditions=source', '--import', 'tsx', join('scripts', 'test-browser.ts'), filter];
const packagesArgs = ['--import', 'tsx', join('scripts', 'test-packages.ts')];
const docsArgs = ['--import', 'tsx', join('scripts', 'check-docs.ts')];

let out = '';
/** Runs a child, echoing and keeping its output; resolves with its exit code. */
function run(argv) {
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
  child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
  return new Promise((resolve) => child.on('close', resolve));
}

let docsCode = 0;
if (filter === '') {
  console.log('=== docs: a doc comment on every public export ===');
  docsCode = await run(docsArgs);
}
const nodeCode = await run(args);
console.log('\n=== browser: headless Chromium ===');
const browserCode = await run(browserArgs);
let packagesCode = 0;
if (filter === '') {
  console.log('\n=== packages: packed, installed with npm, compiled and bundled as a consumer ===');
  packagesCode = await run(packagesArgs);
}
{
  const code = [docsCode, nodeCode, browserCode, packagesCode].find((c) => c !== 0) ?? 0;
  const sum = (label) => [...out.matchAll(new RegExp(`${label}:\\s+(\\d+)`, 'g'))].reduce((s, m) => s + Number(m[1]), 0);
  const total = sum('Total');
  const passed = sum('Passed');
  const skipped = sum('Skipped');
  const failed = total - passed - skipped;
  if (total === 0) console.error('no tests ran');
  if (docsCode !== 0) console.error('failed: public exports without a doc comment (check-docs, listed at the top)');
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code !== 0 || failed > 0 || total === 0 ? 1 : 0);
}

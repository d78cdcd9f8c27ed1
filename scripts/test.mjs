// Runs every package's and the examples' uvu tests under c8, once per kernel backend (scripts/test-backends.mjs), prints uvu's
// totals summed as "N passed, N failed", and fails on a failing test or on line coverage of packages/*/src below 90%.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const bin = (pkg, file) => join('node_modules', pkg, file);
const c8 = bin('c8', 'bin/c8.js');
const filter = process.argv[2] ?? '';

const args = [
  c8, '--check-coverage', '--lines', '90', '--include', 'packages/*/src/**', '--exclude', '**/*.d.ts',
  '--reporter', 'text-summary', '--reporter', 'lcov', '--report-dir', 'coverage',
  process.execPath, join('scripts', 'test-backends.mjs'), filter,
];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
child.on('close', (code) => {
  const sum = (label) => [...out.matchAll(new RegExp(`${label}:\\s+(\\d+)`, 'g'))].reduce((s, m) => s + Number(m[1]), 0);
  const total = sum('Total');
  const passed = sum('Passed');
  const skipped = sum('Skipped');
  const failed = total - passed - skipped;
  if (total === 0) console.error('no tests ran');
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code !== 0 || failed > 0 || total === 0 ? 1 : 0);
});

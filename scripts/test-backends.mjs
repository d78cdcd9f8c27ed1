// Runs the whole uvu suite (packages/*/test, examples/test and bench/test) once per kernel backend (TORCHLET_BACKEND=js, then wasm), so both give the same
// results within tolerance. Child processes inherit c8's coverage directory when run under c8.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const filter = process.argv[2] ?? '';
const uvu = join('node_modules', 'uvu', 'bin.js');
let failed = false;
for (const backend of ['js', 'wasm']) {
  console.log(`\n=== backend: ${backend} ===`);
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', uvu, '.', `^(packages/[^/]+|examples|bench)/test/.*${filter}.*\\.test\\.ts$`, '--no-color'],
    { stdio: 'inherit', env: { ...process.env, TORCHLET_BACKEND: backend } },
  );
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);

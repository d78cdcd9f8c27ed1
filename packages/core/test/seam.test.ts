import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The backend seam (kernels/backend.ts): ops, the tape and the optimizers reach storage and kernel variants only
// through the table. These checks read the sources, so a regression names the file and line.

const CORE = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(CORE, '..', '..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every `file:line: text` of the files where one of the patterns matches. */
function offenders(files: readonly string[], patterns: readonly RegExp[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8').split('\n').flatMap((line, i) =>
      patterns.some((p) => p.test(line)) ? [`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`] : [],
    ),
  );
}

/** A tensor's storage, a wasm kernel, or the variant switch. */
const FORBIDDEN = [/\.data\b/, /kernels\/wasm/, /getBackend\s*\(/];

const aboveTheTable = [
  ...tsFiles(join(CORE, 'src', 'ops')),
  join(CORE, 'src', 'tape.ts'),
  ...tsFiles(join(ROOT, 'packages', 'optim', 'src')),
];

test('the patterns catch what they are for', () => {
  const samples = ['const d = x.data;', "import { reluWasm } from '../kernels/wasm/convpool.js';", "if (getBackend() === 'wasm')"];
  for (const s of samples) assert.ok(FORBIDDEN.some((p) => p.test(s)), s);
  assert.not.ok(FORBIDDEN.some((p) => p.test('const metadata = kernels.view(x, shape); // x.dataset')), 'no false alarm on longer names');
});

test('no op, tape or optimizer file reads .data, imports kernels/wasm or calls getBackend()', () => {
  assert.ok(aboveTheTable.length > 15, `found only ${aboveTheTable.length} files to check`);
  assert.equal(offenders(aboveTheTable, FORBIDDEN), []);
});

test('ops import kernels only through kernels/backend.ts', () => {
  const ops = tsFiles(join(CORE, 'src', 'ops'));
  assert.equal(offenders(ops, [/from '\.\.\/kernels\/(?!backend\.js')/]), []);
});

test('ops and the tape make no storage of their own: outputs come from the table (a device backend allocates on its device)', () => {
  const patterns = [/new Tensor\(/, /\ballocate\(/, /from '\.\.?\/creation\.js'/];
  assert.ok(patterns[0].test('return new Tensor(data, shape);') && patterns[2].test("import { empty } from '../creation.js';"));
  assert.equal(offenders(aboveTheTable.filter((f) => !f.includes('optim')), patterns), []);
});

test('plain kernels never see a Tensor or the backend: imports point down (kernels/*.ts and kernels/wasm/*)', () => {
  const dir = join(CORE, 'src', 'kernels');
  const plain = [...tsFiles(dir).filter((f) => dirname(f) === dir && !f.endsWith('backend.ts')), ...tsFiles(join(dir, 'wasm'))];
  assert.ok(plain.length > 10, `found only ${plain.length} kernel files`);
  assert.equal(offenders(plain, [/from '.*(tensor|creation|tape|backend|\/cpu\/[^']*)\.js'/, /getBackend\s*\(/]), []);
});

test.run();

// The README's quickstart must run as written: extract its code block, run it, and check what it prints.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, dirname } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const readme = readFileSync(join(here, '..', '..', '..', 'README.md'), 'utf8');

test('the README quickstart runs and prints what its comments say', async () => {
  const block = /<!-- quickstart[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, 'README has a quickstart code block');
  // Written into examples/, the workspace package that depends on every @torchlet package.
  const file = join(here, '..', '..', '..', 'examples', `.quickstart-${process.pid}.ts`);
  writeFileSync(file, block[1]);
  const printed: unknown[][] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => printed.push(args);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
    rmSync(file, { force: true });
  }
  assert.equal(printed[0][0], [[2, 4], [6, 8]]);
  const losses = printed.filter((p) => typeof p[0] === 'string' && p[0].startsWith('step')).map((p) => Number(String(p[0]).split('loss ')[1]));
  assert.is(losses.length, 5);
  assert.ok(losses[4] < losses[0] / 20, `loss should fall: ${losses.join(', ')}`);
  const prediction = printed[printed.length - 1][0] as number;
  assert.ok(Math.abs(prediction - -0.2) < 0.1, `prediction ${prediction}`);
});

test.run();

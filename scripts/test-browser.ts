// The browser tests: every packages/*/test/browser/*.browser.ts (and examples/test/browser/) is bundled by esbuild (with the *.worker.ts scripts
// beside it) and run in its own page of ONE headless Chromium, served on localhost: with the cross-origin isolation
// headers, or without them for *.plain.browser.ts. A *.page.ts beside them is a test that drives a whole page from
// Node (scripts/browser/page-test.ts), e.g. the page of `pnpm web`; it runs in the same Chromium. A page error, a
// failed test or a page that never finishes fails the run. Prints uvu's "Total:" and "Passed:" lines, which scripts/test.mjs adds to the Node tests' totals.
// Run: node --conditions=source --import tsx scripts/test-browser.ts [filename-regex]
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium } from './browser/chromium.js';
import { serve } from './browser/server.js';
import type { BrowserResults } from './browser/harness.js';
import { runPageTest, type PageTest } from './browser/page-test.js';
import { buildBrowserWorker } from './build-browser-worker.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filter = new RegExp(process.argv[2] ?? '');
const PAGE_TIMEOUT_MS = 240_000;

/** Test pages and worker scripts, keyed by the served path <package>/<name>.js. */
function entries(): { tests: string[]; pageTests: { name: string; path: string }[]; points: { in: string; out: string }[] } {
  const tests: string[] = [];
  const pageTests: { name: string; path: string }[] = [];
  const points: { in: string; out: string }[] = [];
  const places = [...readdirSync(join(root, 'packages')).map((pkg) => ['packages', pkg]), ['examples']];
  for (const place of places) {
    const pkg = place[place.length - 1];
    const dir = join(root, ...place, 'test', 'browser');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.endsWith('.page.ts') && filter.test(`${pkg}/${name}`)) pageTests.push({ name: `${pkg}/${name.replace(/\.ts$/, '')}`, path: join(dir, name) });
      const isTest = name.endsWith('.browser.ts');
      if (!isTest && !name.endsWith('.worker.ts')) continue;
      const out = `${pkg}/${name.replace(/\.ts$/, '')}`;
      if (isTest && !filter.test(`${pkg}/${name}`)) continue;
      if (isTest) tests.push(out);
      points.push({ in: join(dir, name), out });
    }
  }
  return { tests, pageTests, points };
}

const { tests, pageTests, points } = entries();
if (tests.length + pageTests.length === 0) {
  // A filter meant for the Node tests may match no browser test; without a filter, finding none is an error.
  console.log(`test-browser: no browser test matches ${filter}\n  Total:     0\n  Passed:    0`);
  process.exit(process.argv[2] === undefined || process.argv[2] === '' ? 1 : 0);
}
await buildBrowserWorker();
const bundle = await build({
  entryPoints: points,
  outdir: '/bundle',
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['source'],
  // Any test may import any workspace package (core's tests use nn and data too); examples depends on all of them.
  nodePaths: [join(root, 'examples', 'node_modules')],
  logLevel: 'warning',
});
const files = new Map<string, string | Uint8Array>();
for (const file of bundle.outputFiles) files.set(file.path.replace(/^\/bundle\//, ''), file.text);
for (const test of pageTests) {
  const served = await ((await import(pathToFileURL(test.path).href)).default as PageTest).files();
  for (const [name, body] of served) files.set(`${test.name}/${name}`, body);
}
for (const test of tests) {
  files.set(`${test}.html`, `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>${test}</title><script type="module" src="./${basename(test)}.js"></script>`);
}

const { server, origin } = await serve(files, async (url) => {
  // /node/<package>/<name>: the default export of <package>/test/browser/<name>.node.ts, called in Node.
  const reference = /^\/node\/([\w-]+)\/([\w.-]+)$/.exec(url.pathname);
  if (reference !== null) {
    const folder = reference[1] === 'examples' ? join(root, 'examples') : join(root, 'packages', reference[1]);
    const module = join(folder, 'test', 'browser', `${reference[2]}.node.ts`);
    const compute = (await import(pathToFileURL(module).href)).default as (query: Record<string, string>) => Promise<unknown>;
    return { type: 'application/json', body: JSON.stringify(await compute(Object.fromEntries(url.searchParams))) };
  }
  if (url.pathname === '/data/mnist-sample.bin') {
    const { mnistSampleBytes } = await import('../packages/data/src/node.js');
    return { type: 'application/octet-stream', body: mnistSampleBytes() };
  }
  return null;
});

const browser = await launchChromium();
let total = 0;
let passed = 0;
try {
  console.log(`browser tests in ${await browser.version()}`);
  for (const test of tests) {
    const isolated = !test.endsWith('.plain.browser');
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    const log: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(String((err as Error).stack ?? err)));
    page.on('console', (message) => {
      if (message.text().startsWith('report: ')) console.log(`  ${message.text()}`); // what a test wants in the output
      log.push(`  [console.${message.type()}] ${message.text()}`);
    });
    let results: BrowserResults;
    try {
      await page.goto(`${origin}/${isolated ? 'iso' : 'plain'}/${test}.html`);
      const handle = await page.waitForFunction(() => (globalThis as { __torchletResults?: unknown }).__torchletResults, { timeout: PAGE_TIMEOUT_MS, polling: 100 });
      results = (await handle.jsonValue()) as BrowserResults;
    } catch (err) {
      results = { passed: 0, failed: 1, failures: [{ name: 'the page finished', error: String(err) }] };
    }
    for (const error of pageErrors) results.failures.push({ name: 'page error', error });
    const failed = results.failed + pageErrors.length;
    total += results.passed + failed;
    passed += results.passed;
    console.log(`${test}.ts (${isolated ? 'cross-origin isolated' : 'not isolated'}): ${results.passed} passed, ${failed} failed`);
    for (const { name, error } of results.failures) console.log(`  FAIL ${name}\n    ${error.replace(/\n/g, '\n    ')}`);
    if (failed > 0 || process.env.TORCHLET_BROWSER_LOG) console.log(log.join('\n'));
    await page.close();
  }
  for (const test of pageTests) {
    const pageTest = (await import(pathToFileURL(test.path).href)).default as PageTest;
    const { results, log } = await runPageTest(pageTest, browser, `${origin}/iso/${test.name}/`);
    total += results.passed + results.failed;
    passed += results.passed;
    console.log(`${test.name}.ts (drives the page from Node): ${results.passed} passed, ${results.failed} failed`);
    for (const { name, error } of results.failures) console.log(`  FAIL ${name}\n    ${error.replace(/\n/g, '\n    ')}`);
    if (results.failed > 0 || process.env.TORCHLET_BROWSER_LOG) console.log(log.join('\n'));
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`\n  Total:     ${total}\n  Passed:    ${passed}\n  Skipped:   0`);
process.exit(passed === total ? 0 : 1);

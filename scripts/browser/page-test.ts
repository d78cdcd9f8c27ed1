/*
 * Tests that drive a whole page from Node (examples/test/browser/*.page.ts and packages/<pkg>/test/browser/*.page.ts):
 * the module's default export is a PageTest. The runner (scripts/test-browser.ts) serves its files under
 * /iso/<prefix>/ in the same Chromium as the in-page tests and calls run(); `check` runs one named assertion block,
 * and a page error on any page opened with openPage fails the test.
 */
import type { Browser, Page } from 'puppeteer-core';
import { check, fail, type BrowserResults } from './harness.js';

export interface PageTestContext {
  browser: Browser;
  /** Where the files are served, ending in /. */
  base: string;
  results: BrowserResults;
  /** Runs one named check; a throw records it as a failure and the next check still runs. */
  check(name: string, fn: () => Promise<void>): Promise<void>;
  /** A new page whose page errors (uncaught exceptions) become failures. */
  openPage(): Promise<Page>;
}

export interface PageTest {
  /** The files to serve, keyed by name. */
  files(): Promise<Map<string, string | Uint8Array>>;
  run(context: PageTestContext): Promise<void>;
}

export async function runPageTest(pageTest: PageTest, browser: Browser, base: string): Promise<{ results: BrowserResults; log: string[] }> {
  const results: BrowserResults = { passed: 0, failed: 0, failures: [] };
  const log: string[] = [];
  const pages: Page[] = [];
  const context: PageTestContext = {
    browser,
    base,
    results,
    check: (name, fn) => check(results, name, fn),
    async openPage() {
      const page = await browser.newPage();
      pages.push(page);
      page.on('pageerror', (err) => fail(results, 'page error', err));
      page.on('console', (message) => log.push(`  [console.${message.type()}] ${message.text()}`));
      return page;
    },
  };
  try {
    await pageTest.run(context);
  } catch (err) {
    fail(results, 'the page test ran to its end', err);
  } finally {
    for (const page of pages) await page.close().catch(() => undefined);
  }
  return { results, log };
}

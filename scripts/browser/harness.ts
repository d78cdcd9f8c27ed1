/*
 * The in-page side of the browser tests (scripts/test-browser.ts): `test(name, fn)` registers a test, `run()` runs
 * them in order and publishes the results on globalThis.__torchletResults, which the runner waits for. Assertions
 * come from uvu/assert, as in the Node tests.
 */

export interface BrowserResults {
  passed: number;
  failed: number;
  failures: { name: string; error: string }[];
}

const tests: { name: string; fn: () => unknown }[] = [];

export function test(name: string, fn: () => unknown): void {
  tests.push({ name, fn });
}

export async function run(): Promise<void> {
  const results: BrowserResults = { passed: 0, failed: 0, failures: [] };
  for (const { name, fn } of tests) await check(results, name, fn);
  (globalThis as { __torchletResults?: BrowserResults }).__torchletResults = results;
}

/** Runs one named test or check into `results`: passed, or failed with its error (shared with page-test.ts). */
export async function check(results: BrowserResults, name: string, fn: () => unknown): Promise<void> {
  try {
    await fn();
    results.passed++;
  } catch (err) {
    fail(results, name, err);
  }
}

/** Records a failure: its name and the error's message and stack. */
export function fail(results: BrowserResults, name: string, err: unknown): void {
  results.failed++;
  results.failures.push({ name, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
}

/**
 * From now on keeps every console.warn's text (and still prints it), for tests of what torchlet warns; call it
 * before importing torchlet when the warning comes at load.
 */
export function captureWarnings(): string[] {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
    warn(...args);
  };
  return warnings;
}

/** Runs a bundled worker script (a *.worker.ts beside the test) and resolves with its first message. */
export function runWorker<T>(name: string, message: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(new URL(`./${name}.js`, location.href), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ error?: string } & T>) => {
      worker.terminate();
      if (event.data?.error !== undefined) reject(new Error(`${name}: ${event.data.error}`));
      else resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`${name}: ${event.message}`));
    };
    worker.postMessage(message);
  });
}

/** The JSON a Node reference module (a *.node.ts beside the test) returns for `query`, computed by the runner in Node. */
export async function nodeReference<T>(module: string, query: Record<string, string | number> = {}): Promise<T> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  const response = await fetch(`/node/${module}?${params}`);
  if (!response.ok) throw new Error(`Node reference ${module}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

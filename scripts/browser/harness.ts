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
  for (const { name, fn } of tests) {
    try {
      await fn();
      results.passed++;
    } catch (err) {
      results.failed++;
      results.failures.push({ name, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
    }
  }
  (globalThis as { __torchletResults?: BrowserResults }).__torchletResults = results;
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

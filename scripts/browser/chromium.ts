import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/*
 * Debian's chromium for the browser tests and the browser benchmark. Nothing downloads a browser: where chromium is
 * missing it is installed with apt-get when this process is root and has apt-get, else the run fails with a message
 * saying what to install. It never skips.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export interface ChromiumSearch {
  /** Paths tried in order; default $TORCHLET_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser. */
  candidates?: (string | undefined)[];
  /** May chromium be installed with apt-get when missing; default: this process is root and /usr/bin/apt-get exists. */
  canInstall?: boolean;
}

/** The Chromium binary, installed with apt-get first if it is missing and that is allowed; else an error saying what to install. */
export function chromiumPath(search: ChromiumSearch = {}): string {
  const candidates = search.candidates ?? [process.env.TORCHLET_CHROMIUM, ...CANDIDATES];
  const found = (): string | undefined => candidates.find((p) => p !== undefined && p !== '' && existsSync(p));
  const have = found();
  if (have !== undefined) return have;
  const isRoot = process.getuid?.() === 0;
  if (search.canInstall ?? (isRoot && existsSync('/usr/bin/apt-get'))) {
    console.log('chromium is missing: installing it with apt-get install -y chromium');
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const installed = found();
    if (installed !== undefined) return installed;
  }
  throw new Error(
    'The browser tests need Chromium and found none at ' + candidates.filter(Boolean).join(' or ') + '. ' +
      (isRoot ? 'It could not be installed with apt-get here: ' : 'Not root, so it was not installed: ') +
      'install it with `sudo apt-get install chromium` (Debian/Ubuntu), or point TORCHLET_CHROMIUM at a Chromium or Chrome binary.',
  );
}

/** One headless Chromium with the project's flags and a fresh profile. */
export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // WebGPU through SwiftShader (a CPU Vulkan implementation shipped with Chromium), so the WebGPU kernel tests get an
    // adapter on a machine without a GPU; --disable-gpu would remove it. --expose-gc gives the pages `gc()`, so the
    // WebGPU memory test can collect garbage at known points (its FinalizationRegistry then returns buffers).
    args: [
      '--headless', '--no-sandbox', '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--js-flags=--expose-gc', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'torchlet-chromium-'))}`,
    ],
  });
}

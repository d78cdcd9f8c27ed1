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

const found = (): string | undefined => [process.env.TORCHLET_CHROMIUM, ...CANDIDATES].find((p) => p !== undefined && p !== '' && existsSync(p));

export function chromiumPath(): string {
  const have = found();
  if (have !== undefined) return have;
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (isRoot && hasApt) {
    console.log('chromium is missing: installing it with apt-get install -y chromium');
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const installed = found();
    if (installed !== undefined) return installed;
  }
  throw new Error(
    'The browser tests need Chromium and found none at ' + CANDIDATES.join(' or ') + ' (or $TORCHLET_CHROMIUM). ' +
      (isRoot ? 'apt-get is not available here: ' : 'Not root, so it was not installed: ') +
      'install it with `sudo apt-get install chromium` (Debian/Ubuntu), or point TORCHLET_CHROMIUM at a Chromium or Chrome binary.',
  );
}

/** One headless Chromium with the project's flags and a fresh profile. */
export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${mkdtempSync(join(tmpdir(), 'torchlet-chromium-'))}`,
    ],
  });
}

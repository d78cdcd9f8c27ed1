// `pnpm screenshot:web`: the page of `pnpm web` in headless Chromium after a short training, with a digit drawn on
// the pad, saved as examples/web/screenshot.png (the README shows it). STEPS=300 pnpm screenshot:web trains longer.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './browser/chromium.js';
import { serve } from './browser/server.js';
import { buildWeb } from '../examples/web/build.js';
import { DIGIT_STROKES, draw, waitFor } from '../examples/web/drive.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'web', 'screenshot.png');
const steps = Number(process.env.STEPS ?? 250);

const { server, origin } = await serve(await buildWeb({ minify: true }), async () => null, { isolated: true });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.setViewport({ width: 1200, height: 720, deviceScaleFactor: 1 });
  await page.goto(`${origin}/`);
  await waitFor(page, 'the worker', (s) => s.ready);
  await page.click('#start');
  await waitFor(page, `${steps} steps`, (s) => s.step >= steps, 600_000);
  await page.click('#start');
  await waitFor(page, 'the pause', (s) => !s.running);
  const before = (await waitFor(page, 'the state', () => true)).predictions;
  await draw(page, DIGIT_STROKES[7]);
  const state = await waitFor(page, 'a prediction', (s) => s.predictions > before);
  await new Promise((resolve) => setTimeout(resolve, 300)); // the last frame of the charts
  if (errors.length > 0) throw new Error(`page errors: ${errors.join('\n')}`);
  writeFileSync(out, await page.screenshot({ type: 'png', fullPage: true }));
  console.log(`wrote ${out}: ${state.step} steps, ${state.samplesPerSec.toFixed(0)} samples/s, held-out accuracy ${((state.testAccuracies.at(-1)?.y ?? 0) * 100).toFixed(1)}%, a drawn 7 read as ${state.prediction?.digit}`);
} finally {
  await browser.close();
  server.close();
}

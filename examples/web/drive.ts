// Driving the page from Node with puppeteer-core, as a person would: clicks, strokes drawn with pointer events. Used
// by the page's browser test (examples/test/browser/web.page.ts) and the screenshot script (scripts/screenshot-web.ts).
import type { Page } from 'puppeteer-core';

/** What main.ts keeps on globalThis.torchletPage. */
export interface PageState {
  ready: boolean;
  running: boolean;
  step: number;
  device: 'cpu' | 'webgpu';
  deviceDetail: string;
  switching: boolean;
  losses: number[];
  stepDevices: ('cpu' | 'webgpu')[];
  accuracies: number[];
  testAccuracies: { x: number; y: number }[];
  samplesPerSec: number;
  firstStepMs?: number;
  readyMs?: number;
  prediction?: { digit: number; probabilities: number[] };
  predictions: number;
  message: { kind: string; text: string };
}

export function pageState(page: Page): Promise<PageState> {
  return page.evaluate(() => JSON.parse(JSON.stringify((globalThis as unknown as { torchletPage: unknown }).torchletPage)) as PageState);
}

/** Waits (polling the page's state) until `ready(state)`; fails naming `what` after `timeoutMs`. */
export async function waitFor(page: Page, what: string, ready: (state: PageState) => boolean, timeoutMs = 120_000): Promise<PageState> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = await pageState(page);
    if (ready(state)) return state;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the page's state: ${JSON.stringify({ ...state, losses: state.losses.length, stepDevices: state.stepDevices.length, accuracies: state.accuracies.length })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Strokes of a digit on the 280x280 pad, in pad pixels. */
export const DIGIT_STROKES: Record<number, [number, number][][]> = {
  1: [[[150, 50], [146, 120], [142, 190], [140, 235]]],
  7: [[[80, 60], [200, 60], [180, 110], [150, 170], [125, 235]]],
};

/** Draws strokes on the pad with the mouse (pointerdown, pointermove, pointerup), in steps as a hand moves. */
export async function draw(page: Page, strokes: [number, number][][]): Promise<void> {
  const pad = await page.$('#pad');
  const box = await pad?.boundingBox();
  if (box === null || box === undefined) throw new Error('draw: the page has no visible #pad');
  const at = ([x, y]: [number, number]) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280] as const;
  for (const stroke of strokes) {
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const point of stroke.slice(1)) await page.mouse.move(...at(point), { steps: 8 });
    await page.mouse.up();
  }
}

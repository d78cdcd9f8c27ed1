// bench/browser.ts's Worker in Chromium: runs lenetTrainSpeed on each message and posts the result.
import { lenetTrainSpeed } from './browser-train.js';

self.onmessage = async (event: MessageEvent<{ threads: number; warmup: number; steps: number }>) => {
  try {
    self.postMessage(await lenetTrainSpeed(event.data));
  } catch (err) {
    self.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
};

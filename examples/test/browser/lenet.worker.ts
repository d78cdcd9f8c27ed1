// The Chromium side of lenet.browser.ts: the embedded MNIST sample fetched as bytes, trained in a Worker.
import { parseMnistSample } from '@torchlet/data';
import { lenetSteps } from './lenet-steps.js';

self.onmessage = async (event: MessageEvent<{ steps: number; batch: number; threads: number; lr: number }>) => {
  try {
    const response = await fetch('/data/mnist-sample.bin');
    const train = parseMnistSample(new Uint8Array(await response.arrayBuffer()), { split: 'train' });
    self.postMessage(await lenetSteps(train, event.data));
  } catch (err) {
    self.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
};

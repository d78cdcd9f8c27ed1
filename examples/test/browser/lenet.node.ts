// The Node side of lenet.browser.ts, called by the browser test runner in Node (scripts/test-browser.ts).
import { mnistSample } from '@torchlet/data';
import { lenetSteps, type StepsReport } from './lenet-steps.js';

export default function (query: Record<string, string>): Promise<StepsReport> {
  return lenetSteps(mnistSample({ split: 'train' }), { steps: Number(query.steps), batch: Number(query.batch), threads: Number(query.threads), lr: Number(query.lr) });
}

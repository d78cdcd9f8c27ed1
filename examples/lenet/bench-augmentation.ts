// What the default augmentation costs per epoch: `node --conditions=source --import tsx examples/lenet/bench-augmentation.ts`.
// Times randomShift (the old default) and randomAffine (the new) over the 8,000 training digits in batches of 64,
// interleaved, and prints the median of 7 rounds of each.
import { DataLoader, mnistSample, randomShift } from '@torchlet/data';
import { randomAffine } from './affine.js';
import { median } from './sweep.js';

const batches = [...new DataLoader(mnistSample({ split: 'train' }), { batchSize: 64 })].map((b) => b.x);
const time = (f: (x: (typeof batches)[number]) => unknown) => {
  const start = performance.now();
  for (const x of batches) f(x);
  return (performance.now() - start) / 1000;
};
const shiftTimes: number[] = [];
const affineTimes: number[] = [];
for (let round = 0; round < 7; round++) {
  shiftTimes.push(time(randomShift(2, { seed: round })));
  affineTimes.push(time(randomAffine({ degrees: 10, translate: 2, scale: 0.1, seed: round })));
}
console.log(`one epoch of augmentation (8,000 digits), median of 7: randomShift ${(1000 * median(shiftTimes)).toFixed(1)} ms, randomAffine ${(1000 * median(affineTimes)).toFixed(1)} ms`);

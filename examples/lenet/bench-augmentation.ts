// What the default augmentation costs per epoch: `node --conditions=source --import tsx examples/lenet/bench-augmentation.ts`.
// Times randomShift (the old default) and randomAffine (the new) over the 8,000 training digits in batches of 64,
// interleaved, and prints the median of 7 rounds of each.
import { DataLoader, mnistSample, randomShift } from '@torchlet/data';
import { randomAffine } from './affine.js';
import { median } from './sweep.js';

const batches = [...new DataLoader(mnistSample({ split: 'train' }), { batchSize: 64 })].map((b) => b.x);
// CPU time of this (single-threaded) process as well as wall time: on a loaded machine the wall time mostly
// measures the other jobs.
const time = (f: (x: (typeof batches)[number]) => unknown) => {
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (const x of batches) f(x);
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / 1000, cpu: (used.user + used.system) / 1e6 };
};
const shiftTimes: { wall: number; cpu: number }[] = [];
const affineTimes: { wall: number; cpu: number }[] = [];
for (let round = 0; round < 7; round++) {
  shiftTimes.push(time(randomShift(2, { seed: round })));
  affineTimes.push(time(randomAffine({ degrees: 10, translate: 2, scale: 0.1, seed: round })));
}
const ms = (times: { wall: number; cpu: number }[], key: 'wall' | 'cpu') => `${(1000 * median(times.map((t) => t[key]))).toFixed(1)} ms`;
console.log(
  `one epoch of augmentation (8,000 digits), median of 7: randomShift ${ms(shiftTimes, 'wall')} wall, ${ms(shiftTimes, 'cpu')} CPU; ` +
    `randomAffine ${ms(affineTimes, 'wall')} wall, ${ms(affineTimes, 'cpu')} CPU`,
);

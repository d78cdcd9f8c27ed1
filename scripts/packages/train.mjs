// A new user's plain-Node script against the packed packages: LeNet-style training on 2 threads with the wasm
// kernels, a checkpoint saved and loaded back. Run by scripts/test-packages.ts in a fresh npm project.
import { crossEntropy, getBackend, getNumThreads, manualSeed, setNumThreads } from '@torchlet/core';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, load, save } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { DataLoader, mnistSample } from '@torchlet/data';

setNumThreads(2);
manualSeed(0);
const model = new Sequential(new Conv2d(1, 6, 5), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(6 * 12 * 12, 10));
const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
const loader = new DataLoader(mnistSample({ split: 'train' }), { batchSize: 64, shuffle: true, seed: 0 });
const losses = [];
for (const { x, y } of loader) {
  const loss = crossEntropy(model.forward(x), y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
  if (losses.length === 60) break;
}
const path = new URL('./model.safetensors', import.meta.url).pathname;
save(model.stateDict(), path);
const back = load(path);
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(JSON.stringify({
  backend: getBackend(), threads: getNumThreads(), steps: losses.length,
  firstLoss: mean(losses.slice(0, 10)), lastLoss: mean(losses.slice(-10)), keys: Object.keys(back),
}));

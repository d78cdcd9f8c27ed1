// torchlet under the shared protocol. The kernel backend is the default (wasm where available) unless
// TORCHLET_BACKEND says otherwise; bench/run.ts runs this file once per backend.
import * as core from '@torchlet/core';
import { crossEntropy, getBackend, manualSeed, noGrad, tensor } from '@torchlet/core';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { BATCH, CLASSES, IMAGE, runPeer, type ModelName } from './protocol.js';

function buildModel(name: ModelName): Sequential {
  if (name === 'lenet5') {
    return new Sequential(
      new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
      new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
      new Flatten(),
      new Linear(400, 120), new ReLU(),
      new Linear(120, 84), new ReLU(),
      new Linear(84, CLASSES),
    );
  }
  return new Sequential(
    new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
    new Flatten(),
    new Linear(1600, 128), new ReLU(),
    new Linear(128, CLASSES),
  );
}

/** The kernels' thread count where @torchlet/core exports getNumThreads (its worker pool). */
function threads(): string {
  const getNumThreads = (core as { getNumThreads?: () => number }).getNumThreads;
  return typeof getNumThreads === 'function' ? `${getNumThreads()} threads` : 'default threads (getNumThreads not exported)';
}

await runPeer(`torchlet (${getBackend()})`, (args, batch) => {
  manualSeed(0);
  const model = buildModel(args.model);
  const x = tensor(batch.images, { shape: [BATCH, 1, IMAGE, IMAGE] });
  const y = tensor(batch.labels, { shape: [BATCH] });
  const detail = `${getBackend()} kernels, ${threads()}`;
  if (args.mode === 'infer') {
    model.eval();
    return { detail, step: () => void noGrad(() => model.forward(x)) };
  }
  model.train();
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return {
    detail,
    step: () => {
      const loss = crossEntropy(model.forward(x), y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    },
  };
});

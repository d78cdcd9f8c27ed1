// torchlet under the shared protocol (bench/peers/protocol.ts). The kernel backend is the default (wasm where
// available) unless TORCHLET_BACKEND says otherwise, the thread count TORCHLET_NUM_THREADS (bench/run.ts sets both).
import { crossEntropy, getBackend, getNumThreads, manualSeed, noGrad, tensor, type Tensor } from '@torchlet/core';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential } from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import type { ModelName } from '../networks.js';
import { BATCH, CLASSES, servePeer } from './protocol.js';

/** conv-BN-ReLU-conv-BN plus the identity, then ReLU: torchvision's BasicBlock without downsampling. */
class ResidualBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  constructor(channels: number) {
    super();
    this.conv1 = new Conv2d(channels, channels, 3, { padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(channels);
    this.conv2 = new Conv2d(channels, channels, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(channels);
  }
  forward(x: Tensor): Tensor {
    const h = this.bn1.forward(this.conv1.forward(x)).relu();
    return this.bn2.forward(this.conv2.forward(h)).add(x).relu();
  }
}

function buildModel(name: ModelName): Module {
  switch (name) {
    case 'lenet5':
      return new Sequential(
        new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
        new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(400, 120), new ReLU(),
        new Linear(120, 84), new ReLU(),
        new Linear(84, CLASSES),
      );
    case 'seedcnn':
      return new Sequential(
        new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(1600, 128), new ReLU(),
        new Linear(128, CLASSES),
      );
    case 'cifarcnn':
      return new Sequential(
        new Conv2d(3, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(4096, 128), new ReLU(),
        new Linear(128, CLASSES),
      );
    case 'mlp':
      return new Sequential(
        new Flatten(),
        new Linear(784, 512), new ReLU(),
        new Linear(512, 256), new ReLU(),
        new Linear(256, CLASSES),
      );
    case 'resnetish':
      return new Sequential(
        new Conv2d(3, 16, 3, { padding: 1, bias: false }), new BatchNorm2d(16), new ReLU(),
        new ResidualBlock(16), new ResidualBlock(16),
        new AdaptiveAvgPool2d(1), new Flatten(),
        new Linear(16, CLASSES),
      );
  }
}

await servePeer(`torchlet (${getBackend()})`, (name, mode, batch) => {
  manualSeed(0);
  const model = buildModel(name);
  const { channels, size } = batch.input;
  const x = tensor(batch.images, { shape: [BATCH, channels, size, size] });
  const y = tensor(batch.labels, { shape: [BATCH] });
  const detail = `${getBackend()} kernels, ${getNumThreads()} thread${getNumThreads() > 1 ? 's' : ''}`;
  if (mode === 'infer') {
    model.eval();
    return { detail, step: () => void noGrad(() => model.forward(x)) };
  }
  model.train();
  const optimizer = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return {
    detail,
    step: () => {
      const loss = crossEntropy(model.forward(x) as Tensor, y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    },
  };
});

// The bench's networks (bench/networks.ts describes them) built from a given @torchlet/nn, so that bench/paired.ts can
// build the same network from two checkouts' sources and the torchlet peer from the installed package.
import type * as Nn from '@torchlet/nn';
import type { Tensor } from '@torchlet/core';
import type { ModelName } from './networks.js';

type NnModule = typeof Nn;

/** The network `name` with its layers from `nn`, ending in `classes` logits. */
export function buildModel(nn: NnModule, name: ModelName, classes: number): Nn.Module {
  const { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } = nn;
  /** conv-BN-ReLU-conv-BN plus the identity, then ReLU: torchvision's BasicBlock without downsampling. */
  class ResidualBlock extends nn.Module {
    conv1: Nn.Conv2d;
    bn1: Nn.BatchNorm2d;
    conv2: Nn.Conv2d;
    bn2: Nn.BatchNorm2d;
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
  switch (name) {
    case 'lenet5':
      return new Sequential(
        new Conv2d(1, 6, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
        new Conv2d(6, 16, 5), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(400, 120), new ReLU(),
        new Linear(120, 84), new ReLU(),
        new Linear(84, classes),
      );
    case 'seedcnn':
      return new Sequential(
        new Conv2d(1, 32, 3), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(1600, 128), new ReLU(),
        new Linear(128, classes),
      );
    case 'cifarcnn':
      return new Sequential(
        new Conv2d(3, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(4096, 128), new ReLU(),
        new Linear(128, classes),
      );
    case 'mlp':
      return new Sequential(
        new Flatten(),
        new Linear(784, 512), new ReLU(),
        new Linear(512, 256), new ReLU(),
        new Linear(256, classes),
      );
    case 'resnetish':
      return new Sequential(
        new Conv2d(3, 16, 3, { padding: 1, bias: false }), new BatchNorm2d(16), new ReLU(),
        new ResidualBlock(16), new ResidualBlock(16),
        new AdaptiveAvgPool2d(1), new Flatten(),
        new Linear(16, classes),
      );
  }
}

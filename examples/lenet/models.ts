import { Sequential, Conv2d, ReLU, MaxPool2d, Flatten, Linear } from '@torchlet/nn';
import type { ModelName } from './args.js';

/** Side of the square feature map after a conv (no dilation) or a pool. */
const after = (size: number, kernel: number, stride = 1, padding = 0) => Math.floor((size + 2 * padding - kernel) / stride) + 1;

/**
 * LeNet-5 as in seed 000's table, with max-pooling and ReLU: conv 6@5x5 (padding 2 keeps 28x28), pool 2,
 * conv 16@5x5, pool 2, then 400 -> 120 -> 84 -> 10 for 28x28 digits.
 */
export function lenet5(channels: number, size: number, classes = 10): Sequential {
  const s = after(after(after(after(size, 5, 1, 2), 2, 2), 5), 2, 2);
  return new Sequential(
    new Conv2d(channels, 6, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 16, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(16 * s * s, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, classes),
  );
}

/** Seed 001's network: conv 32@3x3, pool, conv 64@3x3, pool, 1600 -> 128 -> 10 for 28x28 digits. */
export function seedcnn(channels: number, size: number, classes = 10): Sequential {
  const s = after(after(after(after(size, 3), 2, 2), 3), 2, 2);
  return new Sequential(
    new Conv2d(channels, 32, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64 * s * s, 128),
    new ReLU(),
    new Linear(128, classes),
  );
}

export function buildModel(name: ModelName, channels: number, size: number, classes = 10): Sequential {
  return name === 'lenet5' ? lenet5(channels, size, classes) : seedcnn(channels, size, classes);
}

// The five networks of the bench (issue 12): their input, a one-line description for the tables, and the geometry
// of their convolutions and linear layers, from which bench/gemm.ts derives the matrix-product shapes they run.
// Every peer (bench/peers/*) builds the same layers in its own framework.

export const MODELS = ['lenet5', 'seedcnn', 'cifarcnn', 'mlp', 'resnetish'] as const;
export type ModelName = (typeof MODELS)[number];

export interface Input {
  channels: number;
  size: number;
}

export interface ConvLayer {
  name: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  padding: number;
  /** Input height = width. */
  size: number;
  /** How many layers of the network have this geometry (resnetish repeats its 16@3x3 convolution five times). */
  count: number;
}

export interface LinearLayer {
  name: string;
  inFeatures: number;
  outFeatures: number;
}

export interface Network {
  input: Input;
  description: string;
  convs: ConvLayer[];
  linears: LinearLayer[];
}

const conv = (name: string, inChannels: number, outChannels: number, kernel: number, padding: number, size: number, count = 1): ConvLayer =>
  ({ name, inChannels, outChannels, kernel, padding, size, count });
const linear = (name: string, inFeatures: number, outFeatures: number): LinearLayer => ({ name, inFeatures, outFeatures });

export const NETWORKS: Record<ModelName, Network> = {
  lenet5: {
    input: { channels: 1, size: 28 },
    description: '1x28x28: conv 6@5x5 p2, ReLU, maxpool 2, conv 16@5x5, ReLU, maxpool 2, 400-120-84-10',
    convs: [conv('conv1', 1, 6, 5, 2, 28), conv('conv2', 6, 16, 5, 0, 14)],
    linears: [linear('fc1', 400, 120), linear('fc2', 120, 84), linear('fc3', 84, 10)],
  },
  seedcnn: {
    input: { channels: 1, size: 28 },
    description: "1x28x28 (seed 001's CNN): conv 32@3x3, ReLU, maxpool 2, conv 64@3x3, ReLU, maxpool 2, 1600-128-10",
    convs: [conv('conv1', 1, 32, 3, 0, 28), conv('conv2', 32, 64, 3, 0, 13)],
    linears: [linear('fc1', 1600, 128), linear('fc2', 128, 10)],
  },
  cifarcnn: {
    input: { channels: 3, size: 32 },
    description: '3x32x32: conv 32@3x3 p1, ReLU, maxpool 2, conv 64@3x3 p1, ReLU, maxpool 2, 4096-128-10',
    convs: [conv('conv1', 3, 32, 3, 1, 32), conv('conv2', 32, 64, 3, 1, 16)],
    linears: [linear('fc1', 4096, 128), linear('fc2', 128, 10)],
  },
  mlp: {
    input: { channels: 1, size: 28 },
    description: '1x28x28 flattened: 784-512-256-10, ReLU between',
    convs: [],
    linears: [linear('fc1', 784, 512), linear('fc2', 512, 256), linear('fc3', 256, 10)],
  },
  resnetish: {
    input: { channels: 3, size: 32 },
    description: '3x32x32: conv 16@3x3 p1, BN, ReLU, two residual blocks (conv-BN-ReLU-conv-BN + identity, ReLU), ' +
      'adaptive avg pool, 16-10',
    convs: [conv('stem', 3, 16, 3, 1, 32), conv('block conv', 16, 16, 3, 1, 32, 4)],
    linears: [linear('fc', 16, 10)],
  },
};

export function isModelName(name: string): name is ModelName {
  return (MODELS as readonly string[]).includes(name);
}

/** Multiply-adds x 2 of one sample's forward pass through the convolutions and linear layers. */
export function forwardFlopsPerSample(net: Network): number {
  let flops = 0;
  for (const c of net.convs) {
    const out = c.size + 2 * c.padding - c.kernel + 1;
    flops += c.count * 2 * c.outChannels * out * out * c.inChannels * c.kernel * c.kernel;
  }
  for (const l of net.linears) flops += 2 * l.inFeatures * l.outFeatures;
  return flops;
}

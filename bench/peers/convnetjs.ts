// ConvNetJS 0.3 under the shared protocol, LeNet-5 only. ConvNetJS works one sample at a time: a training step is 64 calls of
// Trainer.train with batch_size 64 (gradients accumulate, the 64th call averages them and updates), an
// inference step is 64 forward passes.
import { createRequire } from 'node:module';
import { BATCH, CLASSES, servePeer } from './protocol.js';

/** The parts of ConvNetJS's (untyped, CommonJS) API this file uses. */
interface Vol {
  w: Float64Array;
}
interface Net {
  makeLayers(defs: object[]): void;
  forward(v: Vol, isTraining?: boolean): Vol;
}
interface Trainer {
  train(x: Vol, label: number): unknown;
}
interface ConvNetJS {
  Vol: new (sx: number, sy: number, depth: number, fill: number) => Vol;
  Net: new () => Net;
  Trainer: new (net: Net, options: object) => Trainer;
}

const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvNetJS;

/** LeNet-5's layers; an 'fc' or 'conv' with activation 'relu' gets a ReLU layer after it, 'softmax' an fc before it. */
function lenet5Layers(): object[] {
  return [
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 120, activation: 'relu' },
    { type: 'fc', num_neurons: 84, activation: 'relu' },
    { type: 'softmax', num_classes: CLASSES },
  ];
}

await servePeer('ConvNetJS', (model, mode, batch) => {
  if (model !== 'lenet5') throw new Error(`peer: ConvNetJS runs only lenet5 in this bench, got ${model}`);
  const net = new convnetjs.Net();
  net.makeLayers(lenet5Layers());
  // A Vol is laid out [y][x][depth]; with depth 1 that is the image's row-major order.
  const pixels = 28 * 28;
  const samples = Array.from({ length: BATCH }, (_, b) => {
    const v = new convnetjs.Vol(28, 28, 1, 0);
    v.w.set(batch.images.subarray(b * pixels, (b + 1) * pixels));
    return v;
  });
  const detail = '0.3.0, plain JS, 1 thread';
  if (mode === 'infer') {
    return { detail, step: () => samples.forEach((v) => net.forward(v, false)) };
  }
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: BATCH, l2_decay: 0 });
  return { detail, step: () => samples.forEach((v, b) => trainer.train(v, batch.labels[b])) };
});

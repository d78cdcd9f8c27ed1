// ConvNetJS 0.3 under the shared protocol. ConvNetJS works one sample at a time: a training step is 64 calls of
// Trainer.train with batch_size 64 (gradients accumulate, the 64th call averages them and updates), an
// inference step is 64 forward passes.
import { createRequire } from 'node:module';
import { BATCH, CLASSES, IMAGE, runPeer, type ModelName } from './protocol.js';

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

/** Layer definitions; an 'fc' or 'conv' with activation 'relu' gets a ReLU layer after it, 'softmax' an fc before it. */
function layers(name: ModelName): object[] {
  const input = { type: 'input', out_sx: IMAGE, out_sy: IMAGE, out_depth: 1 };
  if (name === 'lenet5') {
    return [
      input,
      { type: 'conv', sx: 5, filters: 6, stride: 1, pad: 2, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 0, activation: 'relu' },
      { type: 'pool', sx: 2, stride: 2 },
      { type: 'fc', num_neurons: 120, activation: 'relu' },
      { type: 'fc', num_neurons: 84, activation: 'relu' },
      { type: 'softmax', num_classes: CLASSES },
    ];
  }
  return [
    input,
    { type: 'conv', sx: 3, filters: 32, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 3, filters: 64, stride: 1, pad: 0, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'fc', num_neurons: 128, activation: 'relu' },
    { type: 'softmax', num_classes: CLASSES },
  ];
}

await runPeer('ConvNetJS', (args, batch) => {
  const net = new convnetjs.Net();
  net.makeLayers(layers(args.model));
  // A Vol is laid out [y][x][depth]; with depth 1 that is the image's row-major order.
  const pixels = IMAGE * IMAGE;
  const samples = Array.from({ length: BATCH }, (_, b) => {
    const v = new convnetjs.Vol(IMAGE, IMAGE, 1, 0);
    v.w.set(batch.images.subarray(b * pixels, (b + 1) * pixels));
    return v;
  });
  const detail = '0.3.0, plain JS, 1 thread';
  if (args.mode === 'infer') {
    return { detail, step: () => samples.forEach((v) => net.forward(v, false)) };
  }
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: BATCH, l2_decay: 0 });
  return { detail, step: () => samples.forEach((v, b) => trainer.train(v, batch.labels[b])) };
});

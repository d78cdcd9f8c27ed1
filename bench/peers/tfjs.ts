// TensorFlow.js (tfjs-core with the pure-JS cpu backend) under the shared protocol, LeNet-5 only. The model is written with
// core ops and tf.variable weights (tfjs-layers would pull in more packages for the same kernels); NHWC, which
// for the one-channel input is the same memory as the shared NCHW batch.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { BATCH, CLASSES, servePeer } from './protocol.js';

interface Layer {
  forward(x: tf.Tensor): tf.Tensor;
}

/** He-style uniform init, seeded, so values stay in a normal range over the timed steps. */
let seed = 1;
function weight(shape: number[], fanIn: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed++));
}

function conv(inChannels: number, outChannels: number, kernel: number, pad: 'same' | 'valid'): Layer {
  const w = weight([kernel, kernel, inChannels, outChannels], inChannels * kernel * kernel);
  const b = weight([outChannels], inChannels * kernel * kernel);
  return { forward: (x) => tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad), b)) };
}

const pool: Layer = { forward: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') };
const flatten: Layer = { forward: (x) => tf.reshape(x, [x.shape[0], -1]) };

function dense(inFeatures: number, outFeatures: number, relu: boolean): Layer {
  const w = weight([inFeatures, outFeatures], inFeatures);
  const b = weight([outFeatures], inFeatures);
  return {
    forward: (x) => {
      const y = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
      return relu ? tf.relu(y) : y;
    },
  };
}

/** LeNet-5; 5x5 'same' padding at stride 1 is padding 2. */
function lenet5(): Layer[] {
  return [conv(1, 6, 5, 'same'), pool, conv(6, 16, 5, 'valid'), pool, flatten, dense(400, 120, true), dense(120, 84, true), dense(84, CLASSES, false)];
}

await servePeer('TensorFlow.js (cpu)', async (model, mode, batch) => {
  if (model !== 'lenet5') throw new Error(`peer: TensorFlow.js runs only lenet5 in this bench, got ${model}`);
  await tf.setBackend('cpu');
  await tf.ready();
  const layers = lenet5();
  const forward = (x: tf.Tensor) => layers.reduce((h, layer) => layer.forward(h), x);
  const x = tf.tensor4d(batch.images, [BATCH, 28, 28, 1]);
  const targets = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), CLASSES);
  const detail = `${tf.version_core}, ${tf.getBackend()} backend, 1 thread`;
  if (mode === 'infer') {
    return {
      detail,
      step: () => {
        const logits = tf.tidy(() => forward(x));
        logits.dataSync(); // the cpu backend computes eagerly; reading the result makes that explicit
        logits.dispose();
      },
    };
  }
  const optimizer = tf.train.momentum(0.01, 0.9);
  return {
    detail,
    step: () => {
      const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(targets, forward(x)) as tf.Scalar, true);
      loss?.dataSync();
      loss?.dispose();
    },
  };
});

// TensorFlow.js (tfjs-core with the pure-JS cpu backend) under the shared protocol, LeNet-5 only (bench/tfjs-lenet.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { forwardLayers, tfjsLenet5 } from '../tfjs-lenet.js';
import { BATCH, CLASSES, servePeer } from './protocol.js';

await servePeer('TensorFlow.js (cpu)', async (model, mode, batch) => {
  if (model !== 'lenet5') throw new Error(`peer: TensorFlow.js runs only lenet5 in this bench, got ${model}`);
  await tf.setBackend('cpu');
  await tf.ready();
  const layers = tfjsLenet5(CLASSES);
  const forward = (x: tf.Tensor) => forwardLayers(layers, x);
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

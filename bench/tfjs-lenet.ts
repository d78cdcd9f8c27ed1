// LeNet-5 in TensorFlow.js, written with tfjs-core ops and tf.variable weights (tfjs-layers would pull in more
// packages for the same kernels), for the TF.js peer (bench/peers/tfjs.ts, Node, cpu backend) and the WebGPU bench
// page (bench/browser-webgpu-worker.ts, cpu and webgpu backends). NHWC, which for the one-channel input is the same
// memory as the shared NCHW batch.
import * as tf from '@tensorflow/tfjs-core';

export interface TfLayer {
  forward(x: tf.Tensor): tf.Tensor;
}

/** LeNet-5 as layers (5x5 'same' padding at stride 1 is padding 2), weights drawn from `seed` on. */
export function tfjsLenet5(classes: number, seed = 1): TfLayer[] {
  /** He-style uniform init, seeded, so values stay in a normal range over the timed steps. */
  const weight = (shape: number[], fanIn: number): tf.Variable => {
    const bound = 1 / Math.sqrt(fanIn);
    return tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed++));
  };
  const conv = (inChannels: number, outChannels: number, kernel: number, pad: 'same' | 'valid'): TfLayer => {
    const w = weight([kernel, kernel, inChannels, outChannels], inChannels * kernel * kernel);
    const b = weight([outChannels], inChannels * kernel * kernel);
    return { forward: (x) => tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad), b)) };
  };
  const pool: TfLayer = { forward: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') };
  const flatten: TfLayer = { forward: (x) => tf.reshape(x, [x.shape[0], -1]) };
  const dense = (inFeatures: number, outFeatures: number, relu: boolean): TfLayer => {
    const w = weight([inFeatures, outFeatures], inFeatures);
    const b = weight([outFeatures], inFeatures);
    return {
      forward: (x) => {
        const y = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
        return relu ? tf.relu(y) : y;
      },
    };
  };
  return [conv(1, 6, 5, 'same'), pool, conv(6, 16, 5, 'valid'), pool, flatten, dense(400, 120, true), dense(120, 84, true), dense(84, classes, false)];
}

/** The layers applied in order. */
export function forwardLayers(layers: TfLayer[], x: tf.Tensor): tf.Tensor {
  return layers.reduce((h, layer) => layer.forward(h), x);
}

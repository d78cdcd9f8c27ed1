// torchlet under the shared protocol (bench/peers/protocol.ts). The kernel backend is the default (wasm where
// available) unless TORCHLET_BACKEND says otherwise, the thread count TORCHLET_NUM_THREADS (bench/run.ts sets both).
import { crossEntropy, getBackend, getNumThreads, manualSeed, noGrad, tensor, type Tensor } from '@torchlet/core';
import * as nn from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import { buildModel } from '../models.js';
import { BATCH, CLASSES, servePeer } from './protocol.js';
// Which build of the wasm gemm runs (relaxed-SIMD FMA or SIMD128) is not public API: read from the source.
import { gemmBuild } from '../../packages/core/src/kernels/wasm/loader.js';

await servePeer(`torchlet (${getBackend()})`, (name, mode, batch) => {
  manualSeed(0);
  const model = buildModel(nn, name, CLASSES);
  const { channels, size } = batch.input;
  const x = tensor(batch.images, { shape: [BATCH, channels, size, size] });
  const y = tensor(batch.labels, { shape: [BATCH] });
  const kernels = getBackend() === 'wasm' ? `wasm kernels (${gemmBuild()} gemm)` : `${getBackend()} kernels`;
  const detail = `${kernels}, ${getNumThreads()} thread${getNumThreads() > 1 ? 's' : ''}`;
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

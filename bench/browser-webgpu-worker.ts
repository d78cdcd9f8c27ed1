// The WebGPU bench's Worker in Chromium: LeNet-5 (or resnetish, torchlet only) training steps (forward, cross-entropy, backward, SGD with momentum
// 0.9) in torchlet on 'webgpu' and on the CPU (wasm, pool threads), and in TF.js on its webgpu and cpu backends,
// on one seeded batch. Every step reads its loss back (as a training loop that shows progress does), so a timed step
// is finished work, not queued commands.
import * as torch from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
import * as nn from '@torchlet/nn';
import { SGD } from '@torchlet/optim';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { threadsReady } from '../packages/core/src/kernels/wasm/pool.js';
import { buildModel } from './models.js';
import { NETWORKS } from './networks.js';
import { forwardLayers, tfjsLenet5 } from './tfjs-lenet.js';
import type { BenchModel, Contender, FromBenchWorker, ToBenchWorker } from './browser-webgpu-protocol.js';

const CLASSES = 10;
const post = (message: FromBenchWorker) => (self as unknown as Worker).postMessage(message);

/** A set-up contender: one training step that resolves to its loss, read back. */
type Step = () => Promise<number>;
const steps = new Map<Contender, Step>();

/** The seeded batch's shape [N, C, H, W] for a network. */
function batchShape(model: BenchModel, batch: number): number[] {
  const { channels, size } = NETWORKS[model].input;
  return [batch, channels, size, size];
}

function sharedBatch(model: BenchModel, batch: number): { images: Float32Array; labels: Int32Array } {
  torch.manualSeed(0);
  return { images: Float32Array.from(torch.randn(batchShape(model, batch)).data), labels: Int32Array.from(torch.randint(0, CLASSES, [batch]).data) };
}

type AdapterInfo = { vendor?: string; architecture?: string; device?: string; description?: string };
const describeAdapter = (info: AdapterInfo | undefined): string =>
  [info?.vendor, info?.architecture, info?.device, info?.description].filter((part) => part !== undefined && part !== '').join(', ') || 'no adapter info';

async function torchletStep(device: torch.Device, model: BenchModel, batch: number, threads: number): Promise<{ step: Step; detail: string; adapter?: string }> {
  let adapter: string | undefined;
  if (device === 'webgpu') adapter = describeAdapter((((await initWebGPU()).adapter) as { info?: AdapterInfo }).info);
  else {
    torch.setNumThreads(threads);
    const ready = await threadsReady();
    if (ready !== threads) throw new Error(`torchlet cpu: ${ready} of ${threads} threads started`);
  }
  const data = sharedBatch(model, batch);
  torch.manualSeed(1);
  const net = buildModel(nn, model, CLASSES).to(device);
  const optimizer = new SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = new torch.Tensor(data.images, batchShape(model, batch)).to(device);
  const y = new torch.Tensor(data.labels, [batch]).to(device);
  const step: Step = async () => {
    optimizer.zeroGrad();
    const loss = torch.crossEntropy(net.forward(x) as torch.Tensor, y);
    loss.backward();
    optimizer.step();
    return loss.itemAsync();
  };
  const detail = device === 'webgpu' ? 'WGSL kernels' : `${torch.getBackend()} kernels, ${torch.getNumThreads()} threads`;
  return { step, detail, adapter };
}

async function tfjsStep(backend: 'webgpu' | 'cpu', batch: number): Promise<{ step: Step; detail: string; adapter?: string }> {
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js: the ${backend} backend did not initialize`);
  await tf.ready();
  const data = sharedBatch('lenet5', batch);
  const layers = tfjsLenet5(CLASSES);
  const x = tf.tensor4d(data.images, [batch, 28, 28, 1]);
  const targets = tf.oneHot(tf.tensor1d(data.labels, 'int32'), CLASSES);
  const optimizer = tf.train.momentum(0.01, 0.9);
  const step: Step = async () => {
    // the backend is global in TF.js: each contender selects its own before its steps
    if (tf.getBackend() !== backend) await tf.setBackend(backend);
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(targets, forwardLayers(layers, x)) as tf.Scalar, true)!;
    const value = (await loss.data())[0];
    loss.dispose();
    return value;
  };
  const info = backend === 'webgpu' ? (tf.backend() as unknown as { adapterInfo?: AdapterInfo }).adapterInfo : undefined;
  return { step, detail: `${tf.version_core}, ${backend} backend${backend === 'cpu' ? ', 1 thread' : ''}`, adapter: backend === 'webgpu' ? describeAdapter(info) : undefined };
}

async function handle(message: ToBenchWorker): Promise<FromBenchWorker> {
  if (message.type === 'setup') {
    const { contender, model, batch, warmup, threads } = message;
    if (model !== 'lenet5' && contender.startsWith('TF.js')) throw new Error(`${contender}: the bench has TF.js's LeNet-5 only, not ${model}`);
    const made = contender === 'torchlet webgpu' ? await torchletStep('webgpu', model, batch, threads)
      : contender === 'torchlet cpu' ? await torchletStep('cpu', model, batch, threads)
      : await tfjsStep(contender === 'TF.js webgpu' ? 'webgpu' : 'cpu', batch);
    const started = performance.now();
    const firstLoss = await made.step();
    const firstStepMs = performance.now() - started;
    for (let i = 0; i < warmup; i++) await made.step();
    steps.set(contender, made.step);
    return { type: 'setup', detail: made.detail, firstStepMs, firstLoss, adapter: made.adapter };
  }
  const step = steps.get(message.contender);
  if (step === undefined) throw new Error(`run: ${message.contender} was not set up`);
  const started = performance.now();
  let done = 0;
  let loss = NaN;
  while (done < message.minSteps || performance.now() - started < message.minMs) {
    loss = await step();
    done++;
  }
  return { type: 'run', steps: done, ms: performance.now() - started, loss };
}

self.onmessage = (event: MessageEvent<ToBenchWorker>) => {
  handle(event.data).then(post, (err: unknown) => post({ type: 'error', message: String((err as Error)?.stack ?? err) }));
};

// The page's worker: trains LeNet-5 on the embedded MNIST sample off the main thread (on the kernel pool's threads
// when the page is cross-origin isolated), answers predictions and saves and loads the weights as safetensors.
import { argmax, crossEntropy, getBackend, getNumThreads, manualSeed, noGrad, softmax, Tensor, zeros } from '@torchlet/core';
import { deserialize, loadStoredStateDict, serialize, storeStateDict } from '@torchlet/nn';
import { toOnnx } from '@torchlet/nn/onnx';
import { SGD } from '@torchlet/optim';
import { parseMnistSample, type ImageDataset } from '@torchlet/data';
import { lenet5 } from '../lenet/models.js';
import type { FromWorker, ToWorker } from './protocol.js';

const BATCH = 64;
const LR = 0.01;
const TEST_EVERY = 25;
const TEST_DIGITS = 500;
/** The IndexedDB name the page keeps its weights under between visits. */
const STORED = 'torchlet-web-lenet5';
// MNIST's mean and standard deviation, as examples/lenet normalises.
const MEAN = 0.1307;
const STD = 0.3081;

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

manualSeed(0);
const model = lenet5(1, 28);
const optimizer = new SGD(model.parameters(), { lr: LR, momentum: 0.9 });
let train: ImageDataset | undefined;
let test: { x: Tensor; y: Int32Array } | undefined;
let running = false;
let step = 0;
let order: Int32Array = new Int32Array(0);

function normalised(pixels: Float32Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] - MEAN) / STD;
  return out;
}

function filters(): Float32Array {
  return Float32Array.from(model.stateDict()['0.weight'].data as Float32Array);
}

// The epochs' orders from a fixed seed (mulberry32), so that every visit trains the same way.
let seed = 0;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function shuffled(n: number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function batchAt(data: ImageDataset, at: number): { x: Tensor; y: Tensor } {
  const pixels = data.x.data as Float32Array;
  const labels = data.y.data as Int32Array;
  const x = new Float32Array(BATCH * 784);
  const y = new Int32Array(BATCH);
  for (let b = 0; b < BATCH; b++) {
    const index = order[(at + b) % order.length];
    x.set(pixels.subarray(index * 784, (index + 1) * 784), b * 784);
    y[b] = labels[index];
  }
  return { x: new Tensor(normalised(x), [BATCH, 1, 28, 28]), y: new Tensor(y, [BATCH]) };
}

function correct(logits: Tensor, labels: ArrayLike<number>): number {
  const predicted = argmax(logits, 1).data;
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right;
}

function testAccuracy(): number {
  if (test === undefined) return 0;
  const held = test;
  model.eval();
  const right = noGrad(() => correct(model.forward(held.x), held.y));
  model.train();
  return right / held.y.length;
}

function trainStep(): void {
  if (train === undefined) throw new Error('the MNIST sample has not loaded yet');
  const perEpoch = Math.floor(order.length / BATCH);
  if (step % perEpoch === 0) order = shuffled(train.x.shape[0]);
  const started = performance.now();
  const { x, y } = batchAt(train, (step % perEpoch) * BATCH);
  const logits = model.forward(x);
  const loss = crossEntropy(logits, y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  const ms = performance.now() - started;
  step++;
  post({
    type: 'progress',
    step,
    epoch: Math.floor(step / perEpoch),
    loss: loss.item(),
    accuracy: correct(logits, y.data) / BATCH,
    samplesPerSec: (BATCH * 1000) / ms,
    testAccuracy: step % TEST_EVERY === 0 ? testAccuracy() : undefined,
    filters: filters(),
    firstStepMs: step === 1 ? ms : undefined,
  });
}

// A zero-delay yield (a MessageChannel round trip), so that pause and predict messages are handled between steps.
const channel = new MessageChannel();
let wake: (() => void) | undefined;
channel.port1.onmessage = () => wake?.();
const yieldToMessages = () => new Promise<void>((resolve) => { wake = resolve; channel.port2.postMessage(0); });

async function loop(): Promise<void> {
  while (running) {
    try {
      trainStep();
    } catch (err) {
      running = false;
      post({ type: 'running', running });
      throw err;
    }
    await yieldToMessages();
  }
}

function predict(pixels: Float32Array): number[] {
  if (pixels.length !== 784) throw new Error(`expected 28x28 = 784 pixels, got ${pixels.length}`);
  model.eval();
  const probabilities = noGrad(() => softmax(model.forward(new Tensor(normalised(pixels), [1, 1, 28, 28])), 1));
  model.train();
  return Array.from(probabilities.data);
}

function load(name: string, bytes: Uint8Array): void {
  const tensors = deserialize(bytes, { source: name });
  model.loadStateDict(tensors); // strict: names every missing, unexpected or misshapen key
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'start':
      if (running) return;
      running = true;
      post({ type: 'running', running });
      return loop();
    case 'pause':
      running = false;
      post({ type: 'running', running });
      return;
    case 'predict':
      post({ type: 'prediction', id: message.id, probabilities: predict(message.pixels) });
      return;
    case 'export': {
      const bytes = message.format === 'onnx'
        ? toOnnx(model, zeros([1, 1, 28, 28]), { inputNames: ['image'], outputNames: ['logits'] })
        : serialize(model.stateDict(), { metadata: { format: 'pt', model: 'lenet5', steps: String(step) } });
      post({ type: 'weights', format: message.format, bytes }, [bytes.buffer]);
      return;
    }
    case 'import':
      load(message.name, message.bytes);
      post({ type: 'loaded', name: message.name, filters: filters() });
      return;
    case 'store':
      await storeStateDict(STORED, model.stateDict(), { metadata: { format: 'pt', model: 'lenet5', steps: String(step) } });
      post({ type: 'stored', step });
      return;
    case 'restore':
      model.loadStateDict(await loadStoredStateDict(STORED));
      post({ type: 'loaded', name: 'the weights kept in this browser', filters: filters() });
      return;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((err: unknown) => post({ type: 'error', during: event.data.type, message: err instanceof Error ? err.message : String(err) }));
};

async function setUp(): Promise<void> {
  const response = await fetch(new URL('./mnist-sample.bin', self.location.href));
  if (!response.ok) throw new Error(`fetching the MNIST sample: ${response.status} ${response.statusText}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  train = parseMnistSample(bytes, { split: 'train' });
  const held = parseMnistSample(bytes, { split: 'test' });
  test = {
    x: new Tensor(normalised((held.x.data as Float32Array).slice(0, TEST_DIGITS * 784)), [TEST_DIGITS, 1, 28, 28]),
    y: (held.y.data as Int32Array).slice(0, TEST_DIGITS),
  };
  order = shuffled(train.x.shape[0]);
  post({
    type: 'ready', threads: getNumThreads(), backend: getBackend(), isolated: self.crossOriginIsolated,
    trainSize: train.x.shape[0], testSize: held.x.shape[0], filters: filters(),
  });
}

setUp().catch((err: unknown) => post({ type: 'error', during: 'setup', message: err instanceof Error ? err.message : String(err) }));

// The page's worker: trains LeNet-5 on the embedded MNIST sample off the main thread (on the kernel pool's threads
// when the page is cross-origin isolated, or on the GPU through WebGPU when the page switches to it), answers
// predictions and saves and loads the weights as safetensors.
import { argmax, crossEntropy, type Device, getBackend, getNumThreads, manualSeed, noGrad, softmax, Tensor, zeros } from '@torchlet/core';
import { initWebGPU } from '@torchlet/core/webgpu';
import { deserialize, loadStoredStateDict, type Sequential, serialize, storeStateDict } from '@torchlet/nn';
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

/** `?gpu=none` in the page's address: initWebGPU sees no navigator.gpu, as in a browser without WebGPU (the page test uses it). */
const NO_GPU = new URL(self.location.href).searchParams.get('gpu') === 'none';

const post = (message: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(message, transfer);

manualSeed(0);
let model: Sequential = lenet5(1, 28);
let device: Device = 'cpu';
const newOptimizer = () => new SGD(model.parameters(), { lr: LR, momentum: 0.9 });
let optimizer = newOptimizer();
let train: ImageDataset | undefined;
let test: { x: Tensor; y: Int32Array } | undefined;
/** The held-out digits on the device, uploaded once per switch to it. */
let testOnDevice: Tensor | undefined;
let running = false;
let step = 0;
/** The next step is the first on its device (wasm compile or shader compile included): its time is reported apart. */
let firstOnDevice = true;
let order: Int32Array = new Int32Array(0);

function normalised(pixels: Float32Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] - MEAN) / STD;
  return out;
}

/** The first conv layer's weights, read back from the device when the model is there. */
async function filters(): Promise<Float32Array> {
  return Float32Array.from(await model.stateDict()['0.weight'].read());
}

/** The model's state dict on the CPU (each tensor read back from the device when it is there), for saving. */
async function hostStateDict(): Promise<Record<string, Tensor>> {
  const host: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(model.stateDict())) host[key] = await t.cpu();
  return host;
}

/**
 * A state dict from a file or IndexedDB (CPU tensors) into the model, in place (the optimizer's state stays, as on
 * the CPU). On the GPU, loadStateDict (which writes host storage) checks it on a CPU model and copy_ uploads it.
 */
function loadWeights(tensors: Record<string, Tensor>): void {
  const checked = device === 'cpu' ? model : lenet5(1, 28);
  checked.loadStateDict(tensors); // strict: names every missing, unexpected or misshapen key
  if (checked === model) return;
  const own = model.stateDict();
  noGrad(() => {
    for (const [key, t] of Object.entries(checked.stateDict())) own[key].copy_(t.to(device));
  });
}

let adapterInfo: { vendor?: string; architecture?: string; description?: string } | undefined;

/**
 * Moves training to `to`. To the GPU in place (`model.to('webgpu')`, each Parameter kept); back to the CPU through
 * a read of the weights into a CPU model, since a device's values come back asynchronously. The optimizer's state
 * moves too. Where initWebGPU fails, it throws and nothing has moved.
 */
async function useDevice(to: Device): Promise<string> {
  if (to === device) return deviceDetail();
  const momentum = optimizer.stateDict();
  if (to === 'webgpu') {
    const context = await initWebGPU(NO_GPU ? { gpu: null } : {});
    adapterInfo = (context.adapter as { info?: { vendor?: string; architecture?: string; description?: string } }).info;
    model.to('webgpu');
    testOnDevice = test?.x.to('webgpu');
  } else {
    const weights = await hostStateDict();
    model = lenet5(1, 28);
    model.loadStateDict(weights);
    testOnDevice = undefined;
  }
  device = to;
  optimizer = newOptimizer();
  // SGD's momentum buffers move along, so training goes on as if it had stayed on one device
  for (const entry of Object.values(momentum.state) as Record<string, unknown>[]) {
    for (const [key, value] of Object.entries(entry)) if (value instanceof Tensor) entry[key] = to === 'cpu' ? await value.cpu() : value.to(to);
  }
  optimizer.loadStateDict(momentum);
  firstOnDevice = true;
  return deviceDetail();
}

function deviceDetail(): string {
  if (device === 'cpu') return `${getBackend()} kernels on ${getNumThreads()} thread${getNumThreads() === 1 ? '' : 's'}`;
  const info = [adapterInfo?.vendor, adapterInfo?.architecture, adapterInfo?.description].filter((part) => part !== undefined && part !== '');
  return `WebGPU${info.length > 0 ? ` (${info.join(', ')})` : ''}`;
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

/** How many predicted classes (argmax of the logits, read back from the device when they are there) match `labels`. */
async function correct(logits: Tensor, labels: ArrayLike<number>): Promise<number> {
  const predicted = await argmax(logits, 1).read();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right;
}

async function testAccuracy(): Promise<number> {
  if (test === undefined) return 0;
  const held = test;
  const x = testOnDevice ?? held.x;
  model.eval();
  const logits = noGrad(() => model.forward(x));
  model.train();
  return (await correct(logits, held.y)) / held.y.length;
}

async function trainStep(): Promise<void> {
  if (train === undefined) throw new Error('the MNIST sample has not loaded yet');
  const perEpoch = Math.floor(order.length / BATCH);
  if (step % perEpoch === 0) order = shuffled(train.x.shape[0]);
  const started = performance.now();
  const batch = batchAt(train, (step % perEpoch) * BATCH);
  const [x, y] = [batch.x.to(device), batch.y.to(device)];
  const logits = model.forward(x);
  const loss = crossEntropy(logits, y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  // only what the page shows comes back from the device: the loss, the predicted classes and the filters
  const lossValue = await loss.itemAsync();
  const right = await correct(logits, batch.y.data);
  const ms = performance.now() - started;
  step++;
  post({
    type: 'progress',
    step,
    epoch: Math.floor(step / perEpoch),
    device,
    loss: lossValue,
    accuracy: right / BATCH,
    samplesPerSec: (BATCH * 1000) / ms,
    testAccuracy: step % TEST_EVERY === 0 ? await testAccuracy() : undefined,
    filters: await filters(),
    firstStepMs: firstOnDevice ? ms : undefined,
  });
  firstOnDevice = false;
}

/*
 * The model is used by one thing at a time: a training step, a prediction, a device switch or a load runs to its
 * end before the next starts (a step on the GPU awaits its reads, and a message handled meanwhile must not move or
 * replace the model under it).
 */
let queue: Promise<unknown> = Promise.resolve();
function serially<T>(fn: () => Promise<T>): Promise<T> {
  const done = queue.then(fn);
  queue = done.catch(() => undefined);
  return done;
}

// A zero-delay yield (a MessageChannel round trip), so that pause and predict messages are handled between steps.
const channel = new MessageChannel();
let wake: (() => void) | undefined;
channel.port1.onmessage = () => wake?.();
const yieldToMessages = () => new Promise<void>((resolve) => { wake = resolve; channel.port2.postMessage(0); });

async function loop(): Promise<void> {
  while (running) {
    try {
      await serially(trainStep);
    } catch (err) {
      running = false;
      post({ type: 'running', running });
      throw err;
    }
    await yieldToMessages();
  }
}

async function predict(pixels: Float32Array): Promise<number[]> {
  if (pixels.length !== 784) throw new Error(`expected 28x28 = 784 pixels, got ${pixels.length}`);
  model.eval();
  const probabilities = noGrad(() => softmax(model.forward(new Tensor(normalised(pixels), [1, 1, 28, 28]).to(device)), 1));
  model.train();
  return Array.from(await probabilities.read());
}

/** The model on the CPU, for what needs host values (the ONNX export traces a forward on the CPU). */
async function cpuModel(): Promise<Sequential> {
  if (device === 'cpu') return model;
  const copy = lenet5(1, 28);
  copy.loadStateDict(await hostStateDict());
  return copy;
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
    case 'device': {
      const detail = await serially(() => useDevice(message.device));
      post({ type: 'device', device, detail });
      return;
    }
    case 'predict': {
      const probabilities = await serially(() => predict(message.pixels));
      post({ type: 'prediction', id: message.id, probabilities });
      return;
    }
    case 'export': {
      const bytes = await serially(async () => message.format === 'onnx'
        ? toOnnx(await cpuModel(), zeros([1, 1, 28, 28]), { inputNames: ['image'], outputNames: ['logits'] })
        : serialize(await hostStateDict(), { metadata: { format: 'pt', model: 'lenet5', steps: String(step) } }));
      post({ type: 'weights', format: message.format, bytes }, [bytes.buffer]);
      return;
    }
    case 'import': {
      const loaded = await serially(async () => {
        loadWeights(deserialize(message.bytes, { source: message.name }));
        return filters();
      });
      post({ type: 'loaded', name: message.name, filters: loaded });
      return;
    }
    case 'store': {
      const weights = await serially(hostStateDict);
      await storeStateDict(STORED, weights, { metadata: { format: 'pt', model: 'lenet5', steps: String(step) } });
      post({ type: 'stored', step });
      return;
    }
    case 'restore': {
      const stored = await loadStoredStateDict(STORED);
      const loaded = await serially(async () => {
        loadWeights(stored);
        return filters();
      });
      post({ type: 'loaded', name: 'the weights kept in this browser', filters: loaded });
      return;
    }
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
    trainSize: train.x.shape[0], testSize: held.x.shape[0], filters: await filters(),
  });
}

setUp().catch((err: unknown) => post({ type: 'error', during: 'setup', message: err instanceof Error ? err.message : String(err) }));

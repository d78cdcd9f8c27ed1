// The page: controls, live curves and filters, a drawing pad with the ten probabilities, weights as .safetensors.
// The model lives in train.worker.ts; this thread only draws and talks to it, so the page stays responsive.
import { drawChart, smoothed } from './chart.js';
import { luminance, mnistStyle, SIDE } from './preprocess.js';
import type { Device } from '@torchlet/core';
import type { FromWorker, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
};

/** What the page shows, kept on globalThis.torchletPage so that a test (or a curious user) can read it. */
const state = {
  ready: false,
  running: false,
  step: 0,
  /** Where training runs, and what runs it there (kernels and threads, or the GPU adapter). */
  device: 'cpu' as Device,
  deviceDetail: '',
  /** A device switch asked for and not answered yet. */
  switching: false,
  losses: [] as number[],
  /** The device of each step in `losses`. */
  stepDevices: [] as Device[],
  accuracies: [] as number[],
  testAccuracies: [] as { x: number; y: number }[],
  samplesPerSec: 0,
  /** Milliseconds of the first step on the device in use (wasm or shader compile included), not in samplesPerSec. */
  firstStepMs: undefined as number | undefined,
  /** Milliseconds from the start of the page's load to the worker's ready message (sample fetched and parsed, wasm compiled, pool started). */
  readyMs: undefined as number | undefined,
  prediction: undefined as { digit: number; probabilities: number[] } | undefined,
  predictions: 0,
  message: { kind: '', text: '' },
};
(globalThis as { torchletPage?: typeof state }).torchletPage = state;

function show(kind: 'error' | 'info', text: string): void {
  state.message = { kind, text };
  const box = $('message');
  box.className = kind;
  box.textContent = text;
}

// Every error reaches the page, not only the console.
addEventListener('error', (event) => show('error', `Error: ${event.message}`));
addEventListener('unhandledrejection', (event) => show('error', `Error: ${event.reason instanceof Error ? event.reason.message : String(event.reason)}`));

// ?gpu=none (passed on to the worker) makes initWebGPU see a browser without WebGPU: the fallback path, on any browser
const workerUrl = new URL('./train.worker.js', import.meta.url);
if (new URLSearchParams(location.search).get('gpu') === 'none') workerUrl.searchParams.set('gpu', 'none');
const worker = new Worker(workerUrl, { type: 'module' });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
worker.onerror = (event) => show('error', `The training worker failed: ${event.message}`);
worker.onmessageerror = () => show('error', 'A message from the training worker could not be read.');

const startButton = $<HTMLButtonElement>('start');
const downloadButton = $<HTMLButtonElement>('download');
const fileInput = $<HTMLInputElement>('load');

startButton.onclick = () => send({ type: state.running ? 'pause' : 'start' });
downloadButton.onclick = () => send({ type: 'export', format: 'safetensors' });
const onnxButton = $<HTMLButtonElement>('download-onnx');
onnxButton.onclick = () => send({ type: 'export', format: 'onnx' });
const deviceInputs = [$<HTMLInputElement>('device-cpu'), $<HTMLInputElement>('device-webgpu')];
for (const input of deviceInputs) {
  input.onchange = () => {
    if (!input.checked) return;
    state.switching = true;
    for (const other of deviceInputs) other.disabled = true;
    $('device-detail').textContent = input.value === 'webgpu' ? 'asking for a WebGPU adapter…' : 'reading the weights back…';
    send({ type: 'device', device: input.value as Device });
  };
}
/** Shows training on `device` (after a switch, or after a failed one: back on the one still in use). */
function showDevice(device: Device, detail: string): void {
  state.device = device;
  state.deviceDetail = detail;
  state.switching = false;
  for (const input of deviceInputs) {
    input.checked = input.value === device;
    input.disabled = false;
  }
  $('device-detail').textContent = detail;
  $('speed-label').textContent = device === 'webgpu' ? 'samples/s on the GPU' : 'samples/s on the CPU';
}
const storeButton = $<HTMLButtonElement>('store');
const restoreButton = $<HTMLButtonElement>('restore');
storeButton.onclick = () => send({ type: 'store' });
restoreButton.onclick = () => send({ type: 'restore' });
fileInput.onchange = async () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (file === undefined) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  send({ type: 'import', name: file.name, bytes }, [bytes.buffer]);
};

function drawFilters(weights: Float32Array): void {
  const box = $('filters');
  const count = weights.length / 25;
  while (box.children.length < count) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 5;
    box.append(canvas);
  }
  for (let f = 0; f < count; f++) {
    const w = weights.subarray(f * 25, (f + 1) * 25);
    const [lo, hi] = [Math.min(...w), Math.max(...w)];
    const canvas = box.children[f] as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const image = ctx.createImageData(5, 5);
    w.forEach((v, i) => {
      const g = Math.round((255 * (v - lo)) / (hi - lo || 1));
      image.data.set([g, g, g, 255], 4 * i);
    });
    ctx.putImageData(image, 0, 0);
  }
}

let chartsPending = false;
function drawCharts(): void {
  if (chartsPending) return;
  chartsPending = true;
  requestAnimationFrame(() => {
    chartsPending = false;
    drawChart($<HTMLCanvasElement>('loss-chart'), [
      { points: state.losses.map((y, i) => ({ x: i + 1, y })), color: '#f2b8aa', width: 1 },
      { points: smoothed(state.losses), color: '#e0563b' },
    ], { yMin: 0, label: (y) => y.toFixed(2) });
    drawChart($<HTMLCanvasElement>('accuracy-chart'), [
      { points: smoothed(state.accuracies), color: '#2f5fd0' },
      { points: state.testAccuracies, color: '#1a9c5b' },
    ], { yMin: 0, yMax: 1, label: (y) => `${Math.round(y * 100)}%` });
  });
}

function drawBars(probabilities: number[] | undefined): void {
  const bars = $('bars');
  if (bars.children.length === 0) {
    for (let d = 0; d < 10; d++) bars.insertAdjacentHTML('beforeend', `<b>${d}</b><div><div class="bar" id="bar-${d}"></div></div><span id="p-${d}">–</span>`);
  }
  const top = probabilities === undefined ? -1 : probabilities.indexOf(Math.max(...probabilities));
  for (let d = 0; d < 10; d++) {
    const p = probabilities?.[d] ?? 0;
    const bar = $(`bar-${d}`);
    bar.style.width = `${Math.max(0.5, p * 100)}%`;
    bar.classList.toggle('top', d === top);
    $(`p-${d}`).textContent = probabilities === undefined ? '–' : `${(p * 100).toFixed(1)}%`;
  }
  $('prediction').textContent = top < 0 ? '?' : String(top);
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'ready':
      state.ready = true;
      state.readyMs = performance.now();
      $('setup').textContent = `${message.trainSize} training and ${message.testSize} held-out MNIST digits, in a Web Worker; ` +
        `on the CPU, ${message.backend} kernels on ${message.threads} thread${message.threads === 1 ? '' : 's'}` +
        (message.isolated ? '' : ' (serve the page cross-origin isolated for more)') + '.';
      startButton.disabled = downloadButton.disabled = onnxButton.disabled = storeButton.disabled = restoreButton.disabled = false;
      showDevice('cpu', `${message.backend} kernels on ${message.threads} thread${message.threads === 1 ? '' : 's'}`);
      drawFilters(message.filters);
      return;
    case 'running':
      state.running = message.running;
      startButton.textContent = message.running ? 'Pause' : state.step === 0 ? 'Start training' : 'Resume';
      return;
    case 'device':
      show('info', message.device === 'webgpu' ? `Training on the GPU: ${message.detail}.` : `Training on the CPU: ${message.detail}.`);
      showDevice(message.device, message.detail);
      state.samplesPerSec = 0; // the figure is the new device's
      return;
    case 'progress':
      state.step = message.step;
      state.losses.push(message.loss);
      state.stepDevices.push(message.device);
      state.accuracies.push(message.accuracy);
      if (message.testAccuracy !== undefined) {
        state.testAccuracies.push({ x: message.step, y: message.testAccuracy });
        $('test-accuracy').textContent = `${(message.testAccuracy * 100).toFixed(1)}%`;
      }
      // the first step on a device (compiling) is shown apart, not in the samples/s of the device in use
      if (message.firstStepMs !== undefined) state.firstStepMs = message.firstStepMs;
      else state.samplesPerSec = 0.8 * (state.samplesPerSec || message.samplesPerSec) + 0.2 * message.samplesPerSec;
      $('step').textContent = `${message.step} (epoch ${message.epoch + 1})`;
      $('loss').textContent = smoothed(state.losses).at(-1)!.y.toFixed(3);
      $('accuracy').textContent = `${(smoothed(state.accuracies).at(-1)!.y * 100).toFixed(1)}%`;
      $('speed').textContent = state.samplesPerSec === 0 ? '–' : state.samplesPerSec.toFixed(0);
      drawFilters(message.filters);
      drawCharts();
      if (message.step % 10 === 0) predict(); // the probabilities follow the training
      return;
    case 'prediction': {
      waiting = false;
      if (message.id !== latest) return predict();
      const digit = message.probabilities.indexOf(Math.max(...message.probabilities));
      state.prediction = { digit, probabilities: message.probabilities };
      state.predictions++;
      drawBars(message.probabilities);
      return;
    }
    case 'weights': {
      const url = URL.createObjectURL(new Blob([message.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const link = Object.assign(document.createElement('a'), { href: url, download: `lenet5-mnist-step${state.step}.${message.format}` });
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      const use = message.format === 'onnx'
        ? 'run it with ONNX Runtime (input "image" [N, 1, 28, 28], output "logits")'
        : "load it with torchlet's load(), or safetensors.torch.load_file() into PyTorch's LeNet-5";
      show('info', `Saved ${link.download} (${(message.bytes.length / 1024).toFixed(0)} KiB): ${use}.`);
      return;
    }
    case 'stored':
      show('info', `Kept the weights of step ${message.step} in this browser (IndexedDB): Restore kept weights loads them on a later visit.`);
      return;
    case 'loaded':
      drawFilters(message.filters);
      show('info', `Loaded ${message.name}.`);
      predict();
      return;
    case 'error':
      if (message.during === 'device') {
        const [wanted, kept] = state.device === 'cpu' ? ['the GPU', 'the CPU'] : ['the CPU', 'the GPU'];
        show('error', `Could not move training to ${wanted}: ${message.message}\nTraining stays on ${kept}.`);
        showDevice(state.device, state.deviceDetail);
        return;
      }
      show('error', message.during === 'import' || message.during === 'restore' ? `Could not load those weights: ${message.message}` : `Error while ${message.during === 'setup' ? 'setting up' : message.during}: ${message.message}`);
      return;
  }
};

// The drawing pad: pointer events, so a mouse, a pen and a finger all draw.
const pad = $<HTMLCanvasElement>('pad');
const padContext = pad.getContext('2d', { willReadFrequently: true })!;
function clearPad(): void {
  padContext.fillStyle = '#000';
  padContext.fillRect(0, 0, pad.width, pad.height);
  state.prediction = undefined;
  drawBars(undefined);
  $<HTMLCanvasElement>('input28').getContext('2d')!.clearRect(0, 0, SIDE, SIDE);
}
clearPad();
let last: { x: number; y: number } | undefined;
const at = (event: PointerEvent) => {
  const box = pad.getBoundingClientRect();
  return { x: ((event.clientX - box.left) * pad.width) / box.width, y: ((event.clientY - box.top) * pad.height) / box.height };
};
function strokeTo(point: { x: number; y: number }): void {
  padContext.strokeStyle = '#fff';
  padContext.lineWidth = 20;
  padContext.lineCap = padContext.lineJoin = 'round';
  padContext.beginPath();
  padContext.moveTo((last ?? point).x, (last ?? point).y);
  padContext.lineTo(point.x, point.y);
  padContext.stroke();
  last = point;
  predict();
}
pad.addEventListener('pointerdown', (event) => {
  pad.setPointerCapture(event.pointerId);
  last = undefined;
  strokeTo(at(event));
});
pad.addEventListener('pointermove', (event) => {
  if (pad.hasPointerCapture(event.pointerId)) strokeTo(at(event));
});
pad.addEventListener('pointerup', () => (last = undefined));
$('clear').onclick = clearPad;

// Predictions while drawing: one request in flight at a time, the newest drawing wins.
let latest = 0;
let waiting = false;
function predict(): void {
  const grey = luminance(padContext.getImageData(0, 0, pad.width, pad.height).data, pad.width, pad.height);
  const pixels = mnistStyle(grey, pad.width, pad.height);
  if (pixels === null || !state.ready) return;
  const preview = $<HTMLCanvasElement>('input28').getContext('2d')!;
  const image = preview.createImageData(SIDE, SIDE);
  pixels.forEach((v, i) => image.data.set([v * 255, v * 255, v * 255, 255], 4 * i));
  preview.putImageData(image, 0, 0);
  latest++;
  if (waiting) return;
  waiting = true;
  send({ type: 'predict', id: latest, pixels });
}

// The page of `pnpm web` in Chromium, driven as a person would: it loads with no page error, training lowers the
// loss and pauses and resumes, the device switch trains on WebGPU (and, without WebGPU, says so and stays on the CPU), a digit drawn with pointer events gets the ten probabilities, the weights download as
// a .safetensors file that torchlet's Node `load` reads with PyTorch's keys, and corrupt or wrong files get a message
// on the page while the page keeps working.
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Tensor, manualSeed, noGrad, randn } from '@torchlet/core';
import { Linear, load, serialize } from '@torchlet/nn';
import * as ort from 'onnxruntime-node';
import type { Page } from 'puppeteer-core';
import type { PageTest } from '../../../scripts/browser/page-test.js';
import { buildWeb } from '../../web/build.js';
import { DIGIT_STROKES, draw, pageState, waitFor } from '../../web/drive.js';
import { lenet5 } from '../../lenet/models.js';

const STEPS = 100;
/** CPU steps before the switch to WebGPU: where the loss falls fast, so that a few steps show it. */
const CPU_STEPS = 45;
/** Steps on WebGPU: SwiftShader (a CPU Vulkan) takes seconds for a step of LeNet-5 at batch 64. */
const GPU_STEPS = 5;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** Asserts that `losses` (from step `from`) follow `reference` within 1e-4 relative; returns the largest difference. */
function agreement(losses: number[], reference: number[], where: string, from: number): number {
  let worst = 0;
  losses.forEach((loss, i) => {
    const relative = Math.abs(loss - reference[i]) / reference[i];
    worst = Math.max(worst, relative);
    assert.ok(relative < 1e-4, `step ${from + i + 1}: loss ${loss} on ${where}, ${reference[i]} on the CPU-only page`);
  });
  return worst;
}

/** The path of the first file in `dir` whose name ends in `suffix` (a finished download), waiting up to 20 s. */
async function downloadIn(dir: string, suffix: string): Promise<string> {
  const until = Date.now() + 20_000;
  while (!readdirSync(dir).some((f) => f.endsWith(suffix)) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const name = readdirSync(dir).find((f) => f.endsWith(suffix));
  assert.ok(name !== undefined, `a ${suffix} file in ${dir}: ${readdirSync(dir).join(', ')}`);
  return join(dir, name!);
}

async function upload(page: Page, path: string): Promise<void> {
  const input = await page.$('#load');
  if (input === null) throw new Error('the page has no #load input');
  await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(path);
}

const pageTest: PageTest = {
  files: () => buildWeb(),
  async run({ base, check, openPage }) {
    const dir = mkdtempSync(join(tmpdir(), 'torchlet-web-'));
    const page = await openPage();
    await page.setViewport({ width: 1200, height: 900 });
    const session = await page.createCDPSession();
    await session.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: dir });
    await page.goto(`${base}index.html`);

    await check('the page loads, fetches the sample and starts its worker on 2 threads', async () => {
      await waitFor(page, 'the worker to be ready', (s) => s.ready);
      const setup = await page.$eval('#setup', (e) => e.textContent ?? '');
      assert.match(setup, /8000 training and 2000 held-out/);
      assert.match(setup, /wasm kernels on 2 threads/);
    });

    await check(`training lowers the loss over ${STEPS} steps; pause stops it, resume goes on`, async () => {
      await page.click('#start');
      let state = await waitFor(page, `${STEPS} steps`, (s) => s.step >= STEPS);
      await page.click('#start'); // pause
      state = await waitFor(page, 'the pause', (s) => !s.running);
      const first = mean(state.losses.slice(0, 10));
      const last = mean(state.losses.slice(-10));
      const lossCount = state.losses.length;
      assert.ok(last < first * 0.7, `the loss fell from ${first.toFixed(3)} to ${last.toFixed(3)}`);
      const pausedAt = state.step;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.is((await pageState(page)).step, pausedAt, 'no step while paused');
      assert.is(await page.$eval('#start', (e) => e.textContent), 'Resume');
      await page.click('#start');
      state = await waitFor(page, 'steps after resuming', (s) => s.step >= pausedAt + 20);
      await page.click('#start');
      state = await waitFor(page, 'the second pause', (s) => !s.running);
      const filters = await page.$$eval('#filters canvas', (canvases) => canvases.length);
      assert.is(filters, 6, 'six first-layer filters drawn');
      assert.ok(state.testAccuracies.length >= 2, 'held-out accuracy measured');
      console.log(`report: page: ${state.step} steps, loss ${first.toFixed(3)} -> ${last.toFixed(3)} (means of the first and last 10 of ${lossCount}), ` +
        `held-out accuracy ${(state.testAccuracies.at(-1)!.y * 100).toFixed(1)}%, ${state.samplesPerSec.toFixed(0)} samples/s, ready ${state.readyMs?.toFixed(0)} ms after the page started loading, first step ${state.firstStepMs?.toFixed(0)} ms`);
    });

    await check(`switched to WebGPU after ${CPU_STEPS} CPU steps, ${GPU_STEPS} steps there follow the CPU's losses (same seed, order and momentum) and lower the loss; a drawn digit gets a prediction there, the weights download from there and load back; switched back while training, it goes on as the CPU did`, async () => {
      const cpuLosses = (await pageState(page)).losses;
      const gpu = await openPage();
      await gpu.setViewport({ width: 1200, height: 900 });
      await gpu.goto(`${base}index.html`);
      await gpu.bringToFront();
      await waitFor(gpu, 'the worker to be ready', (s) => s.ready);
      await gpu.click('#start');
      await waitFor(gpu, `${CPU_STEPS} steps on the CPU`, (s) => s.step >= CPU_STEPS);
      await gpu.click('#start');
      let state = await waitFor(gpu, 'the pause', (s) => !s.running);
      const switchedAt = state.step;
      await gpu.click('#device-webgpu');
      state = await waitFor(gpu, 'the switch to WebGPU', (s) => !s.switching && s.device === 'webgpu');
      assert.match(state.deviceDetail, /^WebGPU/);
      const adapter = state.deviceDetail;
      assert.match(state.message.text, /^Training on the GPU: WebGPU/);
      assert.ok(await gpu.$eval('#device-webgpu', (e) => (e as HTMLInputElement).checked), 'the WebGPU control is checked');
      await gpu.click('#start');
      state = await waitFor(gpu, `${GPU_STEPS} steps on WebGPU`, (s) => s.step >= switchedAt + GPU_STEPS);
      await gpu.click('#start');
      state = await waitFor(gpu, 'the pause', (s) => !s.running);
      const onGpu = state.stepDevices.map((d, i) => [d, i] as const).filter(([d]) => d === 'webgpu').map(([, i]) => i);
      assert.equal(onGpu, Array.from({ length: state.step - switchedAt }, (_, k) => switchedAt + k), 'the steps after the switch ran on webgpu');
      const gpuFirstStepMs = state.firstStepMs;
      const gpuSpeed = state.samplesPerSec;
      assert.ok(gpuSpeed > 0, 'samples/s of the steps on webgpu after the first');
      assert.is(await gpu.$eval('#speed-label', (e) => e.textContent), 'samples/s on the GPU');
      assert.match(await gpu.$eval('#speed', (e) => e.textContent ?? ''), /^\d+$/);
      const gpuLosses = state.losses.slice(switchedAt);
      const worst = agreement(gpuLosses, cpuLosses.slice(switchedAt), 'webgpu', switchedAt);
      assert.ok(gpuLosses.at(-1)! < gpuLosses[0], `the loss fell on webgpu: ${gpuLosses.map((l) => l.toFixed(4)).join(' ')}`);
      const before = state.predictions;
      await draw(gpu, DIGIT_STROKES[7]);
      state = await waitFor(gpu, 'a prediction on webgpu', (s) => s.predictions > before && s.prediction !== undefined);
      assert.is(state.prediction!.probabilities.length, 10);
      assert.ok(Math.abs(mean(state.prediction!.probabilities) * 10 - 1) < 1e-5, 'the probabilities sum to 1');
      // the weights download from the device and load back into it
      await gpu.click('#download');
      const saved = await downloadIn(dir, '.safetensors');
      const onDevice = join(mkdtempSync(join(tmpdir(), 'torchlet-web-gpu-')), basename(saved));
      renameSync(saved, onDevice); // out of the folder the first page's download check looks in
      const tensors = load(onDevice);
      const expected = lenet5(1, 28).stateDict();
      assert.equal(Object.keys(tensors), Object.keys(expected));
      for (const key of Object.keys(expected)) assert.equal(tensors[key].shape, expected[key].shape, key);
      assert.ok(tensors['0.weight'].data.every(Number.isFinite), 'finite weights from the device');
      await upload(gpu, onDevice);
      state = await waitFor(gpu, 'the loaded message on webgpu', (s) => s.message.text.startsWith('Loaded'));
      assert.is(state.device, 'webgpu');
      // back to the CPU while training runs: the switch waits for the step in flight, and training goes on there
      await gpu.click('#start');
      await waitFor(gpu, 'training on webgpu again', (s) => s.running);
      await gpu.click('#device-cpu');
      state = await waitFor(gpu, 'the switch back to the CPU', (s) => !s.switching && s.device === 'cpu');
      assert.match(state.deviceDetail, /wasm kernels on 2 threads/);
      const backAt = state.stepDevices.lastIndexOf('webgpu') + 1;
      state = await waitFor(gpu, 'steps back on the CPU', (s) => s.step >= backAt + 3);
      await gpu.click('#start');
      state = await waitFor(gpu, 'the pause', (s) => !s.running);
      assert.ok(state.stepDevices.slice(backAt).every((d) => d === 'cpu'), 'the steps after switching back ran on the CPU');
      const backWorst = agreement(state.losses.slice(backAt), cpuLosses.slice(backAt), 'the CPU after webgpu', backAt);
      console.log(`report: page: switched to ${adapter} after ${switchedAt} CPU steps: ${gpuLosses.length} steps there, ` +
        `losses ${gpuLosses[0].toFixed(4)} -> ${gpuLosses.at(-1)!.toFixed(4)}, largest relative difference from the CPU-only page's ${worst.toExponential(1)} (limit 1e-4), ` +
        `${gpuSpeed.toFixed(1)} samples/s on webgpu after a first step of ${gpuFirstStepMs?.toFixed(0)} ms; ` +
        `switched back while training after ${backAt - switchedAt} steps there, ${state.step - backAt} steps back on the CPU differ by ${backWorst.toExponential(1)}`);
      await gpu.close();
      await page.bringToFront();
    });

    await check('without WebGPU (?gpu=none) the switch shows initWebGPU\'s message and training stays on the CPU', async () => {
      const plain = await openPage();
      await plain.setViewport({ width: 1200, height: 900 });
      await plain.goto(`${base}index.html?gpu=none`);
      await plain.bringToFront();
      await waitFor(plain, 'the worker to be ready', (s) => s.ready);
      await plain.click('#device-webgpu');
      let state = await waitFor(plain, 'the no-WebGPU message', (s) => !s.switching && s.message.kind === 'error');
      assert.match(state.message.text, /^Could not move training to the GPU: initWebGPU: WebGPU is not available in this browser: navigator\.gpu is missing/);
      assert.match(state.message.text, /Training stays on the CPU\.$/);
      assert.match(await plain.$eval('#message', (e) => e.textContent ?? ''), /navigator\.gpu is missing/);
      assert.is(state.device, 'cpu');
      assert.ok(await plain.$eval('#device-cpu', (e) => (e as HTMLInputElement).checked), 'the CPU control is checked again');
      await plain.click('#start');
      state = await waitFor(plain, 'steps on the CPU', (s) => s.step >= 5);
      await plain.click('#start');
      state = await waitFor(plain, 'the pause', (s) => !s.running);
      assert.ok(state.stepDevices.every((d) => d === 'cpu'), `every step on the CPU: ${state.stepDevices.join(' ')}`);
      await plain.close();
      await page.bringToFront();
    });

    await check('a 1 drawn with pointer events gets a prediction and ten probabilities', async () => {
      const before = (await pageState(page)).predictions;
      await draw(page, DIGIT_STROKES[1]);
      const state = await waitFor(page, 'a prediction', (s) => s.predictions > before && s.prediction !== undefined);
      const { digit, probabilities } = state.prediction!;
      assert.is(probabilities.length, 10);
      assert.ok(Math.abs(mean(probabilities) * 10 - 1) < 1e-5, 'the probabilities sum to 1');
      assert.is(digit, 1, `predicted ${digit}: ${probabilities.map((p) => p.toFixed(2)).join(' ')}`);
      assert.is(await page.$eval('#prediction', (e) => e.textContent), '1');
      const width = await page.$eval('#bar-1', (e) => parseFloat((e as HTMLElement).style.width));
      assert.ok(width > 30, `the bar of 1 is ${width}% wide`);
      console.log(`report: page: a drawn 1 predicted ${digit} with p=${probabilities[1].toFixed(3)}`);
    });

    let downloaded = '';
    await check('the weights download as .safetensors that torchlet loads in Node with the keys of PyTorch\'s LeNet-5', async () => {
      await page.click('#download');
      downloaded = await downloadIn(dir, '.safetensors');
      const tensors = load(downloaded);
      const expected = lenet5(1, 28).stateDict();
      assert.equal(Object.keys(tensors), Object.keys(expected));
      for (const key of Object.keys(expected)) assert.equal(tensors[key].shape, expected[key].shape, key);
      assert.match((await pageState(page)).message.text, /Saved lenet5-mnist-step\d+\.safetensors/);
    });

    await check('the model downloads as .onnx that ONNX Runtime runs with the outputs of the downloaded weights in torchlet', async () => {
      await page.click('#download-onnx');
      const onnxFile = await downloadIn(dir, '.onnx');
      const model = lenet5(1, 28);
      model.loadStateDict(load(downloaded));
      model.eval();
      manualSeed(3);
      const x = randn([7, 1, 28, 28]);
      const expected = noGrad(() => model(x) as Tensor);
      const session = await ort.InferenceSession.create(readFileSync(onnxFile));
      const { logits } = await session.run({ image: new ort.Tensor('float32', Float32Array.from(x.data), [...x.shape]) });
      await session.release();
      assert.equal([...logits.dims], [7, 10]);
      let worst = 0;
      const got = logits.data as Float32Array;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected.data[i]));
      assert.ok(worst < 1e-4, `ONNX Runtime differs from torchlet by ${worst}`);
      console.log(`report: page: ${basename(onnxFile)} runs in ONNX Runtime, batch 7, max |diff| ${worst.toExponential(2)} from torchlet`);
    });

    await check('a corrupt file gets a message on the page naming what is wrong, and the page keeps working', async () => {
      const corrupt = join(dir, 'corrupt.safetensors');
      writeFileSync(corrupt, 'this is not a safetensors file at all');
      await upload(page, corrupt);
      let state = await waitFor(page, 'the error message', (s) => s.message.kind === 'error');
      assert.match(state.message.text, /Could not load those weights: safetensors: corrupt\.safetensors is not a valid safetensors file/);
      assert.is(await page.$eval('#message', (e) => e.className), 'error');
      const wrong = join(dir, 'linear.safetensors');
      writeFileSync(wrong, serialize(new Linear(3, 2).stateDict()));
      await upload(page, wrong);
      state = await waitFor(page, 'the wrong-model message', (s) => s.message.text.includes('loadStateDict'));
      assert.match(state.message.text, /missing key/i);
      const before = state.predictions;
      await page.click('#clear');
      await draw(page, DIGIT_STROKES[7]);
      await waitFor(page, 'a prediction after the errors', (s) => s.predictions > before);
      await page.click('#start');
      await waitFor(page, 'training after the errors', (s) => s.running);
      await page.click('#start');
      await waitFor(page, 'the pause', (s) => !s.running);
    });

    await check('the downloaded weights load back into the page', async () => {
      assert.ok(downloaded !== '', 'a file was downloaded');
      await upload(page, downloaded);
      const state = await waitFor(page, 'the loaded message', (s) => s.message.kind === 'info' && s.message.text.startsWith('Loaded'));
      assert.match(state.message.text, /^Loaded lenet5-mnist-step\d+\.safetensors\.$/);
      assert.ok(readFileSync(downloaded).length > 200_000, 'LeNet-5 has 61,706 float32 parameters');
    });

    await check('weights kept in IndexedDB come back on a later visit; before any are kept, restoring says so', async () => {
      const fresh = await openPage();
      await fresh.setViewport({ width: 1200, height: 900 });
      await fresh.goto(`${base}index.html`);
      await fresh.bringToFront(); // a page in the background gets no frames, so clicks on it would wait
      await waitFor(fresh, 'the worker to be ready', (s) => s.ready);
      await fresh.click('#restore');
      let state = await waitFor(fresh, 'the nothing-kept message', (s) => s.message.kind === 'error');
      assert.match(state.message.text, /Could not load those weights: loadStoredStateDict: no state dict is stored under "torchlet-web-lenet5"/);
      await page.bringToFront();
      await page.click('#store');
      state = await waitFor(page, 'the kept message', (s) => s.message.text.startsWith('Kept'));
      assert.match(state.message.text, /Kept the weights of step \d+ in this browser/);
      await fresh.bringToFront();
      await fresh.reload();
      await waitFor(fresh, 'the worker to be ready again', (s) => s.ready);
      await fresh.click('#restore');
      state = await waitFor(fresh, 'the restored message', (s) => s.message.kind === 'info');
      assert.is(state.message.text, 'Loaded the weights kept in this browser.');
      const before = state.predictions;
      await draw(fresh, DIGIT_STROKES[1]);
      state = await waitFor(fresh, 'a prediction with the kept weights', (s) => s.predictions > before);
      assert.is(state.prediction?.digit, 1, 'the kept weights are the trained ones');
    });
  },
};

export default pageTest;

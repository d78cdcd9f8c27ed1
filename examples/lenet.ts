// The main job: trains a LeNet on handwritten digits and shows what it learned.
// `pnpm lenet --help` lists the flags; the run folder gets metrics.json, a checkpoint after every epoch,
// the first layer's filters, curves, a confusion matrix, misclassified digits and report.html.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { manualSeed, randn, type Tensor } from '@torchlet/core';
import { SGD, Adam, CosineAnnealingLR, type Optimizer } from '@torchlet/optim';
import { DataLoader, normalize, randomShift, shift } from '@torchlet/data';
import { exportOnnx, loadWithMetadata } from '@torchlet/nn';
import { parseConfig, UsageError, USAGE, type Config } from './lenet/args.js';
import { buildModel } from './lenet/models.js';
import { loadData } from './lenet/datasets.js';
import { trainEpoch, evaluate } from './lenet/train.js';
import { saveCheckpoint, loadCheckpoint } from './lenet/checkpoint.js';
import { writeMetrics, writeReport, type Metrics } from './lenet/report.js';
import { randomAffine } from './lenet/affine.js';
import { linearWarmup } from './lenet/warmup.js';

function configFrom(argv: string[]): Config {
  let config: Config | null;
  try {
    config = parseConfig(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (config === null) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!config.resume) return config;
  // A resumed run keeps the model, data and hyperparameters it was started with; --epochs may extend it
  // only when the learning rate is constant.
  const { metadata } = loadWithMetadata(config.resume);
  if (!metadata.metrics) throw new Error(`--resume: ${config.resume} has no run metadata; was it written by this example?`);
  // Checkpoints from before the tuning flags existed trained without them.
  const before: Partial<Config> = { rotate: 0, scale: 0, labelSmoothing: 0, weightDecay: 0, warmup: 0, validation: null };
  const saved: Config = { ...before, ...(JSON.parse(metadata.metrics) as Metrics).config };
  if (saved.schedule === 'cosine' && config.epochs !== saved.epochs && argv.some((a) => a.startsWith('--epochs'))) {
    console.error(`error: this run anneals its learning rate over ${saved.epochs} epochs; --epochs cannot change on resume (train with --schedule none to extend runs)`);
    process.exit(2);
  }
  const epochs = argv.some((a) => a.startsWith('--epochs')) ? config.epochs : saved.epochs;
  return { ...saved, epochs, resume: config.resume, out: config.outGiven ? config.out : dirname(config.resume), outGiven: true };
}

/** Random shifts of whole pixels, or small random affine maps when --rotate or --scale asks for them. */
function augmentation(config: Config, seed: number): ((x: Tensor) => Tensor) | null {
  if (config.rotate > 0 || config.scale > 0) return randomAffine({ degrees: config.rotate, translate: config.augment, scale: config.scale, seed });
  return config.augment > 0 ? randomShift(config.augment, { seed }) : null;
}

async function main(): Promise<void> {
  const config = configFrom(process.argv.slice(2));
  manualSeed(config.seed);
  const data = loadData(config);
  const [channels, size] = data.imageShape;
  const model = buildModel(config.model, channels, size, data.classNames.length);
  const optimizer: Optimizer =
    config.optimizer === 'sgd'
      ? new SGD(model.parameters(), { lr: config.lr, momentum: config.momentum, weightDecay: config.weightDecay })
      : new Adam(model.parameters(), { lr: config.lr, weightDecay: config.weightDecay });
  const scheduler = config.schedule === 'cosine' ? new CosineAnnealingLR(optimizer, { tMax: config.epochs }) : null;
  mkdirSync(config.out, { recursive: true });
  const checkpointPath = join(config.out, 'checkpoint.safetensors');

  const summary = model.summary([...data.imageShape], { print: false });
  const evalName = config.validation === null ? 'test' : 'validation';
  console.log(`${config.model} on ${config.dataset}: ${data.train.length} training and ${data.test.length} ${evalName} images\n`);
  console.log(summary);

  let metrics: Metrics = { config, epochs: [], final: null, translation: [], interrupted: false };
  let startEpoch = 0;
  if (config.resume) {
    const resumed = loadCheckpoint(config.resume, model, optimizer, scheduler);
    startEpoch = resumed.epoch;
    metrics = { ...resumed.metrics, config, interrupted: false };
    console.log(`Resumed from ${config.resume} after ${startEpoch} finished epoch(s).`);
  }

  const trainLoader = new DataLoader(data.train, { batchSize: config.batchSize, shuffle: true, seed: config.seed });
  const testLoader = new DataLoader(data.test, { batchSize: 500 });
  const prepare = normalize(data.mean, data.std);

  let stopRequested = false;
  process.on('SIGINT', () => {
    // The progress bar owns the terminal line while an epoch runs, so the message waits for the epoch to stop.
    if (stopRequested) process.exit(130);
    stopRequested = true;
  });

  let last = null as ReturnType<typeof evaluate> | null;
  for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
    trainLoader.setEpoch(epoch);
    const label = `epoch ${String(epoch + 1).padStart(String(config.epochs).length)}/${config.epochs}`;
    // Augmentation drawn from (seed, epoch) alone, so a resumed run sees the same images as an unbroken one.
    const augment = augmentation(config, config.seed * 1009 + epoch);
    const prepareTrain = augment ? (x: Tensor) => prepare(augment(x)) : prepare;
    const warm = epoch === 0 && config.warmup > 0 ? linearWarmup(optimizer, config.warmup) : null;
    const r = await trainEpoch(model, trainLoader, optimizer, prepareTrain, label, () => stopRequested, config.labelSmoothing, warm?.beforeStep);
    warm?.restore();
    if (r.stopped) {
      metrics.interrupted = true;
      saveCheckpoint(checkpointPath, model, optimizer, scheduler, epoch, metrics);
      writeMetrics(config.out, metrics);
      console.log(`Ctrl-C: stopped after ${r.samples} samples of epoch ${epoch + 1}; saved ${checkpointPath} (epoch ${epoch + 1} restarts on resume).`);
      console.log(`Resume with: pnpm lenet --resume ${checkpointPath}`);
      process.exit(130);
    }
    last = evaluate(model, testLoader, prepare, data.classNames.length);
    const e = {
      epoch: epoch + 1, trainLoss: r.loss, trainAcc: r.acc, testLoss: last.loss, testAcc: last.acc,
      seconds: r.seconds, samplesPerSec: r.samples / r.seconds,
    };
    metrics.epochs.push(e);
    metrics.final = { testAcc: last.acc, testLoss: last.loss };
    console.log(
      `${label}: train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAcc).toFixed(2)}% | ` +
        `${evalName} loss ${e.testLoss.toFixed(4)} acc ${(100 * e.testAcc).toFixed(2)}% | ${e.seconds.toFixed(1)} s, ${Math.round(e.samplesPerSec)} samples/s`,
    );
    scheduler?.step();
    saveCheckpoint(checkpointPath, model, optimizer, scheduler, epoch + 1, metrics);
    writeMetrics(config.out, metrics);
  }
  last ??= evaluate(model, testLoader, prepare, data.classNames.length);
  metrics.final = { testAcc: last.acc, testLoss: last.loss };

  // Seed 001's translation check: the same test digits moved right and down.
  metrics.translation = [0, 2, 4].map((s) => ({
    shift: s,
    testAcc: s === 0 ? last!.acc : evaluate(model, testLoader, (x: Tensor) => prepare(shift(x, s, s)), data.classNames.length).acc,
  }));
  console.log(`\n${evalName} accuracy ${metrics.translation.map((t) => `${(100 * t.testAcc).toFixed(2)}% (shift ${t.shift})`).join(', ')}`);
  writeMetrics(config.out, metrics);

  const conv1 = model.stateDict()['0.weight'];
  writeReport(config.out, {
    metrics,
    summary,
    filters: { data: conv1.data, shape: conv1.shape },
    confusion: last.confusion,
    classNames: data.classNames,
    misclassified: last.mistakes.slice(0, 24).map((m) => ({ pixels: data.test.get(m.index).x.data, label: m.label, predicted: m.predicted })),
    imageShape: data.imageShape,
  });
  // The trained network for ONNX Runtime and other serving stacks (input: normalized images, batch dynamic).
  exportOnnx(model, randn([1, ...data.imageShape]), join(config.out, 'model.onnx'));
  const cpu = process.cpuUsage();
  metrics.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  writeMetrics(config.out, metrics);
  console.log(`final ${evalName} accuracy ${(100 * last.acc).toFixed(2)}%; ${metrics.cpuSeconds.toFixed(1)} s CPU; report: ${resolve(config.out, 'report.html')}`);
}

try {
  await main();
} catch (e) {
  // Bad data folders, unreadable checkpoints and the like: the message names the file and what to do.
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}

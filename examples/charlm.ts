// A character-level language model on English first names ("make more names"): a bigram baseline, a GRU or LSTM,
// or a small causal Transformer. `pnpm charlm --help` lists the flags; the run folder gets metrics.json,
// loss-curve.svg, samples.txt and checkpoint.safetensors (resumable with --resume).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { manualSeed } from '@torchlet/core';
import { allFirstNames, firstNames } from '@torchlet/data';
import { Adam } from '@torchlet/optim';
import { type Config, USAGE, UsageError, parseConfig } from './charlm/args.js';
import { Vocabulary, batches } from './charlm/data.js';
import { buildModel } from './charlm/models.js';
import { evaluate, trainEpoch } from './charlm/train.js';
import { sampleNames } from './charlm/sample.js';
import { loadCheckpoint, readCheckpointMetrics, saveCheckpoint } from './charlm/checkpoint.js';
import { type Metrics, lossCurveSvg, writeAtomic, writeMetrics } from './charlm/report.js';

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
  // A resumed run keeps the settings it was started with; --epochs may extend it (the learning rate is constant),
  // and --temperature and --samples only change the sampling (resuming a finished run just samples again).
  const saved = readCheckpointMetrics(config.resume).config;
  const given = (flag: string) => argv.some((a) => a === flag || a.startsWith(`${flag}=`));
  return {
    ...saved,
    epochs: given('--epochs') ? config.epochs : saved.epochs,
    temperature: given('--temperature') ? config.temperature : saved.temperature,
    samples: given('--samples') ? config.samples : saved.samples,
    resume: config.resume,
    out: config.outGiven ? config.out : dirname(config.resume),
    outGiven: true,
  };
}

async function main(): Promise<void> {
  const config = configFrom(process.argv.slice(2));
  manualSeed(config.seed);
  const all = allFirstNames();
  const vocab = Vocabulary.fromNames(all);
  const maxLength = Math.max(...all.map((n) => n.length)) + 1;
  let train = firstNames({ split: 'train' });
  let val = firstNames({ split: 'test' });
  if (config.limit !== null) {
    train = train.slice(0, config.limit);
    val = val.slice(0, Math.max(1, Math.floor(config.limit / 4)));
  }
  const model = buildModel(config.model, vocab.size, maxLength);
  const optimizer = new Adam(model.parameters(), { lr: config.lr });
  const parameters = [...model.parameters()].reduce((s, p) => s + p.numel(), 0);
  mkdirSync(config.out, { recursive: true });
  const checkpointPath = join(config.out, 'checkpoint.safetensors');
  console.log(`charlm ${config.model} (${parameters.toLocaleString('en-US')} parameters) on ${train.length} training and ${val.length} validation names, ${vocab.size} tokens\n`);

  let metrics: Metrics = { config, parameters, epochs: [], samples: [], interrupted: false };
  let startEpoch = 0;
  if (config.resume) {
    startEpoch = loadCheckpoint(config.resume, model, optimizer);
    metrics = { ...readCheckpointMetrics(config.resume), config, interrupted: false };
    console.log(`Resumed from ${config.resume} after ${startEpoch} finished epoch(s).`);
  }

  let stopRequested = false;
  process.on('SIGINT', () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
  });

  const valBatches = batches(val, 256, config.seed, null);
  for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
    const label = `epoch ${String(epoch + 1).padStart(String(config.epochs).length)}/${config.epochs}`;
    const r = await trainEpoch(model, vocab, batches(train, config.batchSize, config.seed, epoch), optimizer, label, () => stopRequested);
    if (r.stopped) {
      metrics.interrupted = true;
      writeMetrics(config.out, metrics);
      console.log(`Ctrl-C: stopped during epoch ${epoch + 1}; the checkpoint holds ${epoch} finished epoch(s). Resume with: pnpm charlm --resume ${checkpointPath}`);
      process.exit(130);
    }
    const valLoss = evaluate(model, vocab, valBatches);
    metrics.epochs.push({ epoch: epoch + 1, trainLoss: r.loss, valLoss, seconds: r.seconds });
    console.log(`${label}: train loss ${r.loss.toFixed(4)} | validation loss ${valLoss.toFixed(4)} nats/char | ${r.seconds.toFixed(1)} s`);
    saveCheckpoint(checkpointPath, model, optimizer, epoch + 1, metrics);
    writeMetrics(config.out, metrics);
  }

  const known = new Set(all);
  metrics.samples = sampleNames(model, vocab, config.samples, { temperature: config.temperature, seed: config.seed, maxLength });
  const novel = metrics.samples.filter((n) => !known.has(n)).length;
  console.log(`\n${config.samples} names sampled at temperature ${config.temperature} (${novel} not in the data):\n${metrics.samples.join(', ')}`);
  writeAtomic(join(config.out, 'samples.txt'), metrics.samples.map((n) => `${n}${known.has(n) ? '' : ' *'}`).join('\n') + '\n');
  writeAtomic(join(config.out, 'loss-curve.svg'), lossCurveSvg(metrics.epochs, `charlm ${config.model}: loss per character`));
  writeMetrics(config.out, metrics);
  const final = metrics.epochs.at(-1);
  console.log(`\nfinal validation loss ${final ? final.valLoss.toFixed(4) : '-'} nats/char; run folder: ${resolve(config.out)} (* in samples.txt: a new name)`);
}

try {
  await main();
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
}

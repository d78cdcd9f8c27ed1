// The charlm example's own pieces: flags, batch encoding, causal models, checkpoints (resume) and sampling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, noGrad, tensor } from '@torchlet/core';
import { Adam } from '@torchlet/optim';
import { parseConfig, UsageError } from '../charlm/args.js';
import { IGNORE, Vocabulary, batches, encodeBatch } from '../charlm/data.js';
import { buildModel } from '../charlm/models.js';
import { evaluate, trainEpoch } from '../charlm/train.js';
import { sampleNames } from '../charlm/sample.js';
import { loadCheckpoint, readCheckpointMetrics, saveCheckpoint } from '../charlm/checkpoint.js';
import { lossCurveSvg, type Metrics } from '../charlm/report.js';

const vocab = Vocabulary.fromNames(['ab', 'ba', 'abc']);

test('flags: per-model defaults and clear errors', () => {
  const c = parseConfig([], new Date('2026-01-02T03:04:05Z'))!;
  assert.equal([c.model, c.epochs, c.batchSize, c.lr, c.seed, c.temperature, c.samples, c.limit, c.out], [
    'gru', 6, 64, 0.005, 0, 1, 20, null, 'runs/charlm-gru-2026-01-02_03-04-05',
  ]);
  assert.equal([parseConfig(['--model', 'bigram'])!.lr, parseConfig(['--model', 'bigram'])!.epochs], [0.05, 3]);
  assert.is(parseConfig(['--help']), null);
  assert.throws(() => parseConfig(['--model', 'rnn']), /--model expects one of bigram, gru, lstm, transformer, got 'rnn'/);
  assert.throws(() => parseConfig(['--temperature', '0']), /--temperature expects a positive number/);
  assert.throws(() => parseConfig(['--epochs', '1.5']), /--epochs expects a positive integer/);
  assert.throws(() => parseConfig(['--bogus']), (e: unknown) => e instanceof UsageError);
});

test('batches: "." then the name as input, the name then "." as target, padding ignored', () => {
  assert.equal(vocab.chars, ['.', 'a', 'b', 'c']);
  const { x, y, count } = encodeBatch(vocab, ['ab', 'c']);
  assert.equal(x.tolist(), [[0, 1, 2], [0, 3, 0]]);
  assert.equal(y.tolist(), [[1, 2, 0], [3, 0, IGNORE]]);
  assert.is(count, 5);
  assert.throws(() => encodeBatch(vocab, ['ax']), /character "x" is not in the vocabulary/);
  const names = ['a', 'b', 'c', 'd', 'e'];
  assert.equal(batches(names, 2, 0, null), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.equal(batches(names, 2, 3, 1), batches(names, 2, 3, 1));
  assert.not.equal(batches(names, 5, 3, 1), batches(names, 5, 3, 2));
});

test('every model is causal: logits at position t do not change when later tokens do', () => {
  manualSeed(0);
  for (const name of ['bigram', 'gru', 'lstm', 'transformer'] as const) {
    const model = buildModel(name, 4, 6);
    model.eval();
    const a = noGrad(() => model.forward(tensor([[0, 1, 2, 3, 1]], { dtype: 'int32' })));
    const b = noGrad(() => model.forward(tensor([[0, 1, 2, 1, 3]], { dtype: 'int32' })));
    assert.equal(a.shape, [1, 5, 4]);
    assert.equal(a.slice(1, 0, 3).tolist(), b.slice(1, 0, 3).tolist(), `${name}: positions 0..2`);
    // the bigram table starts at zero (uniform predictions), so only the others can show position 3 reacting
    if (name !== 'bigram') assert.not.equal(a.slice(1, 3).tolist(), b.slice(1, 3).tolist(), `${name}: position 3 sees its own token`);
  }
});

test('training lowers the loss; a checkpoint resumes bit for bit; sampling repeats for a seed', async () => {
  const names = ['ab', 'ba', 'abc', 'cab', 'bca', 'ca', 'ac', 'b'];
  const run = () => {
    manualSeed(1);
    const model = buildModel('gru', vocab.size, 4);
    return { model, optimizer: new Adam(model.parameters(), { lr: 0.02 }) };
  };
  const dir = mkdtempSync(join(tmpdir(), 'charlm-'));
  try {
    const straight = run();
    const before = evaluate(straight.model, vocab, [names]);
    for (let epoch = 0; epoch < 3; epoch++) await trainEpoch(straight.model, vocab, batches(names, 4, 0, epoch), straight.optimizer, 'test', () => false);
    assert.ok(evaluate(straight.model, vocab, [names]) < before - 0.1, 'loss went down');

    const resumed = run();
    await trainEpoch(resumed.model, vocab, batches(names, 4, 0, 0), resumed.optimizer, 'test', () => false);
    const metrics = { config: parseConfig([])!, parameters: 1, epochs: [], samples: [], interrupted: false } satisfies Metrics;
    const path = join(dir, 'checkpoint.safetensors');
    saveCheckpoint(path, resumed.model, resumed.optimizer, 1, metrics);
    const fresh = run();
    assert.is(loadCheckpoint(path, fresh.model, fresh.optimizer), 1);
    assert.equal(readCheckpointMetrics(path).config.model, 'gru');
    for (let epoch = 1; epoch < 3; epoch++) await trainEpoch(fresh.model, vocab, batches(names, 4, 0, epoch), fresh.optimizer, 'test', () => false);
    const want = straight.model.stateDict();
    for (const [k, t] of Object.entries(fresh.model.stateDict())) assert.equal(Array.from(t.data), Array.from(want[k].data), k);

    const options = { temperature: 0.8, seed: 5, maxLength: 4 };
    const sampled = sampleNames(fresh.model, vocab, 5, options);
    assert.equal(sampled, sampleNames(fresh.model, vocab, 5, options));
    assert.ok(sampled.every((n) => n.length <= 4 && /^[abc]*$/.test(n)));
    assert.throws(() => loadCheckpoint(join(dir, 'nope.safetensors'), fresh.model, fresh.optimizer));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the loss curve is an SVG with one polyline per split', () => {
  const svg = lossCurveSvg([{ epoch: 1, trainLoss: 2.6, valLoss: 2.5, seconds: 1 }, { epoch: 2, trainLoss: 2.2, valLoss: 2.3, seconds: 1 }], 't');
  assert.ok(svg.startsWith('<svg'));
  assert.is(svg.match(/<polyline/g)!.length, 2);
});

test.run();

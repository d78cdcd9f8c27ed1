// The LeNet example's own pieces: flags, models, checkpoints (resume), and the report files.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, randn, randint, crossEntropy } from '@torchlet/core';
import { SGD, CosineAnnealingLR } from '@torchlet/optim';
import { parseConfig, UsageError } from '../lenet/args.js';
import { buildModel } from '../lenet/models.js';
import { loadData } from '../lenet/datasets.js';
import { Subset } from '@torchlet/data';
import { saveCheckpoint, loadCheckpoint } from '../lenet/checkpoint.js';
import { writeReport, type Metrics } from '../lenet/report.js';

test('flags: the issue\'s defaults, per-dataset augmentation, and clear errors', () => {
  const c = parseConfig([], new Date('2026-01-02T03:04:05Z'))!;
  assert.equal(
    [c.model, c.dataset, c.epochs, c.batchSize, c.lr, c.momentum, c.optimizer, c.seed, c.limit, c.out, c.augment, c.schedule],
    ['lenet5', 'mnist-sample', 10, 64, 0.03, 0.9, 'sgd', 0, null, 'runs/2026-01-02_03-04-05', 2, 'cosine'],
  );
  assert.equal([c.rotate, c.scale, c.labelSmoothing, c.weightDecay, c.warmup, c.validation], [10, 0.1, 0.1, 0, 125, null]);
  assert.equal([parseConfig(['--label-smoothing', '0'])!.labelSmoothing, parseConfig(['--dataset', 'fashion-mnist'])!.labelSmoothing], [0, 0]);
  assert.equal([parseConfig(['--warmup', '0'])!.warmup, parseConfig(['--warmup', '40'])!.warmup, parseConfig(['--dataset', 'mnist'])!.warmup], [0, 40, 0]);
  assert.throws(() => parseConfig(['--warmup', 'some']), /--warmup expects a positive integer, got 'some'/);
  // The full datasets keep the recipe they were measured with; Fashion-MNIST is not augmented.
  const fashion = parseConfig(['--dataset', 'fashion-mnist'])!;
  assert.equal([fashion.lr, fashion.augment, fashion.rotate, fashion.scale], [0.01, 0, 0, 0]);
  assert.equal(['mnist', 'cifar10'].map((d) => parseConfig(['--dataset', d])!).map((k) => [k.lr, k.augment, k.rotate, k.scale]), [[0.01, 2, 0, 0], [0.01, 2, 0, 0]]);
  // --augment 0 means no augmentation at all, unless rotations or scaling are asked for.
  assert.equal(['0', '3'].map((a) => parseConfig(['--augment', a])!).map((k) => [k.augment, k.rotate, k.scale]), [[0, 0, 0], [3, 10, 0.1]]);
  assert.equal([parseConfig(['--augment', '0', '--rotate', '5'])!.rotate, parseConfig(['--lr', '0.1'])!.lr], [5, 0.1]);
  assert.is(parseConfig(['--dataset', 'fashion-mnist', '--augment', '3'])!.augment, 3);
  assert.is(parseConfig(['--help']), null);
  assert.throws(() => parseConfig(['--bogus']), (e: unknown) => e instanceof UsageError && /Unknown option '--bogus'/.test((e as Error).message));
  assert.throws(() => parseConfig(['--epochs', '0']), /--epochs expects a positive integer, got '0'/);
  assert.throws(() => parseConfig(['--batch-size', '1.5']), /--batch-size expects a positive integer/);
  assert.throws(() => parseConfig(['--lr', 'fast']), /--lr expects a non-negative number, got 'fast'/);
  assert.throws(() => parseConfig(['--lr=0']), /--lr must be positive/);
  assert.throws(() => parseConfig(['--model', 'vgg']), /--model expects one of lenet5, seedcnn, got 'vgg'/);
  assert.throws(() => parseConfig(['--seed', 'x']), /--seed expects an integer/);
  assert.throws(() => parseConfig(['positional']), (e: unknown) => e instanceof UsageError && /does not take positional arguments/.test((e as Error).message));
});

test('tuning flags: validation split, affine augmentation, label smoothing and weight decay, with clear errors', () => {
  const c = parseConfig(['--validation', '1000', '--rotate', '12.5', '--scale', '0.1', '--label-smoothing', '0.1', '--weight-decay', '5e-4'])!;
  assert.equal([c.validation, c.rotate, c.scale, c.labelSmoothing, c.weightDecay], [1000, 12.5, 0.1, 0.1, 5e-4]);
  assert.is(parseConfig([])!.validation, null);
  // CI's smoke run keeps working: --augment 0 still switches the shifts off.
  const smoke = parseConfig(['--epochs', '3', '--limit', '2000', '--batch-size', '16', '--augment', '0'])!;
  assert.equal([smoke.epochs, smoke.limit, smoke.batchSize, smoke.augment], [3, 2000, 16, 0]);
  assert.throws(() => parseConfig(['--validation', '0']), /--validation expects a positive integer, got '0'/);
  assert.throws(() => parseConfig(['--rotate=-5']), /--rotate expects a non-negative number, got '-5'/);
  assert.throws(() => parseConfig(['--scale', '1']), /--scale expects a number below 1, got '1'/);
  assert.throws(() => parseConfig(['--label-smoothing', '1.5']), /--label-smoothing expects a number below 1, got '1.5'/);
  assert.throws(() => parseConfig(['--weight-decay', 'lots']), /--weight-decay expects a non-negative number, got 'lots'/);
});

test('--validation: the same held-out training images for every seed take the test set\'s place', () => {
  const a = loadData(parseConfig(['--limit', '400', '--validation', '100', '--seed', '1'])!);
  const b = loadData(parseConfig(['--limit', '400', '--validation', '100', '--seed', '2'])!);
  assert.equal([a.train.length, a.test.length], [300, 100]);
  const trainIdx = Array.from((a.train as Subset).indices);
  const valIdx = Array.from((a.test as Subset).indices);
  assert.equal(valIdx, Array.from((b.test as Subset).indices));
  assert.equal([...new Set([...trainIdx, ...valIdx])].sort((x, y) => x - y), Array.from({ length: 400 }, (_, i) => i));
  // The held-out images are training images, not test images.
  assert.equal(Array.from(a.test.get(0).x.data), Array.from(loadData(parseConfig(['--limit', '400'])!).train.get(valIdx[0]).x.data));
  assert.throws(() => loadData(parseConfig(['--limit', '400', '--validation', '400'])!), /--validation 400 leaves no training images \(the training set has 400\)/);
});

test('models: LeNet-5 has 61,706 parameters; both models map 28x28 and 32x32x3 images to 10 logits', () => {
  manualSeed(0);
  const count = (m: ReturnType<typeof buildModel>) => [...m.parameters()].reduce((s, p) => s + p.numel(), 0);
  assert.is(count(buildModel('lenet5', 1, 28)), 61706);
  for (const name of ['lenet5', 'seedcnn'] as const) {
    assert.equal(buildModel(name, 1, 28).forward(randn([2, 1, 28, 28])).shape, [2, 10]);
    assert.equal(buildModel(name, 3, 32).forward(randn([2, 3, 32, 32])).shape, [2, 10]);
  }
});

function setup() {
  manualSeed(5);
  const model = buildModel('lenet5', 1, 28);
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: 4 });
  return { model, optimizer, scheduler };
}

function step(run: ReturnType<typeof setup>, seed: number): void {
  manualSeed(seed);
  const loss = crossEntropy(run.model.forward(randn([8, 1, 28, 28])), randint(0, 10, [8]));
  run.optimizer.zeroGrad();
  loss.backward();
  run.optimizer.step();
}

test('a checkpoint restores model, optimizer momentum and schedule: resuming matches an unbroken run bit for bit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-ckpt-'));
  try {
    const metrics: Metrics = { config: parseConfig([])!, epochs: [], final: null, translation: [], interrupted: false };
    const unbroken = setup();
    step(unbroken, 1);
    unbroken.scheduler.step();
    step(unbroken, 2);

    const first = setup();
    step(first, 1);
    first.scheduler.step();
    saveCheckpoint(join(dir, 'checkpoint.safetensors'), first.model, first.optimizer, first.scheduler, 1, metrics);
    assert.equal(readdirSync(dir), ['checkpoint.safetensors']);

    const resumed = setup();
    const r = loadCheckpoint(join(dir, 'checkpoint.safetensors'), resumed.model, resumed.optimizer, resumed.scheduler);
    assert.is(r.epoch, 1);
    assert.is(resumed.optimizer.paramGroups[0].lr, unbroken.optimizer.paramGroups[0].lr);
    step(resumed, 2);
    const a = unbroken.model.stateDict();
    const b = resumed.model.stateDict();
    for (const key of Object.keys(a)) assert.equal(Array.from(b[key].data), Array.from(a[key].data), key);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the report writes every file it promises, with the images inlined in report.html', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-report-'));
  try {
    const config = parseConfig([])!;
    const epochs = [1, 2].map((epoch) => ({ epoch, trainLoss: 1 / epoch, trainAcc: 0.5 * epoch, testLoss: 1.2 / epoch, testAcc: 0.45 * epoch, seconds: 1, samplesPerSec: 100 }));
    const metrics: Metrics = { config, epochs, final: { testAcc: 0.9, testLoss: 0.6 }, translation: [{ shift: 0, testAcc: 0.9 }, { shift: 2, testAcc: 0.7 }], interrupted: false };
    const confusion = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 9 : i === (j + 1) % 10 ? 1 : 0)));
    const inputs = {
      metrics, summary: 'Total params: 61,706',
      filters: { data: randn([6, 1, 5, 5]).data, shape: [6, 1, 5, 5] },
      confusion, classNames: Array.from({ length: 10 }, (_, i) => String(i)),
      misclassified: [{ pixels: randn([1, 28, 28]).data, label: 3, predicted: 5 }],
      imageShape: [1, 28, 28] as const,
    };
    writeReport(dir, inputs);
    assert.equal(readdirSync(dir).sort(), ['accuracy_curve.svg', 'confusion_matrix.svg', 'filters_conv1.png', 'loss_curve.svg', 'misclassified.png', 'report.html']);
    const png = readFileSync(join(dir, 'filters_conv1.png'));
    assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.ok(html.includes('data:image/png;base64,'));
    assert.not.ok(/(src|href)="(https?:|\/\/)/.test(html), 'no network references');
    for (const text of ['Final test accuracy <b>90.00%</b>', 'Augmentation: moves up to 2 px, rotations up to 10°, scaling by 0.9-1.1; label smoothing 0.1.', 'Total params: 61,706', '2 px right and down', 'true <b>3</b>', '<svg']) {
      assert.ok(html.includes(text), text);
    }
    // A tuning run's report names the held-out training images it was evaluated on, never "test".
    writeReport(dir, { ...inputs, metrics: { ...metrics, config: { ...config, validation: 1000 } } });
    const validation = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const text of ['Final validation accuracy <b>90.00%</b>', '<th>validation acc</th>', 'Confusion matrix (validation set)', 'Misclassified validation images']) {
      assert.ok(validation.includes(text), text);
    }
    assert.not.ok(/\btest (acc|loss|images)|\(test set\)/.test(validation), 'no test-set wording in a validation report');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

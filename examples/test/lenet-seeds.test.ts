// pnpm lenet:seeds: its arguments, the summary statistics, the sweep report, and one tiny real sweep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, UsageError } from '../lenet/args.js';
import { parseSweepArgs, median, summarize } from '../lenet/sweep.js';
import { writeSweepReport, type SeedRun } from '../lenet/sweep-report.js';

test('sweep arguments: N first, --first-seed, --out, everything else passed on to each run', () => {
  const d = parseSweepArgs([], new Date('2026-01-02T03:04:05Z'))!;
  assert.equal(d, { seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], out: 'runs/seeds-2026-01-02_03-04-05', lenetArgs: [] });
  const s = parseSweepArgs(['3', '--first-seed', '100', '--validation', '1000', '--epochs=4', '--out', 'sweeps/a'])!;
  assert.equal(s, { seeds: [100, 101, 102], out: 'sweeps/a', lenetArgs: ['--validation', '1000', '--epochs=4'] });
  assert.equal(parseSweepArgs(['--first-seed=-2'])!.seeds.slice(0, 2), [-2, -1]);
  assert.is(parseSweepArgs(['5', '--help']), null);
  const usage = (argv: string[], message: RegExp) =>
    assert.throws(() => parseSweepArgs(argv), (e: unknown) => e instanceof UsageError && message.test((e as Error).message));
  usage(['0'], /N expects a positive integer, got '0'/);
  usage(['--seed', '3'], /--seed cannot be given to a sweep/);
  usage(['--resume', 'x'], /--resume cannot be given to a sweep/);
  usage(['--first-seed', 'one'], /--first-seed expects an integer, got 'one'/);
  usage(['4', '7'], /unexpected argument '7' \(N comes first\)/);
  usage(['--epochs'], /--epochs expects a value/);
});

test('median and summarize', () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([0.981, 0.9795, 0.983, 0.9825]), (0.981 + 0.9825) / 2);
  assert.equal(summarize([0.98, 0.985, 0.99]), { min: 0.98, median: 0.985, max: 0.99 });
  assert.throws(() => median([]), /median: no values/);
});

test('the sweep report: sweep.json, the spread chart (a faint curve per seed, the median bold) and sweep.html', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-sweep-'));
  try {
    const config = parseConfig([])!;
    const run = (seed: number, accs: number[]): SeedRun => ({
      seed, seconds: 20 + seed,
      metrics: {
        config: { ...config, seed }, translation: [], interrupted: false,
        epochs: accs.map((testAcc, i) => ({ epoch: i + 1, trainLoss: 1, trainAcc: 0.9, testLoss: 0.1, testAcc, seconds: 1, samplesPerSec: 8000 })),
        final: { testAcc: accs[accs.length - 1], testLoss: 0.1 },
      },
    });
    writeSweepReport(dir, [run(0, [0.9, 0.981]), run(1, [0.92, 0.985]), run(2, [0.91, 0.99])]);
    assert.equal(readdirSync(dir).sort(), ['accuracy_sweep.svg', 'sweep.html', 'sweep.json']);
    const json = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    assert.equal(json.summary.accuracy, { min: 0.981, median: 0.985, max: 0.99 });
    assert.is(json.evaluatedOn, 'test');
    assert.equal(json.seeds.map((s: { seed: number }) => s.seed), [0, 1, 2]);
    const svg = readFileSync(join(dir, 'accuracy_sweep.svg'), 'utf8');
    assert.is((svg.match(/stroke-opacity="0.3"/g) ?? []).length, 3, 'a faint curve per seed');
    // The bold median: 91% then 98.5%, drawn with dots.
    assert.is((svg.match(/stroke-width="3"/g) ?? []).length, 1);
    assert.is((svg.match(/<circle/g) ?? []).length, 2);
    assert.ok(svg.includes('>100%<') && !/>10[1-9]|>11\d/.test(svg), 'the axis stops at 100%');
    const html = readFileSync(join(dir, 'sweep.html'), 'utf8');
    for (const text of ['min <b>98.10%</b>, median <b>98.50%</b>, max <b>99.00%</b>', 'href="seed-2/report.html"', '<svg']) assert.ok(html.includes(text), text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pnpm lenet:seeds runs each seed in its own folder, prints every accuracy and the min/median/max, and stops at a failing run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lenet-sweep-run-'));
  try {
    const r = spawnSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'examples/lenet-seeds.ts', '2', '--first-seed', '3', '--out', dir, '--limit', '64', '--epochs', '1', '--validation', '16', '--rotate', '10', '--scale', '0.1'],
      { encoding: 'utf8' },
    );
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /seed  3: \d+\.\d\d% \| [\d.]+ s wall, [\d.]+ s CPU \| load [\d.]+/);
    assert.match(r.stdout, /lenet5 on mnist-sample, 1 epochs\. Optimizer sgd, lr [\d.]+ .*Augmentation: moves up to 2 px, rotations up to 10°, scaling by 0\.9-1\.1; label smoothing 0\.1\./);
    assert.match(r.stdout, /wall time per run: min [\d.]+ s, median [\d.]+ s, max [\d.]+ s \(1-minute load average [\d.]+-[\d.]+ after the runs\)/);
    assert.match(r.stdout, /CPU time per run: min [\d.]+ s, median [\d.]+ s, max [\d.]+ s/);
    assert.match(r.stdout, /seed  4: \d+\.\d\d%/);
    assert.match(r.stdout, /validation accuracy over 2 seeds: min \d+\.\d\d%, median \d+\.\d\d%, max \d+\.\d\d%/);
    assert.equal(readdirSync(dir).sort(), ['accuracy_sweep.svg', 'seed-3', 'seed-4', 'sweep.html', 'sweep.json']);
    const seed4 = JSON.parse(readFileSync(join(dir, 'seed-4', 'metrics.json'), 'utf8'));
    assert.match(readFileSync(join(dir, 'seed-4', 'output.txt'), 'utf8'), /^epoch 1\/1: train loss [\d.]+ .*\nfinal validation accuracy \d+\.\d\d%; [\d.]+ s CPU; report: /ms);
    assert.equal([seed4.config.seed, seed4.config.validation, seed4.config.rotate], [4, 16, 10]);
    const failing = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', 'examples/lenet-seeds.ts', '1', '--out', dir, '--limit', '64', '--validation', '64'], { encoding: 'utf8' });
    assert.is(failing.status, 1);
    assert.match(failing.stderr, /error: --validation 64 leaves no training images/);
    assert.match(failing.stderr, /error: the run with seed 0 failed \(exit 1\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

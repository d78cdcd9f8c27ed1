// The bench's pure parts: the interleaving schedule, steps per repeat, order statistics, tables, RESULTS.md sections
// and the product shapes the probe derives from the networks. Run: node --import tsx node_modules/uvu/bin.js bench/test
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { networkShapes } from '../gemm-shapes.js';
import { forwardFlopsPerSample, NETWORKS } from '../networks.js';
import { interleave, stepsPerRepeat } from '../schedule.js';
import { median, quantile, relativeSpread } from '../stats.js';
import { fmtRatio, markdownTable, readSection, replaceSection, textTable } from '../table.js';

test('interleave alternates the order round by round', () => {
  assert.equal(interleave(['a', 'b'], 4), ['a', 'b', 'b', 'a', 'a', 'b', 'b', 'a']);
  assert.equal(interleave(['a', 'b', 'c'], 2), ['a', 'b', 'c', 'c', 'b', 'a']);
  assert.equal(interleave(['a'], 3), ['a', 'a', 'a']);
  assert.equal(interleave(['a', 'b'], 0), []);
});

test('interleave gives every peer the same number of repeats and refuses a bad count', () => {
  const order = interleave(['x', 'y', 'z'], 7);
  for (const p of ['x', 'y', 'z']) assert.is(order.filter((o) => o === p).length, 7);
  assert.throws(() => interleave(['a'], -1), /interleave: repeats must be a non-negative integer, got -1/);
  assert.throws(() => interleave(['a'], 1.5), /got 1.5/);
});

test('stepsPerRepeat aims at the target time within [1, max]', () => {
  assert.is(stepsPerRepeat(10, 500), 50);
  assert.is(stepsPerRepeat(2000, 500), 1);
  assert.is(stepsPerRepeat(0.01, 500), 100);
  assert.is(stepsPerRepeat(0.01, 500, 20), 20);
  assert.is(stepsPerRepeat(0, 500), 1);
  assert.is(stepsPerRepeat(Number.NaN, 500), 1);
});

test('median and quantiles', () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 3, 2]), 2.5);
  assert.is(median([7]), 7);
  assert.is(quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.is(quantile([1, 2, 3, 4], 0.75), 3.25);
  assert.is(quantile([5, 1], 0), 1);
  assert.is(quantile([5, 1], 1), 5);
  assert.throws(() => median([]), /quantile: no values/);
  assert.throws(() => quantile([1], 2), /q must be in \[0, 1\], got 2/);
});

test('relativeSpread is the interquartile range over the median', () => {
  assert.is(relativeSpread([10, 10, 10, 10]), 0);
  // quartiles 2 and 4, median 3
  assert.is(relativeSpread([1, 2, 3, 4, 5]), 2 / 3);
});

test('textTable pads columns and right-aligns numbers', () => {
  const t = textTable(['name', 'n'], [['ab', '1'], ['c', '100']], [false, true]);
  assert.is(t, ['name    n', '----  ---', 'ab      1', 'c     100'].join('\n'));
  assert.throws(() => textTable(['a', 'b'], [['x']], [false, false]), /table: row 0 has 1 cells, expected 2/);
  assert.throws(() => textTable(['a', 'b'], [], [false]), /table: 2 columns but 1 alignment flags/);
});

test('markdownTable aligns numeric columns right and escapes pipes', () => {
  const t = markdownTable(['name', 'n'], [['a|b', '1']], [false, true]);
  assert.is(t, ['| name | n |', '| --- | ---: |', '| a\\|b | 1 |'].join('\n'));
});

test('fmtRatio keeps two significant places', () => {
  assert.is(fmtRatio(1.234), '1.23x');
  assert.is(fmtRatio(0.0456), '0.046x');
  assert.is(fmtRatio(16.6), '17x');
});

test('replaceSection replaces between the markers, or appends', () => {
  const appended = replaceSection('# Title\n', 'gemm', 'first');
  assert.is(appended, '# Title\n\n<!-- gemm: start -->\nfirst\n<!-- gemm: end -->\n');
  const replaced = replaceSection(`${appended}after\n`, 'gemm', 'second\n');
  assert.is(replaced, '# Title\n\n<!-- gemm: start -->\nsecond\n<!-- gemm: end -->\nafter\n');
  assert.is(readSection(replaced, 'gemm'), 'second');
  assert.is(readSection('# none', 'gemm'), null);
});

test('network geometry: flattened sizes match the first linear layer, FLOPs of resnetish as in the issue', () => {
  for (const [name, net] of Object.entries(NETWORKS)) {
    if (net.convs.length === 0 || name === 'resnetish') continue;
    const last = net.convs[net.convs.length - 1];
    const side = Math.floor((last.size + 2 * last.padding - last.kernel + 1) / 2);
    assert.is(last.outChannels * side * side, net.linears[0].inFeatures, name);
  }
  // The issue: 59 MFLOP per training sample, about 3x the forward pass.
  assert.ok(Math.abs((3 * forwardFlopsPerSample(NETWORKS.resnetish)) / 1e6 - 59) < 1);
});

test('the probe runs the per-sample products of each convolution and the three of each linear layer', () => {
  const shapes = networkShapes('resnetish').map((s) => `${s.layer}|${s.product}|${s.M}x${s.N}x${s.K}|${s.perStep}`);
  assert.equal(shapes, [
    'stem 3->16@3x3 32x32|forward W·cols|16x1024x27|64',
    // the stem's input is the batch: no input gradient
    'stem 3->16@3x3 32x32|dW dY·colsᵀ|16x27x1024|64',
    'block conv 16->16@3x3 32x32 (x4)|forward W·cols|16x1024x144|256',
    'block conv 16->16@3x3 32x32 (x4)|dX Wᵀ·dY|144x1024x16|256',
    'block conv 16->16@3x3 32x32 (x4)|dW dY·colsᵀ|16x144x1024|256',
    'fc 16->10|forward x·Wᵀ|64x10x16|1',
    'fc 16->10|dX dY·W|64x16x10|1',
    'fc 16->10|dW dYᵀ·x|10x16x64|1',
  ]);
  // mlp: the first layer's input is the batch
  assert.equal(networkShapes('mlp').filter((s) => s.layer.startsWith('fc1')).map((s) => s.product), ['forward x·Wᵀ', 'dW dYᵀ·x']);
});

test.run();

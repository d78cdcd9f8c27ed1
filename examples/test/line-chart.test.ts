// The report's line charts: round ticks, the accuracy axis capped at 100%, faint and bold series.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { niceTicks, lineChart } from '../lenet/line-chart.js';

const yLabels = (svg: string) => [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
const xLabels = (svg: string) => [...svg.matchAll(/text-anchor="middle">(\d+)</g)].map((m) => Number(m[1]));

test('niceTicks: steps of 1, 2, 2.5 or 5 times a power of ten, covering the data', () => {
  assert.equal(niceTicks(0.06, 1.76).values, [0, 0.5, 1, 1.5, 2]);
  assert.is(niceTicks(0.06, 1.76).decimals, 1);
  assert.equal(niceTicks(41.9, 98.2).values, [40, 60, 80, 100]);
  assert.equal(niceTicks(97.2, 98.6).values, [97, 97.5, 98, 98.5, 99]);
  assert.equal(niceTicks(97.9, 98.6).values, [97.8, 98, 98.2, 98.4, 98.6]);
  assert.is(niceTicks(0.11, 0.62).decimals, 1);
  assert.equal(niceTicks(97, 98.2).values, [97, 97.25, 97.5, 97.75, 98, 98.25]);
  assert.is(niceTicks(97, 98.2).decimals, 2);
  assert.equal(niceTicks(0, 0.3).values, [0, 0.1, 0.2, 0.3]);
  assert.equal(niceTicks(1, 20, 5, true).values, [0, 5, 10, 15, 20]);
  assert.equal(niceTicks(1, 3, 2, true).values, [1, 2, 3]);
  assert.equal(niceTicks(5, 5).values, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]);
  assert.throws(() => niceTicks(0, Infinity), /niceTicks: expected finite bounds/);
});

test('lineChart: round y ticks with the unit, the accuracy axis stops at 100%, epochs ticked at round values', () => {
  const acc = lineChart('Accuracy', [
    { name: 'train', values: [41.93, 85.6, 92.7, 99.4], color: '#1f77b4' },
    { name: 'test', values: [84, 93.85, 94.95, 98.15], color: '#d62728' },
  ], 'accuracy', { yMax: 100, unit: '%' });
  assert.equal(yLabels(acc), ['40%', '60%', '80%', '100%']);
  assert.equal(xLabels(acc), [1, 2, 3, 4]);
  assert.equal(yLabels(lineChart('A', [{ name: 'a', values: [96.5, 99.9], color: 'red' }], 'accuracy', { yMax: 100, unit: '%' })), ['96%', '97%', '98%', '99%', '100%']);
  // A cap that is not on the step's grid ends the axis there, with no tick past it.
  assert.equal(yLabels(lineChart('A', [{ name: 'a', values: [0.2, 0.95], color: 'red' }], 'fraction', { yMax: 0.97 })), ['0.2', '0.4', '0.6', '0.8']);

  const loss = lineChart('Loss', [{ name: 'train', values: [1.7587, 0.4658, 0.24, 0.0775], color: '#1f77b4' }], 'cross-entropy');
  assert.equal(yLabels(loss), ['0.0', '0.5', '1.0', '1.5', '2.0']);
  const long = lineChart('Loss', [{ name: 'train', values: Array.from({ length: 20 }, (_, i) => 1 / (i + 1)), color: 'blue' }], 'loss');
  assert.equal(xLabels(long), [5, 10, 15, 20]);
  assert.equal(xLabels(lineChart('one', [{ name: 'a', values: [0.5], color: 'red' }], 'loss')), [1]);
});

test('lineChart: faint series without dots or legend entries, bold ones with them', () => {
  const svg = lineChart('Sweep', [
    { name: 'each seed', values: [90, 95], color: 'red', width: 1, opacity: 0.3 },
    { name: 'each seed', values: [91, 96], color: 'red', width: 1, opacity: 0.3, legend: false },
    { name: 'median', values: [90.5, 95.5], color: 'red', width: 3 },
  ], 'accuracy', { yMax: 100, unit: '%' });
  assert.is((svg.match(/stroke-opacity="0.3"/g) ?? []).length, 2);
  assert.is((svg.match(/stroke-width="3"/g) ?? []).length, 1);
  assert.is((svg.match(/<circle/g) ?? []).length, 2);
  assert.is((svg.match(/>each seed</g) ?? []).length, 1);
  assert.is((svg.match(/>median</g) ?? []).length, 1);
});

test.run();

// The PINN example: the residual falls, u approaches sin(πx), and the plot holds both curves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultPinnConfig, solvePoisson } from '../pinn/solve.js';
import { curvePlot } from '../pinn/plot.js';

test('a short PINN run: residual and error fall, boundary values near 0, deterministic for a seed', () => {
  const config = { ...defaultPinnConfig, steps: 150, hidden: 8, points: 16, every: 50 };
  const { log, u, maxError } = solvePoisson(config);
  assert.equal(log.map((e) => e.step), [1, 50, 100, 150]);
  assert.ok(log[3].residual < log[0].residual / 100, `residual ${log[0].residual} -> ${log[3].residual}`);
  assert.ok(maxError < 0.1 && maxError < log[0].maxError / 5, `max error ${log[0].maxError} -> ${maxError}`);
  assert.ok(Math.abs(u[0]) < 0.05 && Math.abs(u[100]) < 0.05, `u(0) = ${u[0]}, u(1) = ${u[100]}`);
  assert.equal(solvePoisson(config).u, u, 'same seed, same solution');
});

test('the plot: one polyline per curve over the points, legend names', () => {
  const svg = curvePlot('t', [0, 0.5, 1], [{ name: 'exact', ys: [0, 1, 0], color: '#888', dashed: true }, { name: 'u', ys: [0, 0.9, 0], color: '#00f' }]);
  assert.is(svg.match(/<polyline /g)?.length, 2);
  assert.ok(svg.includes('stroke-dasharray') && svg.includes('>exact<') && svg.includes('>u<'));
  assert.is(svg.match(/<polyline points="([^"]*)"/)![1].split(' ').length, 3);
});

test.run();

// pnpm pinn [--steps N] [--out file.svg]: a physics-informed network solves u''(x) = -π² sin(πx) on [0, 1] with
// u(0) = u(1) = 0, differentiating the network twice with grad(createGraph) for u' and u''. Prints the residual
// falling and the max error against the exact sin(πx), and writes an SVG plot of u beside the exact curve.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { defaultPinnConfig, solvePoisson } from './pinn/solve.js';
import { curvePlot } from './pinn/plot.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const steps = Number(flag('steps', String(defaultPinnConfig.steps)));
if (!Number.isInteger(steps) || steps < 1) throw new Error(`pinn: --steps expects a positive integer, got ${flag('steps', '')}`);
const out = flag('out', 'runs/pinn.svg');
const started = Date.now();
console.log(`PINN for u'' = -π² sin(πx), u(0) = u(1) = 0: tanh MLP 1-${defaultPinnConfig.hidden}-${defaultPinnConfig.hidden}-1, ${defaultPinnConfig.points} collocation points, Adam`);
const result = solvePoisson({
  ...defaultPinnConfig,
  steps,
  onLog: ({ step, residual, boundary, maxError }) =>
    console.log(`step ${String(step).padStart(5)}  residual ${residual.toExponential(3)}  boundary ${boundary.toExponential(3)}  max |u - sin(πx)| ${maxError.toExponential(3)}`),
});
console.log(`max error against sin(πx) on 101 points: ${result.maxError.toExponential(3)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, curvePlot("PINN solution of u'' = -π² sin(πx)", result.xs, [
  { name: 'exact sin(πx)', ys: result.exact, color: '#888', dashed: true },
  { name: 'PINN u(x)', ys: result.u, color: '#1f77b4' },
]));
console.log(`wrote ${out}`);

// Seed 001's gradient-checking strategy on conv2d and maxPool2d: project the output on a random upstream
// gradient d_out, compare the analytical vector-Jacobian product with central differences element by element,
// and print the relative difference ||a - n|| / (||a|| + ||n||), which must stay below 1e-5.
import { conv2d, maxPool2d, noGrad, randn, manualSeed, Tensor } from '@torchlet/core';

const EPS = 1e-5;

function relativeDifference(name: string, fn: (x: Tensor) => Tensor, x: Tensor, also: Tensor[] = []): number {
  const out = fn(x);
  const dOut = randn(out.shape, { dtype: 'float64' });
  for (const t of [x, ...also]) t.grad = null;
  out.backward(dOut);
  let worst = 0;
  for (const t of [x, ...also]) {
    const analytical = t.grad!.data;
    const numerical = new Float64Array(t.numel());
    noGrad(() => {
      for (let i = 0; i < t.numel(); i++) {
        const v = t.data[i];
        t.data[i] = v + EPS;
        const plus = fn(x).data;
        t.data[i] = v - EPS;
        const minus = fn(x).data;
        t.data[i] = v;
        let s = 0;
        for (let j = 0; j < plus.length; j++) s += (plus[j] - minus[j]) * dOut.data[j];
        numerical[i] = s / (2 * EPS);
      }
    });
    let diff = 0;
    let na = 0;
    let nn = 0;
    for (let i = 0; i < numerical.length; i++) {
      diff += (analytical[i] - numerical[i]) ** 2;
      na += analytical[i] ** 2;
      nn += numerical[i] ** 2;
    }
    const rel = Math.sqrt(diff) / (Math.sqrt(na) + Math.sqrt(nn));
    const label = t === x ? 'input' : `parameter ${also.indexOf(t)} [${t.shape.join(', ')}]`;
    console.log(`${name.padEnd(44)} d/d ${label.padEnd(26)} relative difference ${rel.toExponential(3)}`);
    worst = Math.max(worst, rel);
  }
  return worst;
}

manualSeed(1);
const f64 = { dtype: 'float64' as const, requiresGrad: true };
let worst = 0;

const x = randn([2, 1, 4, 4], f64);
const w = randn([3, 1, 3, 3], f64);
const b = randn([3], f64);
worst = Math.max(worst, relativeDifference('conv2d 4x4 input, 3 filters 3x3', (t) => conv2d(t, w, b), x, [w, b]));

const x2 = randn([2, 4, 7, 6], f64);
const w2 = randn([6, 2, 3, 3], f64);
worst = Math.max(worst, relativeDifference('conv2d stride 2, padding 1, groups 2', (t) => conv2d(t, w2, null, { stride: 2, padding: 1, groups: 2 }), x2, [w2]));

const x3 = randn([2, 3, 6, 6], f64);
worst = Math.max(worst, relativeDifference('maxPool2d 2x2 stride 2', (t) => maxPool2d(t, { kernelSize: 2 }), x3));
worst = Math.max(worst, relativeDifference('maxPool2d 3x3 stride 1 (overlapping windows)', (t) => maxPool2d(t, { kernelSize: 3, stride: 1 }), x3));

console.log(worst < 1e-5 ? `all relative differences < 1e-5 (worst ${worst.toExponential(3)})` : `FAILED: worst ${worst.toExponential(3)}`);
process.exit(worst < 1e-5 ? 0 : 1);

import { Tensor } from './tensor.js';
import { noGrad } from './tape.js';
import { Generator } from './random.js';
import { formatShape, stridesOf } from './shape.js';

/** Tolerances and step of `gradcheck`, as torch.autograd.gradcheck. */
export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Seed of the random projection of the output. */
  seed?: number;
}

/**
 * Checks every backward rule on the way from `inputs` to `fn(...inputs)` against central differences, in float64.
 * The output is projected on a random vector v, so one backward gives vᵀJ, and each input element is perturbed by
 * ±eps to get the same vector numerically. Throws, naming the worst element, when |analytic - numeric| exceeds
 * atol + rtol·|numeric| anywhere; returns true otherwise (like torch.autograd.gradcheck).
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  const checked = inputs.filter((t) => t instanceof Tensor && t.requiresGrad);
  if (checked.length === 0) throw new Error('gradcheck: no input requires grad');
  inputs.forEach((t, i) => {
    if (t.requiresGrad && t.dtype !== 'float64') {
      throw new Error(`gradcheck: input ${i} is ${t.dtype}; gradcheck needs float64 inputs for meaningful finite differences`);
    }
  });
  const out = fn(...inputs);
  if (!(out instanceof Tensor)) throw new Error('gradcheck: fn must return a Tensor');
  if (!out.requiresGrad) throw new Error('gradcheck: the output does not require grad (is it connected to the inputs?)');
  const gen = new Generator(seed);
  const v = new Float64Array(out.numel());
  for (let i = 0; i < v.length; i++) v[i] = gen.normal();
  const project = (t: Tensor): number => {
    let s = 0;
    for (let i = 0; i < v.length; i++) s += t.data[i] * v[i];
    return s;
  };

  const previous = checked.map((t) => t.grad);
  checked.forEach((t) => (t.grad = null));
  out.backward(new Tensor(out.dtype === 'float64' ? v : Float32Array.from(v), out.shape));
  const analytic = checked.map((t) => t.grad?.data ?? new Float64Array(t.numel()));
  checked.forEach((t, k) => (t.grad = previous[k]));

  let worst: { input: number; index: number; a: number; n: number; excess: number } | null = null;
  noGrad(() => {
    checked.forEach((t, k) => {
      const data = t.data;
      for (let j = 0; j < data.length; j++) {
        const x = data[j];
        data[j] = x + eps;
        const fp = project(fn(...inputs));
        data[j] = x - eps;
        const fm = project(fn(...inputs));
        data[j] = x;
        const n = (fp - fm) / (2 * eps);
        const a = analytic[k][j];
        const excess = Math.abs(a - n) / (atol + rtol * Math.abs(n));
        if (!(excess <= 1) && (!worst || !(excess <= worst.excess))) worst = { input: inputs.indexOf(t), index: j, a, n, excess };
      }
    });
  });
  if (worst) {
    const w: { input: number; index: number; a: number; n: number } = worst;
    const t = inputs[w.input];
    const idx = unravel(w.index, t.shape);
    throw new Error(
      `gradcheck: gradient of input ${w.input} (shape ${formatShape(t.shape)}) differs at element [${idx.join(', ')}]: ` +
        `analytic ${w.a} vs numeric ${w.n} (abs diff ${Math.abs(w.a - w.n).toExponential(3)}, atol ${atol}, rtol ${rtol})`,
    );
  }
  return true;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  return strides.map((s, i) => Math.floor(flat / s) % shape[i]);
}

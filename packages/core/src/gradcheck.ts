import { Tensor } from './tensor.js';
import { enableGrad, noGrad } from './tape.js';
import { grad } from './autograd/grad.js';
import { cat } from './ops/indexing.js';
import { reshape } from './ops/shape.js';
import { zeros } from './creation.js';
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
  checkInputs('gradcheck', inputs);
  return compareWithFiniteDifferences('gradcheck', fn, inputs, options, (i) => `input ${i}`);
}

/**
 * Checks the second-order gradients, as torch.autograd.gradgradcheck: the first-order gradients of
 * `fn(...inputs)` (for a random gradOutputs v, computed with createGraph) are themselves checked against central
 * differences, with respect to the inputs and to v. Every backward rule on the way must be differentiable.
 */
export function gradgradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  checkInputs('gradgradcheck', inputs);
  const out = fn(...inputs);
  if (!(out instanceof Tensor)) throw new Error('gradgradcheck: fn must return a Tensor');
  const gen = new Generator((options.seed ?? 0) + 1);
  const v = new Tensor(Float64Array.from({ length: out.numel() }, () => gen.normal()), out.shape);
  v.requiresGrad = true;
  const n = inputs.length;
  const firstOrder = (...args: Tensor[]): Tensor =>
    enableGrad(() => {
      const xs = args.slice(0, n);
      const wanted = xs.filter((t) => t.requiresGrad);
      const gs = grad(fn(...xs), wanted, { gradOutputs: args[n], createGraph: true, allowUnused: true });
      return cat(gs.map((g, k) => (g === null ? zeros([wanted[k].numel()], { dtype: 'float64' }) : reshape(g, [-1]))));
    });
  return compareWithFiniteDifferences('gradgradcheck', firstOrder, [...inputs, v], options, (i) =>
    i === n ? 'gradOutputs' : `input ${i}`,
  );
}

function checkInputs(name: string, inputs: readonly Tensor[]): void {
  if (!inputs.some((t) => t instanceof Tensor && t.requiresGrad)) throw new Error(`${name}: no input requires grad`);
  inputs.forEach((t, i) => {
    if (t.requiresGrad && t.dtype !== 'float64') {
      throw new Error(`${name}: input ${i} is ${t.dtype}; ${name} needs float64 inputs for meaningful finite differences`);
    }
  });
}

function compareWithFiniteDifferences(
  name: string,
  fn: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions,
  inputName: (i: number) => string,
): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  const checked = inputs.filter((t) => t instanceof Tensor && t.requiresGrad);
  const out = fn(...inputs);
  if (!(out instanceof Tensor)) throw new Error(`${name}: fn must return a Tensor`);
  if (!out.requiresGrad) throw new Error(`${name}: the output does not require grad (is it connected to the inputs?)`);
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
      `${name}: gradient of ${inputName(w.input)} (shape ${formatShape(t.shape)}) differs at element [${idx.join(', ')}]: ` +
        `analytic ${w.a} vs numeric ${w.n} (abs diff ${Math.abs(w.a - w.n).toExponential(3)}, atol ${atol}, rtol ${rtol})`,
    );
  }
  return true;
}

function unravel(flat: number, shape: readonly number[]): number[] {
  const strides = stridesOf(shape);
  return strides.map((s, i) => Math.floor(flat / s) % shape[i]);
}

// A physics-informed network for u''(x) = -π² sin(πx) on [0, 1], u(0) = u(1) = 0 (exact solution sin(πx)): a small
// tanh MLP u(x) whose loss is the mean squared residual of the equation at collocation points plus the boundary
// values squared. u' and u'' come from grad with createGraph, so the loss itself can be differentiated for training.
import { type Tensor, add, grad, linear, linspace, mean, mul, randn, manualSeed, sub, sum, tanh, tensor } from '@torchlet/core';
import { Adam } from '@torchlet/optim';

/** How the network is built and trained. */
export interface PinnConfig {
  steps: number;
  hidden: number;
  /** Collocation points, evenly spaced inside (0, 1). */
  points: number;
  lr: number;
  seed: number;
  /** The weight of the boundary term against the residual term. */
  boundaryWeight: number;
  /** Called every `every` steps (and at the last) with the step and the loss terms. */
  onLog?: (entry: PinnLog) => void;
  every?: number;
}

/** One line of the training log. */
export interface PinnLog {
  step: number;
  residual: number;
  boundary: number;
  maxError: number;
}

/** The trained network's values and the log. */
export interface PinnResult {
  log: PinnLog[];
  /** Where u was evaluated for the report: 101 points across [0, 1]. */
  xs: number[];
  u: number[];
  exact: number[];
  maxError: number;
}

export const defaultPinnConfig: PinnConfig = { steps: 1500, hidden: 16, points: 32, lr: 0.01, seed: 0, boundaryWeight: 10, every: 100 };

/** Solves the boundary-value problem; deterministic for a seed. */
export function solvePoisson(config: PinnConfig = defaultPinnConfig): PinnResult {
  const { steps, hidden, points, lr, seed, boundaryWeight, onLog, every = 100 } = config;
  manualSeed(seed);
  const param = (shape: number[], scale: number): Tensor => {
    const t = mul(randn(shape, { dtype: 'float64' }), scale);
    t.requiresGrad = true;
    return t;
  };
  // Xavier-scaled weights: tanh layers stay in their sensitive range
  const params = {
    w1: param([hidden, 1], 1), b1: param([hidden], 0.1),
    w2: param([hidden, hidden], Math.sqrt(1 / hidden)), b2: param([hidden], 0.1),
    w3: param([1, hidden], Math.sqrt(1 / hidden)), b3: param([1], 0.1),
  };
  const net = (x: Tensor): Tensor => linear(tanh(linear(tanh(linear(x, params.w1, params.b1)), params.w2, params.b2)), params.w3, params.b3);
  const opt = new Adam(Object.values(params), { lr });

  // collocation points strictly inside (0, 1), as a column [points, 1] that requires grad (u' is d u / d x)
  const x = mul(add(linspace(0, points - 1, points, { dtype: 'float64' }), 0.5), 1 / points).reshape([points, 1]);
  x.requiresGrad = true;
  const source = tensor(Array.from(x.data, (v) => -(Math.PI ** 2) * Math.sin(Math.PI * v)), { dtype: 'float64', shape: [points, 1] });
  const ends = tensor([[0], [1]], { dtype: 'float64' });
  const report = linspace(0, 1, 101, { dtype: 'float64' }).reshape([101, 1]);
  const exact = Array.from(report.data, (v) => Math.sin(Math.PI * v));
  const maxErrorNow = (): number => {
    const u = net(report).detach();
    return Math.max(...Array.from(u.data, (v, i) => Math.abs(v - exact[i])));
  };

  const log: PinnLog[] = [];
  for (let step = 1; step <= steps; step++) {
    const u = net(x);
    const [du] = grad(sum(u), x, { createGraph: true });
    const [d2u] = grad(sum(du!), x, { createGraph: true });
    const residual = mean(mul(sub(d2u!, source), sub(d2u!, source)));
    const boundary = mean(mul(net(ends), net(ends)));
    const loss = add(residual, mul(boundary, boundaryWeight));
    opt.zeroGrad();
    loss.backward();
    opt.step();
    if (step % every === 0 || step === steps || step === 1) {
      const entry = { step, residual: residual.item(), boundary: boundary.item(), maxError: maxErrorNow() };
      log.push(entry);
      onLog?.(entry);
    }
  }
  const u = Array.from(net(report).detach().data);
  return { log, xs: Array.from(report.data), u, exact, maxError: maxErrorNow() };
}

import { Tensor } from '../tensor.js';
import { enableGrad } from '../tape.js';
import { formatShape } from '../shape.js';
import { checkOptionKeys, rejectExtraArguments } from '../options.js';
import { ones, zeros } from '../creation.js';
import { reshape } from '../ops/shape.js';
import { stack } from '../ops/indexing.js';
import { grad } from './grad.js';

/**
 * torch.autograd.functional: products with Jacobians and Hessians of a function of tensors, built on `grad`. Each
 * takes fn and its inputs (a Tensor, or an array of them, given to fn as separate arguments) and returns results
 * shaped like the inputs (a Tensor for a Tensor, an array for an array). The inputs are not modified and their
 * `.grad` is left alone; without createGraph the results carry no graph.
 */

/** Options of the functional helpers, as torch.autograd.functional's create_graph. */
export interface FunctionalOptions {
  /** Record the computation, so that the results can be differentiated again. */
  createGraph?: boolean;
}

type Inputs = Tensor | readonly Tensor[];
/** A Tensor when the inputs were a Tensor, an array when they were an array. */
export type LikeInputs<I extends Inputs> = I extends Tensor ? Tensor : Tensor[];

interface Prepared {
  xs: Tensor[];
  single: boolean;
  createGraph: boolean;
}

function prepare(op: string, fn: unknown, inputs: unknown, options: unknown, takes: number, given: number): Prepared {
  rejectExtraArguments(op, takes, given);
  if (typeof fn !== 'function') throw new TypeError(`${op}: fn must be a function, got ${typeof fn}`);
  const single = inputs instanceof Tensor;
  const list = single ? [inputs] : inputs;
  if (!Array.isArray(list) || list.length === 0 || !list.every((t) => t instanceof Tensor)) {
    throw new TypeError(`${op}: inputs must be a Tensor or a non-empty array of Tensors`);
  }
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError(`${op}: options must be an object, got ${typeof o}`);
  checkOptionKeys(op, o, ['createGraph']);
  const createGraph = (o as FunctionalOptions).createGraph ?? false;
  if (typeof createGraph !== 'boolean') throw new TypeError(`${op}: createGraph must be a boolean, got ${typeof createGraph}`);
  // a fresh leaf per input (as PyTorch detaches them), unless the result is to stay connected to the input's graph
  const xs = (list as Tensor[]).map((x) => {
    if (createGraph && x.requiresGrad) return x;
    const leaf = x.detach();
    leaf.requiresGrad = true;
    return leaf;
  });
  return { xs, single, createGraph };
}

function callFn(op: string, fn: (...xs: Tensor[]) => Tensor, xs: Tensor[]): Tensor {
  const out = enableGrad(() => fn(...xs));
  if (!(out instanceof Tensor)) throw new TypeError(`${op}: fn must return a Tensor, got ${typeof out}`);
  return out;
}

/** v as one tensor per `like`, checked; null when v was not given. */
function vectors(op: string, v: Inputs | undefined, like: readonly Tensor[], what: string): Tensor[] | null {
  if (v === undefined || v === null) return null;
  const list = v instanceof Tensor ? [v] : v;
  if (!Array.isArray(list) || list.length !== like.length || !list.every((t) => t instanceof Tensor)) {
    throw new TypeError(`${op}: v must be ${like.length === 1 ? 'a Tensor' : `an array of ${like.length} Tensors`} shaped like the ${what}`);
  }
  list.forEach((t, k) => {
    if (t.shape.join() !== like[k].shape.join()) {
      throw new Error(`${op}: v${like.length > 1 ? ` ${k}` : ''} has shape ${formatShape(t.shape)} but the ${what} has shape ${formatShape(like[k].shape)}`);
    }
  });
  return list as Tensor[];
}

/** The gradients, zeros for the inputs they do not depend on (PyTorch's non-strict mode). */
function filled(gs: (Tensor | null)[], like: readonly Tensor[]): Tensor[] {
  return gs.map((g, k) => g ?? zeros([...like[k].shape], { dtype: like[k].dtype }));
}

function shaped<I extends Inputs>(single: boolean, list: Tensor[]): LikeInputs<I> {
  return (single ? list[0] : list) as LikeInputs<I>;
}

function result(t: Tensor, createGraph: boolean): Tensor {
  return createGraph ? t : t.detach();
}

/** [fn(inputs), vᵀ·J]: the vector-Jacobian product, as torch.autograd.functional.vjp (v may be omitted for a one-element output). */
export function vjp<I extends Inputs>(
  fn: (...inputs: Tensor[]) => Tensor, inputs: I, v?: Tensor, options: FunctionalOptions = {}, ...extra: unknown[]
): [Tensor, LikeInputs<I>] {
  const { xs, single, createGraph } = prepare('vjp', fn, inputs, options, 4, 4 + extra.length);
  const out = callFn('vjp', fn, xs);
  const [gv] = vectors('vjp', v, [out], 'output') ?? [undefined];
  const gs = grad(out, xs, { gradOutputs: gv, createGraph, allowUnused: true });
  return [result(out, createGraph), shaped<I>(single, filled(gs, xs).map((g) => result(g, createGraph)))];
}

/**
 * [fn(inputs), J·v]: the Jacobian-vector product, as torch.autograd.functional.jvp, by the double-vjp trick: uᵀJ is
 * linear in u, so differentiating it with respect to u along v gives J·v.
 */
export function jvp<I extends Inputs>(
  fn: (...inputs: Tensor[]) => Tensor, inputs: I, v?: Inputs, options: FunctionalOptions = {}, ...extra: unknown[]
): [Tensor, Tensor] {
  const { xs, createGraph } = prepare('jvp', fn, inputs, options, 4, 4 + extra.length);
  const out = callFn('jvp', fn, xs);
  let vs = vectors('jvp', v, xs, 'inputs');
  if (vs === null) {
    if (xs.length !== 1 || xs[0].numel() !== 1) throw new Error('jvp: v can be omitted only for one input with one element');
    vs = [ones([...xs[0].shape], { dtype: xs[0].dtype })];
  }
  const u = zeros([...out.shape], { dtype: out.dtype, requiresGrad: true });
  const uJ = grad(out, xs, { gradOutputs: u, createGraph: true, allowUnused: true });
  const used = uJ.map((g, k) => [g, vs![k]] as const).filter(([g]) => g !== null && g.requiresGrad);
  if (used.length === 0) return [result(out, createGraph), zeros([...out.shape], { dtype: out.dtype })];
  const [Jv] = grad(used.map(([g]) => g!), u, { gradOutputs: used.map(([, vk]) => vk), createGraph, allowUnused: true });
  return [result(out, createGraph), result(Jv ?? zeros([...out.shape], { dtype: out.dtype }), createGraph)];
}

function scalarOutput(op: string, out: Tensor): void {
  if (out.numel() !== 1) throw new Error(`${op}: fn must return a tensor with one element, got shape ${formatShape(out.shape)}`);
}

/** [fn(inputs), vᵀ·H]: the vector-Hessian product of a scalar fn, as torch.autograd.functional.vhp. */
export function vhp<I extends Inputs>(
  fn: (...inputs: Tensor[]) => Tensor, inputs: I, v?: Inputs, options: FunctionalOptions = {}, ...extra: unknown[]
): [Tensor, LikeInputs<I>] {
  return hessianProduct('vhp', fn, inputs, v, options, extra.length);
}

/**
 * [fn(inputs), H·v]: the Hessian-vector product of a scalar fn, as torch.autograd.functional.hvp. The Hessian of a
 * twice-differentiable function is symmetric, so this is vhp's product, computed the same way (two reverse passes).
 */
export function hvp<I extends Inputs>(
  fn: (...inputs: Tensor[]) => Tensor, inputs: I, v?: Inputs, options: FunctionalOptions = {}, ...extra: unknown[]
): [Tensor, LikeInputs<I>] {
  return hessianProduct('hvp', fn, inputs, v, options, extra.length);
}

function hessianProduct<I extends Inputs>(
  op: string, fn: (...inputs: Tensor[]) => Tensor, inputs: I, v: Inputs | undefined, options: FunctionalOptions, extra: number,
): [Tensor, LikeInputs<I>] {
  const { xs, single, createGraph } = prepare(op, fn, inputs, options, 4, 4 + extra);
  const out = callFn(op, fn, xs);
  scalarOutput(op, out);
  let vs = vectors(op, v, xs, 'inputs');
  if (vs === null) {
    if (xs.length !== 1 || xs[0].numel() !== 1) throw new Error(`${op}: v can be omitted only for one input with one element`);
    vs = [ones([...xs[0].shape], { dtype: xs[0].dtype })];
  }
  const gs = grad(out, xs, { createGraph: true, allowUnused: true });
  const used = gs.map((g, k) => [g, vs![k]] as const).filter(([g]) => g !== null && g.requiresGrad);
  const products = used.length === 0
    ? xs.map(() => null)
    : grad(used.map(([g]) => g!), xs, { gradOutputs: used.map(([, vk]) => vk), createGraph, allowUnused: true });
  return [result(out, createGraph), shaped<I>(single, filled(products, xs).map((h) => result(h, createGraph)))];
}

/** The rows of d(out)/d(xs): one reverse pass per element of out, stacked to shape [...out.shape, ...x.shape]. */
function jacobianRows(out: Tensor, xs: readonly Tensor[], createGraph: boolean): Tensor[] {
  const n = out.numel();
  const rows: Tensor[][] = xs.map(() => []);
  for (let i = 0; i < n; i++) {
    const e = zeros([...out.shape], { dtype: out.dtype });
    e.data[i] = 1;
    const gs = out.requiresGrad ? grad(out, xs, { gradOutputs: e, retainGraph: true, createGraph, allowUnused: true }) : xs.map(() => null);
    filled(gs, xs).forEach((g, k) => rows[k].push(g));
  }
  return xs.map((x, k) =>
    n === 0 ? zeros([...out.shape, ...x.shape], { dtype: x.dtype }) : reshape(stack(rows[k]), [...out.shape, ...x.shape]),
  );
}

/**
 * The Jacobian of fn at inputs, as torch.autograd.functional.jacobian: shape [...output.shape, ...input.shape] (one
 * per input for an array of inputs), computed with one reverse pass per output element.
 */
export function jacobian<I extends Inputs>(
  fn: (...inputs: Tensor[]) => Tensor, inputs: I, options: FunctionalOptions = {}, ...extra: unknown[]
): LikeInputs<I> {
  const { xs, single, createGraph } = prepare('jacobian', fn, inputs, options, 3, 3 + extra.length);
  const out = callFn('jacobian', fn, xs);
  return shaped<I>(single, jacobianRows(out, xs, createGraph).map((j) => result(j, createGraph)));
}

/**
 * The Hessian of a scalar fn at inputs, as torch.autograd.functional.hessian: shape [...input.shape, ...input.shape]
 * for one input; for an array of inputs, H[i][j] holds the second derivatives in inputs i and j.
 */
export function hessian<I extends Inputs>(
  fn: (...inputs: Tensor[]) => Tensor, inputs: I, options: FunctionalOptions = {}, ...extra: unknown[]
): I extends Tensor ? Tensor : Tensor[][] {
  const { xs, single, createGraph } = prepare('hessian', fn, inputs, options, 3, 3 + extra.length);
  const out = callFn('hessian', fn, xs);
  scalarOutput('hessian', out);
  const gs = filled(grad(out, xs, { createGraph: true, allowUnused: true }), xs);
  const blocks = gs.map((g) => jacobianRows(g, xs, createGraph).map((h) => result(h, createGraph)));
  return (single ? blocks[0][0] : blocks) as I extends Tensor ? Tensor : Tensor[][];
}

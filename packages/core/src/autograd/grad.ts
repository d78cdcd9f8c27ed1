import { Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import { checkOptionKeys, rejectExtraArguments } from '../options.js';
import * as kernels from '../kernels/backend.js';
import { accumulateGrad, walk } from './engine.js';
import { storageMark } from './release.js';

/** Options of `tensor.backward(gradient, options)`, as torch.Tensor.backward. */
export interface BackwardOptions {
  /** Keep the saved values so that the graph can be walked again (implied by createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass, so that `.grad` has a graph and can be differentiated again. */
  createGraph?: boolean;
  /** Accumulate only into these tensors' `.grad` (leaves or not) instead of every leaf's. */
  inputs?: Tensor | readonly Tensor[];
}

/** Options of `grad(outputs, inputs, options)`, as torch.autograd.grad. */
export interface GradOptions {
  /** The gradient of each output (the "vector" of the vector-Jacobian product); needed for non-scalar outputs. */
  gradOutputs?: Tensor | null | readonly (Tensor | null)[];
  /** Keep the saved values so that the graph can be walked again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass, so that the returned gradients have a graph (gradients of gradients). */
  createGraph?: boolean;
  /** Return null for an input the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

const backwardKeys = ['retainGraph', 'createGraph', 'inputs'];
const gradKeys = ['gradOutputs', 'retainGraph', 'createGraph', 'allowUnused'];

function tensorList(op: string, what: string, value: unknown): Tensor[] {
  const list = value instanceof Tensor ? [value] : Array.isArray(value) ? value : null;
  if (list === null || list.length === 0 || !list.every((t) => t instanceof Tensor)) {
    throw new TypeError(`${op}: ${what} must be a Tensor or a non-empty array of Tensors, got ${describe(value)}`);
  }
  return list as Tensor[];
}

function describe(value: unknown): string {
  if (value instanceof Tensor) return `Tensor [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array with a non-Tensor element';
  return value === null ? 'null' : typeof value;
}

function checkFlag(op: string, key: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`${op}: ${key} must be a boolean, got ${describe(value)}`);
  return value;
}

/** The seed of output k: the given gradient, checked, or ones for a one-element output. */
function seedFor(op: string, output: Tensor, k: number, given: Tensor | null | undefined, many: boolean): Tensor {
  const name = op === 'backward' ? 'tensor' : many ? `output ${k}` : 'output';
  const arg = op === 'backward' ? 'grad' : 'gradOutputs';
  if (!output.requiresGrad) {
    throw new Error(`${op}: ${name} does not require grad and has no gradFn (did every input have requiresGrad false, or was it made inside noGrad?)`);
  }
  if (given === undefined || given === null) {
    if (output.numel() !== 1) {
      throw new Error(`${op}: a gradient can be implied only for ${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name} with one element, got shape ${formatShape(output.shape)}; pass ${arg}`);
    }
    return kernels.full(output.shape, 1, output.dtype, output.device);
  }
  if (!(given instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${typeof given}`);
  if (!sameShape(given.shape, output.shape)) {
    throw new Error(`${op}: ${arg} has shape ${formatShape(given.shape)} but the ${name} has shape ${formatShape(output.shape)}`);
  }
  return given;
}

function runBackward(root: Tensor, gradient: Tensor | undefined, options: BackwardOptions | undefined, extra: number): void {
  rejectExtraArguments('backward', 2, 2 + extra);
  const o = options ?? {};
  if (typeof o !== 'object') throw new TypeError(`backward: options must be an object, got ${typeof o}`);
  checkOptionKeys('backward', o, backwardKeys);
  const createGraph = checkFlag('backward', 'createGraph', o.createGraph);
  const retainGraph = o.retainGraph === undefined ? createGraph : checkFlag('backward', 'retainGraph', o.retainGraph);
  const mark = storageMark([root]);
  const seed = seedFor('backward', root, 0, gradient, false);
  if (o.inputs === undefined) {
    walk([root], [seed], { op: 'backward', retainGraph, createGraph, targets: null, storageMark: mark });
    return;
  }
  const inputs = tensorList('backward', 'inputs', o.inputs);
  const grads = walk([root], [seed], { op: 'backward', retainGraph, createGraph, targets: inputs, storageMark: mark });
  inputs.forEach((t, k) => {
    const g = grads[k];
    if (g) accumulateGrad(t, g, createGraph);
  });
}

declare module '../tensor.js' {
  interface Tensor {
    /**
     * Computes the gradient of this tensor with respect to every leaf that requires grad (or only `inputs`),
     * accumulating into `.grad`. `gradient` is required unless this tensor has one element. With `createGraph`
     * the gradients are recorded, so they can be differentiated again.
     */
    backward(gradient?: Tensor, options?: BackwardOptions): void;
  }
}

Tensor.prototype.backward = function (gradient?: Tensor, options?: BackwardOptions, ...extra: unknown[]) {
  runBackward(this, gradient, options, extra.length);
};

/**
 * The gradients of `outputs` with respect to `inputs`, as torch.autograd.grad: one per input (null for an input
 * the outputs do not use, with `allowUnused`). Leaves `.grad` alone. With `createGraph` the gradients have a graph
 * of their own, so `grad` can be applied to them again (x⁴ → 4x³ → 12x² → 24x).
 */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  options: GradOptions = {},
  ...extra: unknown[]
): (Tensor | null)[] {
  rejectExtraArguments('grad', 3, 3 + extra.length);
  const outs = tensorList('grad', 'outputs', outputs);
  const ins = tensorList('grad', 'inputs', inputs);
  if (options === null || typeof options !== 'object') throw new TypeError(`grad: options must be an object, got ${describe(options)}`);
  checkOptionKeys('grad', options, gradKeys);
  const createGraph = checkFlag('grad', 'createGraph', options.createGraph);
  const retainGraph = options.retainGraph === undefined ? createGraph : checkFlag('grad', 'retainGraph', options.retainGraph);
  const allowUnused = checkFlag('grad', 'allowUnused', options.allowUnused);
  const given = options.gradOutputs;
  const gradOutputs = given === undefined || given === null ? [] : given instanceof Tensor ? [given] : given;
  if (!Array.isArray(gradOutputs)) throw new TypeError(`grad: gradOutputs must be a Tensor or an array, got ${describe(given)}`);
  if (gradOutputs.length > 0 && gradOutputs.length !== outs.length) {
    throw new Error(`grad: got ${gradOutputs.length} gradOutputs for ${outs.length} outputs`);
  }
  const many = outs.length > 1;
  const mark = storageMark(outs);
  const seeds = outs.map((o, k) => seedFor('grad', o, k, gradOutputs[k], many));
  ins.forEach((t, k) => {
    if (!t.requiresGrad) throw new Error(`grad: input ${k} (shape ${formatShape(t.shape)}) does not require grad`);
  });
  const grads = walk(outs, seeds, { op: 'grad', retainGraph, createGraph, targets: ins, storageMark: mark });
  grads.forEach((g, k) => {
    if (g === null && !allowUnused) {
      throw new Error(
        `grad: input ${k} (shape ${formatShape(ins[k].shape)}) was not used in the graph of the outputs; ` +
          'pass { allowUnused: true } to get null for it',
      );
    }
  });
  return grads;
}

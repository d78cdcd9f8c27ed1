import { Tensor } from './tensor.js';
import { formatShape, sameShape } from './shape.js';
import * as kernels from './kernels/backend.js';

/**
 * The tape. Every recorded op call becomes a Node with a sequence number; the numbers order nodes as they ran,
 * so walking the nodes reachable from the loss in decreasing order is a valid reverse topological order.
 */

let gradEnabled = true;
let anomalyMode = false;
let nextNodeId = 0;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** forward(ctx, ...args) with recording off: noGrad without a closure, for defineOp's per-call path. */
export function callWithoutGrad<C, A extends unknown[], R>(forward: (ctx: C, ...args: A) => R, ctx: C, args: A): R {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return forward(ctx, ...args);
  } finally {
    gradEnabled = previous;
  }
}

/** Runs fn without recording anything on the tape (like `with torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

export function isAnomalyEnabled(): boolean {
  return anomalyMode;
}

/** Runs fn with NaN/Inf detection: the first op whose forward or backward produces one is named in the error. */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyMode;
  anomalyMode = true;
  try {
    return fn();
  } finally {
    anomalyMode = previous;
  }
}

export function checkFinite(op: string, phase: 'forward' | 'backward', t: Tensor): void {
  const bad = kernels.findNonFinite(t);
  if (bad) {
    throw new Error(`detectAnomaly: ${op} ${phase} produced ${bad.value} at flat index ${bad.index} of an output with shape ${formatShape(t.shape)}`);
  }
}

/** What a forward rule may keep for its backward rule. */
export class OpContext<S = unknown> {
  /** For each forward argument: is it a tensor whose gradient is wanted? */
  readonly needsInputGrad: readonly boolean[];
  /** Non-tensor values (typed arrays, sizes, options) the backward rule needs. */
  state!: S;
  private savedTensors: Tensor[] = [];
  private savedVersions: number[] = [];
  private freed = false;

  constructor(readonly name: string, needsInputGrad: readonly boolean[]) {
    this.needsInputGrad = needsInputGrad;
  }

  /** Whether any input needs a gradient: forward rules may skip saving when false. */
  get recording(): boolean {
    return this.needsInputGrad.includes(true);
  }

  save(...tensors: Tensor[]): void {
    this.savedTensors = tensors;
    const versions = new Array<number>(tensors.length);
    for (let i = 0; i < tensors.length; i++) versions[i] = tensors[i].version;
    this.savedVersions = versions;
  }

  /** The saved tensors, checked against in-place modification since forward. */
  get saved(): Tensor[] {
    if (this.freed) throw new Error(`${this.name}: saved values were already freed`);
    for (let i = 0; i < this.savedTensors.length; i++) {
      const t = this.savedTensors[i];
      if (t.version !== this.savedVersions[i]) {
        throw new Error(
          `${this.name}: a tensor saved for backward (input of shape ${formatShape(t.shape)}) was modified by an in-place operation ` +
            `after forward (version ${t.version}, expected ${this.savedVersions[i]})`,
        );
      }
    }
    return this.savedTensors;
  }

  /** @internal */
  free(): void {
    this.savedTensors = [];
    this.savedVersions = [];
    this.state = undefined as S;
    this.freed = true;
  }

  get isFreed(): boolean {
    return this.freed;
  }
}

export type GradList = readonly (Tensor | null | undefined)[];
export type BackwardRule<S> = (ctx: OpContext<S>, grad: Tensor) => GradList;

export class Node {
  readonly id = nextNodeId++;
  constructor(
    readonly name: string,
    /** Forward arguments that are tensors, by position; null elsewhere. */
    readonly inputs: readonly (Tensor | null)[],
    readonly ctx: OpContext<unknown>,
    readonly rule: BackwardRule<unknown>,
    /** The output, kept only when it asked to retain its gradient. */
    public retained: Tensor | null = null,
  ) {}
}

export interface BackwardOptions {
  retainGraph?: boolean;
}

export function runBackward(root: Tensor, grad: Tensor | undefined, options: BackwardOptions): void {
  if (!root.requiresGrad) {
    throw new Error('backward: tensor does not require grad and has no gradFn (did every input have requiresGrad false, or was it made inside noGrad?)');
  }
  let seed: Tensor;
  if (grad === undefined) {
    if (root.numel() !== 1) {
      throw new Error(`backward: a gradient can be implied only for a tensor with one element, got shape ${formatShape(root.shape)}; pass grad`);
    }
    seed = kernels.full(root.shape, 1, root.dtype);
  } else {
    if (!(grad instanceof Tensor)) throw new Error(`backward: grad must be a Tensor, got ${typeof grad}`);
    if (!sameShape(grad.shape, root.shape)) {
      throw new Error(`backward: grad has shape ${formatShape(grad.shape)} but the tensor has shape ${formatShape(root.shape)}`);
    }
    seed = grad;
  }
  const rootNode = root._node;
  if (!rootNode) {
    accumulateLeaf(root, seed);
    return;
  }

  const nodes = reachableNodes(rootNode);
  const pending = new Map<Node, Tensor>([[rootNode, seed]]);
  // Pending gradients the tape allocated itself (sums, casts): no rule has seen them yet, so they may be summed
  // into in place. A rule's own result never is: it may be shared (add returns g for both inputs, reshape a view).
  const tapeOwned = new Set<Tensor>();
  const retain = options.retainGraph === true;
  noGrad(() => {
    for (const node of nodes) {
      const g = pending.get(node);
      if (!g) continue;
      pending.delete(node);
      tapeOwned.delete(g);
      if (node.ctx.isFreed) {
        throw new Error(
          `${node.name}: trying to backward through the graph a second time, but its saved values were freed; ` +
            'pass { retainGraph: true } to the first backward() if you need to call it twice',
        );
      }
      if (node.retained) accumulateLeaf(node.retained, g);
      const grads = node.rule(node.ctx, g);
      const { inputs } = node;
      const needs = node.ctx.needsInputGrad;
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i];
        if (!input || !needs[i]) continue;
        const gi = grads[i];
        if (!(gi instanceof Tensor)) {
          throw new Error(`${node.name}: backward returned no gradient for input ${i}, which requires one`);
        }
        if (!sameShape(gi.shape, input.shape)) {
          throw new Error(
            `${node.name}: backward returned a gradient of shape ${formatShape(gi.shape)} for input ${i} of shape ${formatShape(input.shape)}`,
          );
        }
        if (anomalyMode) checkFinite(node.name, 'backward', gi);
        const cast = gi.dtype !== input.dtype;
        const gin = cast ? castTo(gi, input) : gi;
        if (input._node) {
          const prev = pending.get(input._node);
          if (prev === undefined) {
            pending.set(input._node, gin);
            if (cast) tapeOwned.add(gin);
          } else if (tapeOwned.has(prev)) {
            addInPlace(prev, gin);
          } else {
            const sum = addInto(prev, gin);
            pending.set(input._node, sum);
            tapeOwned.add(sum);
          }
        } else if (input.requiresGrad) {
          accumulateLeaf(input, gin);
        }
      }
      if (!retain) node.ctx.free();
    }
  });
}

/** Nodes reachable from root, latest first. */
function reachableNodes(root: Node): Node[] {
  const seen = new Set<Node>([root]);
  const stack = [root];
  while (stack.length) {
    const node = stack.pop()!;
    for (const input of node.inputs) {
      const n = input?._node;
      if (n && !seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return [...seen].sort((a, b) => b.id - a.id);
}

function castTo(g: Tensor, like: Tensor): Tensor {
  return kernels.cast(g, like.dtype);
}

/** a += b, for a pending gradient the tape allocated itself. */
function addInPlace(a: Tensor, b: Tensor): void {
  kernels.addInPlace(a, b, 1);
}

/** A fresh tensor a + b (a rule's result may be shared with its other outputs, so never write into it). */
function addInto(a: Tensor, b: Tensor): Tensor {
  return kernels.add(a, b);
}

function accumulateLeaf(leaf: Tensor, g: Tensor): void {
  if (leaf.grad === null) {
    leaf.grad = kernels.view(kernels.cast(g, leaf.dtype), leaf.shape);
  } else {
    kernels.addInPlace(leaf.grad, g, 1);
    leaf.grad._bumpVersion();
  }
}

import { Tensor } from '../tensor.js';
import { Node, OpContext, checkFinite, enableGrad, isAnomalyEnabled, isOpOutput, noGrad, runRule, trackOpOutputs, type BackwardRule, type GradList, type MultiBackwardRule } from '../tape.js';
import { formatShape, sameShape } from '../shape.js';
import * as kernels from '../kernels/backend.js';
import { add } from '../ops/arithmetic.js';
import { to } from '../ops/cast.js';
import { GradientRelease } from './release.js';

/**
 * Reverse mode: walks the nodes reachable from the outputs, latest first, hands each node's rule the gradients of
 * its outputs and routes the gradients it returns to the inputs. One walk serves `backward` (accumulate into every
 * leaf's `.grad`) and `grad` (return the gradients of chosen tensors). Under createGraph the rules run with recording
 * on, so the gradients are themselves recorded and can be differentiated again.
 */

/** How one walk runs. */
export interface Walk {
  /** The error-message prefix: 'backward' or 'grad'. */
  op: string;
  retainGraph: boolean;
  createGraph: boolean;
  /** Tensors whose gradients the walk returns instead of accumulating into every leaf; null to accumulate. */
  targets: readonly Tensor[] | null;
  /** storageMark(roots) before the seeds were made: device buffers made since are the walk's to release. */
  storageMark: number | null;
}

/** Runs reverse mode from roots seeded with seeds; returns the gradient of each target (null where none arrived). */
export function walk(roots: readonly Tensor[], seeds: readonly Tensor[], w: Walk): (Tensor | null)[] {
  const run = (): (Tensor | null)[] => new Walker(w).run(roots, seeds);
  return w.createGraph ? enableGrad(() => trackOpOutputs(run)) : noGrad(run);
}

class Walker {
  private readonly pending = new Map<Node, (Tensor | null)[]>();
  // Pending gradients the walk allocated itself (sums, casts): no rule has seen them yet, so they may be summed
  // into in place. A rule's own result never is: it may be shared (add returns g for both inputs, reshape a view).
  private readonly walkOwned = new Set<Tensor>();
  private readonly captured: (Tensor | null)[];
  private readonly leafTargets = new Map<Tensor, number[]>();
  private readonly nodeTargets = new Map<Node, number[]>();
  private release: GradientRelease | null = null;

  constructor(private readonly w: Walk) {
    const targets = w.targets ?? [];
    this.captured = new Array<Tensor | null>(targets.length).fill(null);
    targets.forEach((t, k) => {
      const map: Map<Tensor | Node, number[]> = t._node ? this.nodeTargets : this.leafTargets;
      const key = t._node ?? t;
      const list = map.get(key);
      if (list) list.push(k);
      else map.set(key, [k]);
    });
  }

  run(roots: readonly Tensor[], seeds: readonly Tensor[]): (Tensor | null)[] {
    this.release = GradientRelease.forWalk(this.w.storageMark, this.w.retainGraph || this.w.createGraph);
    const rootNodes: Node[] = [];
    roots.forEach((root, k) => {
      if (root._node) {
        this.deliver(root._node, root._outputIndex, seeds[k], false);
        rootNodes.push(root._node);
      } else {
        this.deliverLeaf(root, seeds[k]);
      }
    });
    const nodes = reachableNodes(rootNodes);
    const needed = this.w.targets ? this.neededNodes(nodes) : null;
    for (const node of nodes) {
      const slot = this.pending.get(node);
      if (!slot) continue;
      this.pending.delete(node);
      for (const g of slot) if (g) this.walkOwned.delete(g);
      if (node.ctx.isFreed) {
        throw new Error(
          `${node.name}: trying to backward through the graph a second time, but its saved values were freed; ` +
            'pass { retainGraph: true } to the first backward() if you need to call it twice',
        );
      }
      if (node.retained && !this.w.targets) {
        node.retained.forEach((t, i) => {
          const g = slot[i];
          if (t && g) this.accumulate(t, g);
        });
      }
      this.nodeTargets.get(node)?.forEach((k) => {
        this.captured[k] = slot[this.w.targets![k]._outputIndex];
        this.release?.escape(this.captured[k]);
      });
      if (needed === null || needed.has(node)) this.runRule(node, slot);
      if (!this.w.retainGraph) node.free();
      for (const g of slot) if (g) this.release?.drop(g);
    }
    return this.captured;
  }

  /** Nodes whose rule must run for a gradient to reach a target (grad computes nothing else). */
  private neededNodes(nodesLatestFirst: readonly Node[]): Set<Node> {
    const needed = new Set<Node>();
    for (let j = nodesLatestFirst.length - 1; j >= 0; j--) {
      const node = nodesLatestFirst[j];
      for (const t of node.inputs) {
        if (!t) continue;
        const n = t._node;
        if (n ? needed.has(n) || this.nodeTargets.has(n) : this.leafTargets.has(t)) {
          needed.add(node);
          break;
        }
      }
    }
    return needed;
  }

  private runRule(node: Node, slot: (Tensor | null)[]): void {
    const grads = isAnomalyEnabled() ? runRule(() => callRule(node, slot)) : callRule(node, slot);
    // held while they are delivered: a rule may return one tensor for several inputs (add returns g for both)
    for (const g of grads) if (g instanceof Tensor) this.release?.hold(g);
    this.deliverAll(node, slot, grads);
    for (const g of grads) if (g instanceof Tensor) this.release?.drop(g);
  }

  private deliverAll(node: Node, slot: (Tensor | null)[], grads: GradList): void {
    const { createGraph } = this.w;
    const { inputs } = node;
    const needs = node.ctx.needsInputGrad;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      if (!input || !needs[i]) continue;
      let gi = grads[i];
      if (!(gi instanceof Tensor)) {
        throw new Error(`${node.name}: backward returned no gradient for input ${i}, which requires one`);
      }
      if (!sameShape(gi.shape, input.shape)) {
        throw new Error(
          `${node.name}: backward returned a gradient of shape ${formatShape(gi.shape)} for input ${i} of shape ${formatShape(input.shape)}`,
        );
      }
      if (isAnomalyEnabled()) checkFinite(node.name, 'backward', gi);
      if (createGraph && (!node.differentiableBackward || (!gi.requiresGrad && !isOpOutput(gi) && !slot.includes(gi)))) {
        gi = notDifferentiable(node, gi);
      }
      const cast = gi.dtype !== input.dtype;
      if (cast) gi = createGraph ? to(gi, input.dtype) : kernels.cast(gi, input.dtype);
      if (input._node) this.deliver(input._node, input._outputIndex, gi, cast);
      else if (input.requiresGrad) this.deliverLeaf(input, gi);
    }
  }

  /** Adds g to the pending gradient of output `index` of node; `owned` when the walk allocated g itself. */
  private deliver(node: Node, index: number, g: Tensor, owned: boolean): void {
    let slot = this.pending.get(node);
    if (!slot) {
      slot = new Array<Tensor | null>(node.outputs).fill(null);
      this.pending.set(node, slot);
    }
    const prev = slot[index];
    if (prev === null) {
      slot[index] = g;
      this.release?.hold(g);
      if (owned && !this.w.createGraph) this.walkOwned.add(g);
    } else if (this.w.createGraph) {
      slot[index] = add(prev, g);
    } else if (this.walkOwned.has(prev)) {
      kernels.addInPlace(prev, g, 1);
    } else {
      const sum = kernels.add(prev, g);
      slot[index] = sum;
      this.walkOwned.add(sum);
      this.release?.hold(sum);
      this.release?.drop(prev);
    }
  }

  private deliverLeaf(leaf: Tensor, g: Tensor): void {
    if (!this.w.targets) {
      if (leaf.requiresGrad) this.accumulate(leaf, g);
      return;
    }
    for (const k of this.leafTargets.get(leaf) ?? []) {
      const prev = this.captured[k];
      this.captured[k] = prev === null ? g : this.w.createGraph ? add(prev, g) : kernels.add(prev, g);
      this.release?.escape(this.captured[k]);
    }
  }

  /** accumulateGrad; a `.grad` made from g may share g's buffer, which is then the user's. */
  private accumulate(t: Tensor, g: Tensor): void {
    accumulateGrad(t, g, this.w.createGraph);
    this.release?.escape(t.grad);
  }
}

function callRule(node: Node, slot: (Tensor | null)[]): GradList {
  return node.outputs === 1
    ? (node.rule as BackwardRule<unknown>)(node.ctx, slot[0]!)
    : (node.rule as MultiBackwardRule<unknown>)(node.ctx, slot);
}

/** Nodes reachable from the roots, latest first. */
function reachableNodes(roots: readonly Node[]): Node[] {
  const seen = new Set<Node>(roots);
  const stack = [...roots];
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

/** Adds g into t.grad; under createGraph out of place, so that `.grad` keeps its graph (as PyTorch does). */
export function accumulateGrad(t: Tensor, g: Tensor, createGraph: boolean): void {
  if (createGraph) {
    // `to` copies, so t.grad never aliases a gradient that a rule also handed elsewhere
    t.grad = t.grad === null ? to(g, t.dtype) : add(t.grad, g);
  } else if (t.grad === null) {
    t.grad = kernels.view(kernels.cast(g, t.dtype), t.shape);
  } else {
    kernels.addInPlace(t.grad, g, 1);
    t.grad._bumpVersion();
    return;
  }
  t.grad._deviceStorage?.keep(); // a new .grad outlives any tidy() scope it was made in, as its tensor does
}

/**
 * A first-order gradient computed outside torchlet ops: its value is right, but it has no graph, so a second-order
 * gradient through it would silently be zero. It gets a node whose backward raises instead, naming the op.
 */
function notDifferentiable(node: Node, gi: Tensor): Tensor {
  const declared = !node.differentiableBackward;
  const out = new Tensor(gi._storage, gi.shape, gi);
  const ctx = new OpContext<undefined>(`${node.name}Backward`, node.inputs.map((t) => t !== null && t.requiresGrad));
  const rule = (): never => {
    throw new Error(
      `${node.name}: a second-order gradient reached the backward of ${node.name}, which is not differentiable ` +
        (declared
          ? '(the op declares differentiableBackward: false). '
          : '(its backward computed a gradient outside torchlet ops, e.g. with raw loops or kernels, so that gradient has no graph). ') +
        'To differentiate through it, write its backward with torchlet ops (mul, add, ...), or register the kernel it ' +
        'needs as an op with its own backward (see "Adding an op" in the README).',
    );
  };
  out._setNode(new Node(`${node.name}Backward`, node.inputs, ctx as OpContext<unknown>, rule));
  return out;
}

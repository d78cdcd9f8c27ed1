import { Tensor } from './tensor.js';
import { formatShape } from './shape.js';
import * as kernels from './kernels/backend.js';

/**
 * The tape. Every recorded op call becomes a Node with a sequence number; the numbers order nodes as they ran,
 * so walking the nodes reachable from the loss in decreasing order is a valid reverse topological order. The walk
 * itself (backward, grad) is autograd/engine.ts; this file holds what ops and the engine share: grad mode, the
 * op context and the node.
 */

let gradEnabled = true;
let anomalyMode = false;
let nextNodeId = 0;

/** Whether ops called now are recorded on the tape (false inside noGrad). */
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

/**
 * While a createGraph backward runs: the tensors op calls returned. The engine tells a backward rule's result built
 * with ops from one computed with raw loops or kernels (which would silently cut the graph of the gradient).
 */
let opOutputs: WeakSet<Tensor> | null = null;

/** @internal called by defineOp for every output it returns. */
export function noteOpOutput(t: Tensor): void {
  if (opOutputs !== null) opOutputs.add(t);
}

/** @internal whether `t` came out of an op call since trackOpOutputs started. */
export function isOpOutput(t: Tensor): boolean {
  return opOutputs !== null && opOutputs.has(t);
}

/** @internal runs fn while noting op outputs (the engine's createGraph mode); nests. */
export function trackOpOutputs<T>(fn: () => T): T {
  const previous = opOutputs;
  opOutputs = previous ?? new WeakSet<Tensor>();
  try {
    return fn();
  } finally {
    opOutputs = previous;
  }
}

/** Whether NaN/Inf detection (detectAnomaly) is on. */
export function isAnomalyEnabled(): boolean {
  return anomalyMode;
}

/** While a backward rule runs: the ops it calls are part of that rule, whose result the engine checks. */
let ruleDepth = 0;

/** @internal whether an op's forward output is to be checked for NaN/Inf: in anomaly mode, outside backward rules. */
export function checksForwardAnomalies(): boolean {
  return anomalyMode && ruleDepth === 0;
}

/** @internal runs a backward rule (its ops' outputs are not checked on their own under detectAnomaly). */
export function runRule<T>(fn: () => T): T {
  ruleDepth++;
  try {
    return fn();
  } finally {
    ruleDepth--;
  }
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

/** Throws, naming the op and the phase, when t holds a NaN or an infinity (detectAnomaly's check). */
export function checkFinite(op: string, phase: 'forward' | 'backward', t: Tensor): void {
  // on a device the check runs there and reports at the next read (null here): no op waits for a readback
  const bad = kernels.findNonFinite(t, `${op} ${phase}`);
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

  /** Keeps tensors for backward (read back with `saved`, which checks they were not modified in place). */
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

  /** Whether backward already freed the saved values (a second backward without retainGraph). */
  get isFreed(): boolean {
    return this.freed;
  }
}

/** One gradient per forward argument, by position: a Tensor, or null/undefined where none is wanted. */
export type GradList = readonly (Tensor | null | undefined)[];
/** A single-output op's backward: the upstream gradient of its output to one gradient per forward argument. */
export type BackwardRule<S> = (ctx: OpContext<S>, grad: Tensor) => GradList;
/** A multi-output op's backward: one upstream gradient per output (null where no gradient reached it). */
export type MultiBackwardRule<S> = (ctx: OpContext<S>, grads: readonly (Tensor | null)[]) => GradList;

/** A recorded op call: what the backward engine (autograd/engine.ts) walks. */
export class Node {
  /** Order of recording: walking reachable nodes by decreasing id is a valid reverse topological order. */
  readonly id = nextNodeId++;
  /** Outputs that asked to retain their gradient (retainGrad), by output index; null when none did. */
  retained: (Tensor | null)[] | null = null;
  /** Forward arguments that are tensors, by position; null elsewhere (emptied by free()). */
  get inputs(): readonly (Tensor | null)[] {
    return this._inputs;
  }

  constructor(
    readonly name: string,
    private _inputs: readonly (Tensor | null)[],
    readonly ctx: OpContext<unknown>,
    /** A BackwardRule when outputs is 1, a MultiBackwardRule otherwise. */
    readonly rule: BackwardRule<unknown> | MultiBackwardRule<unknown>,
    /** How many tensors the op returned (1 for ordinary ops). */
    readonly outputs: number = 1,
    /** False when the op declared that its backward cannot be differentiated (differentiableBackward: false). */
    readonly differentiableBackward: boolean = true,
  ) {}

  /**
   * After a backward without retainGraph: drops the saved values and the inputs, so that a tensor the user keeps
   * (a loss in a list) holds its node but not the step's activations, as PyTorch's freed graph holds no tensors.
   */
  free(): void {
    this.ctx.free();
    this._inputs = [];
  }
}

import typedFunction from 'typed-function';
import { Tensor } from './tensor.js';
import { isFloating, isTypedArray } from './dtype.js';
import { Node, OpContext, callWithoutGrad, checkFinite, checksForwardAnomalies, isGradEnabled, noteOpOutput, type GradList } from './tape.js';

/**
 * The part of a typed-function instance that torchlet uses and exports. Declared here, not imported, so that the
 * published .d.ts needs no types of typed-function's (it ships none; src/typed-function.d.ts is only this repo's).
 */
export interface Typed {
  (name: string, signatures: Record<string, (...args: never[]) => unknown>): (...args: never[]) => unknown;
  addType(type: { name: string; test: (x: unknown) => boolean }, beforeObjectTest?: boolean): void;
  onMismatch: (name: string, args: ArrayLike<unknown>, signatures: { signature?: string; params?: ParsedParam[] }[]) => unknown;
}

/** The typed-function instance every op's signatures are checked with; knows Tensor, TypedArray and undefined. */
export const typed: Typed = typedFunction.create();
typed.addType({ name: 'Tensor', test: (x) => x instanceof Tensor });
typed.addType({ name: 'TypedArray', test: isTypedArray });
typed.onMismatch = (name, args, signatures) => {
  const got = Array.from(args).map(describe).join(', ');
  const expected = signatures.map((s) => `(${describeSignature(s)})`).join(' or ');
  throw new TypeError(`${name}: expected arguments ${expected}, got (${got})`);
};

interface ParsedParam {
  name?: string;
  restParam?: boolean;
  types?: { name: string }[];
}

function describeSignature(s: { signature?: string; params?: ParsedParam[] }): string {
  if (s.signature) return s.signature;
  return (s.params ?? []).map((p) => (p.restParam && !p.name?.startsWith('...') ? '...' : '') + (p.name ?? (p.types ?? []).map((t) => t.name).join(' | '))).join(', ');
}

function describe(x: unknown): string {
  if (x instanceof Tensor) return `Tensor ${x.dtype} [${x.shape.join(', ')}]`;
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'Array';
  if (isTypedArray(x)) return x.constructor.name;
  if (typeof x === 'object') return 'Object';
  return typeof x === 'number' ? `number ${x}` : typeof x;
}

/**
 * For exporters (the ONNX exporter in @torchlet/nn): called once per top-level op call with the op's name, the
 * normalized arguments its forward received and its output, whether or not grad mode is on and whatever the dtype.
 * Calls made inside another op's forward are not reported (they are that op's implementation).
 */
export type OpTracer = (name: string, args: readonly unknown[], out: Tensor) => void;

let tracer: OpTracer | null = null;
/** How many traced forwards are running: only depth-0 calls reach the tracer. */
let tracedDepth = 0;

/** Installs (or, with null, removes) the op tracer; returns the one it replaces so callers can restore it. */
export function setOpTracer(next: OpTracer | null): OpTracer | null {
  const previous = tracer;
  tracer = next;
  return previous;
}

/**
 * The index of the tensor argument whose device the op runs on, after checking argument i against it. A 0-d CPU
 * tensor goes along with any device (as PyTorch lets CPU scalars meet CUDA tensors), so it is not checked.
 */
function checkOneDevice(name: string, args: readonly unknown[], deviceAt: number, i: number): number {
  if (deviceAt < 0) return i;
  const [first, other] = [(args[deviceAt] as Tensor).device, (args[i] as Tensor).device];
  if (first !== other) {
    throw new Error(`${name}: expected all tensors on one device, got '${first}' (argument ${deviceAt + 1}) and '${other}' (argument ${i + 1}); move one with .to('${first}')`);
  }
  return deviceAt;
}

/** What an op's backward receives: the output's gradient, or for a multi-output op one per output (null if none came). */
export type UpstreamGradients<Out> = Out extends Tensor ? Tensor : (Tensor | null)[];

/** What `defineOp` takes: the name, signatures, forward and (for differentiable ops) backward of an op. */
export interface OpDefinition<Args extends unknown[], S, Out extends Tensor | Tensor[] = Tensor> {
  /** The op's name, used in error messages and in `gradFn` (`${name}Backward`). */
  name: string;
  /**
   * typed-function signatures of the public function. Either a list of signature strings whose arguments go to
   * `forward` as they are, or an object mapping each signature to a function that turns the public arguments
   * into `forward`'s arguments (defaults filled in, scalars turned into tensors, options unpacked).
   */
  signatures: readonly string[] | Record<string, (...args: never[]) => Args>;
  /**
   * Computes the output from the arguments without autograd (ops called inside are not recorded).
   * Save what backward needs with `ctx.save(...)` and `ctx.state`. An op with several outputs returns an array
   * (like a torch.autograd.Function returning a tuple); each floating-point output gets its own gradient.
   */
  forward(ctx: OpContext<S>, ...args: Args): Out;
  /**
   * Maps the gradient of the output (an array of them, null where none came, for a multi-output op) to one
   * gradient per forward argument (by position; ignored for non-tensor arguments). Compute only those with
   * `ctx.needsInputGrad[i]`. Omit for non-differentiable ops. Under `createGraph` it runs with recording on, so a
   * backward written with torchlet ops can itself be differentiated (gradients of gradients).
   */
  backward?(ctx: OpContext<S>, grad: UpstreamGradients<Out>): GradList;
  /**
   * Set false when backward computes its result outside torchlet ops (raw loops, kernels): a second-order gradient
   * that reaches it then raises an error naming the op instead of treating the gradient as a constant. Such a result
   * is also detected without the flag; the flag states it up front (like PyTorch's @once_differentiable).
   */
  differentiableBackward?: boolean;
}

/**
 * Registers an op: the public function checks its arguments through typed-function, runs forward with the tape
 * paused, and records one node when gradients are on and some tensor argument requires grad.
 */
export function defineOp<Args extends unknown[], S = undefined, Out extends Tensor | Tensor[] = Tensor>(
  def: OpDefinition<Args, S, Out>,
): (...args: Args) => Out {
  const { name, forward, backward } = def;
  const differentiableBackward = def.differentiableBackward !== false;
  const run = (args: Args): Out => {
    // one pass over the arguments: this wrapper runs for every op call, so it allocates only what it keeps
    const n = args.length;
    const needs = new Array<boolean>(n);
    let anyNeeds = false;
    let deviceAt = -1;
    for (let i = 0; i < n; i++) {
      const a = args[i];
      needs[i] = a instanceof Tensor && a.requiresGrad;
      if (needs[i]) anyNeeds = true;
      if (a instanceof Tensor && (a.device !== 'cpu' || a.ndim > 0)) deviceAt = checkOneDevice(name, args, deviceAt, i);
    }
    const record = anyNeeds && backward !== undefined && isGradEnabled();
    if (!record) needs.fill(false);
    const ctx = new OpContext<S>(name, needs);
    let out: Out;
    if (tracer === null) {
      out = callWithoutGrad(forward, ctx, args);
    } else {
      tracedDepth++;
      try {
        out = callWithoutGrad(forward, ctx, args);
      } finally {
        tracedDepth--;
      }
    }
    if (out instanceof Tensor) {
      checkOutput(name, out, args);
      if (tracer !== null && tracedDepth === 0) tracer(name, args, out);
      if (record && isFloating(out.dtype)) {
        out._setNode(new Node(name, tensorArguments(args), ctx as OpContext<unknown>, backward as Node['rule'], 1, differentiableBackward));
      }
      return out;
    }
    if (!Array.isArray(out) || out.length === 0) throw new Error(`${name}: forward must return a Tensor or a non-empty array of Tensors`);
    for (const t of out) {
      if (!(t instanceof Tensor)) throw new Error(`${name}: forward returned an array with a non-Tensor element`);
      checkOutput(name, t, args);
    }
    if (record) {
      const node = new Node(name, tensorArguments(args), ctx as OpContext<unknown>, backward as Node['rule'], out.length, differentiableBackward);
      out.forEach((t, i) => {
        if (isFloating(t.dtype)) t._setNode(node, i);
      });
    }
    return out;
  };
  const signatures: Record<string, (...a: never[]) => Out> = {};
  if (Array.isArray(def.signatures)) {
    for (const sig of def.signatures as readonly string[]) signatures[sig] = (...a: never[]) => run(a as unknown as Args);
  } else {
    for (const [sig, normalize] of Object.entries(def.signatures as Record<string, (...a: never[]) => Args>)) {
      signatures[sig] = (...a: never[]) => run(normalize(...a));
    }
  }
  return typed(name, signatures) as unknown as (...args: Args) => Out;
}

function checkOutput(name: string, out: Tensor, args: readonly unknown[]): void {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === out) throw new Error(`${name}: forward must return a new Tensor, not one of its inputs`);
  }
  if (checksForwardAnomalies()) checkFinite(name, 'forward', out);
  noteOpOutput(out);
}

function tensorArguments(args: readonly unknown[]): (Tensor | null)[] {
  const inputs = new Array<Tensor | null>(args.length);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    inputs[i] = a instanceof Tensor ? a : null;
  }
  return inputs;
}

import { Tensor, noGrad, setOpTracer } from '@torchlet/core';
import { Module } from '../module.js';

/** One op call seen while tracing: the op, its normalized forward arguments, its output and where it was called. */
export interface TracedCall {
  op: string;
  args: readonly unknown[];
  out: Tensor;
  /** The output's version when it was made, to catch in-place changes the trace cannot see. */
  outVersion: number;
  /** Dotted name of the innermost module whose forward made the call ('' for the model itself). */
  modulePath: string;
  moduleType: string;
}

export interface Trace {
  calls: TracedCall[];
  outputs: Tensor[];
}

/**
 * Runs model.forward(...inputs) once in eval mode without gradients, recording every top-level op call through
 * core's op tracer. Each module's forward is wrapped on its instance for the duration (to know which module an op
 * came from); the wrappers, the training flags and the previous tracer are all restored afterwards, even on error.
 */
export function traceForward(model: Module, inputs: readonly Tensor[]): Trace {
  const calls: TracedCall[] = [];
  const named = [...model.namedModules()];
  const stack: [string, Module][] = [['', model]];
  const training = named.map(([, m]) => m.training);
  const ownForwards = named.map(([, m]) => Object.getOwnPropertyDescriptor(m, 'forward'));
  for (const [path, m] of named) {
    const original = m.forward;
    Object.defineProperty(m, 'forward', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: (...args: unknown[]) => {
        stack.push([path, m]);
        try {
          return original.apply(m, args);
        } finally {
          stack.pop();
        }
      },
    });
  }
  const previous = setOpTracer((op, args, out) => {
    const [modulePath, module] = stack[stack.length - 1];
    calls.push({ op, args: [...args], out, outVersion: out.version, modulePath, moduleType: module.constructor.name });
  });
  try {
    model.eval();
    const result = noGrad(() => model.forward(...inputs));
    return { calls, outputs: outputsOf(result) };
  } finally {
    setOpTracer(previous);
    named.forEach(([, m], i) => {
      m.training = training[i];
      const own = ownForwards[i];
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as { forward?: unknown }).forward;
    });
  }
}

function outputsOf(result: unknown): Tensor[] {
  const list = Array.isArray(result) ? result : [result];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`toOnnx: the model's forward must return a Tensor or an array of Tensors, got ${describe(t)}${Array.isArray(result) ? ` at position ${i}` : ''}`);
    }
  });
  if (list.length === 0) throw new TypeError("toOnnx: the model's forward returned an empty array");
  return list as Tensor[];
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? (x as object).constructor?.name ?? 'an object' : typeof x;
}

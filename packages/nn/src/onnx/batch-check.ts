import { Tensor, cat, narrow, type TypedArray } from '@torchlet/core';
import type { Module } from '../module.js';
import { traceForward, type Trace, type TracedCall } from './trace.js';
import { expandTarget, reshapeTarget } from './ops.js';
import { OnnxExportError } from './errors.js';

/** Constants up to this size are compared by value, larger ones by shape. */
const COMPARED_VALUES = 1024;

/**
 * A trace sees one batch size, but the exported graph claims any. Tracing again with one more sample and comparing
 * what each op call was given (its options, reshape and expand targets as exported, the shapes and small values of
 * constants) finds a forward that depends on the batch size in a way the graph cannot express, e.g. a reshape
 * that merges the batch into another dim or a constant sized by it, before a wrong file is written.
 */
export function checkBatchDynamic(model: Module, inputs: readonly Tensor[], dynamic: readonly boolean[], first: Trace, stateKeys: Map<Tensor, string>): void {
  if (!dynamic.some((d, i) => d && inputs[i].ndim > 0 && inputs[i].shape[0] > 0)) return;
  const grown = inputs.map((t, i) => (dynamic[i] && t.ndim > 0 && t.shape[0] > 0 ? cat([t, narrow(t, 0, 0, 1)], 0) : t));
  const batch = inputs.find((t, i) => dynamic[i] && t.ndim > 0)!.shape[0];
  let second: Trace;
  try {
    second = traceForward(model, grown);
  } catch (e) {
    throw new OnnxExportError(
      `toOnnx: the forward fails at batch ${batch + 1} (${(e as Error).message}), so dim 0 of every input cannot be dynamic; name the dynamic dims with dynamicAxes`,
    );
  }
  const a = signatures(first, inputs, stateKeys);
  const b = signatures(second, grown, stateKeys);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const call = first.calls[i] ?? second.calls[i];
    const where = `op '${call.op}' (called in ${call.modulePath === '' ? 'the model' : `module '${call.modulePath}'`}, ${call.moduleType})`;
    if (first.calls[i]?.op !== second.calls[i]?.op) {
      throw new OnnxExportError(`toOnnx: the forward takes another path at batch ${batch + 1} than at batch ${batch} (at ${where}), so its batch dim cannot be dynamic; export with dynamicAxes: {}`);
    }
    throw new OnnxExportError(
      `toOnnx: ${where} depends on the batch size in a way the graph cannot express: traced at batch ${batch} with ${clip(a[i])} ` +
        `and at batch ${batch + 1} with ${clip(b[i])}; write the batch dim as -1 (or keep it in place), or export with dynamicAxes: {}`,
    );
  }
}

function clip(s: string): string {
  return s.length > 160 ? `${s.slice(0, 160)}...` : s;
}

function signatures(trace: Trace, inputs: readonly Tensor[], stateKeys: Map<Tensor, string>): string[] {
  const traced = new Set<TypedArray>(inputs.map((t) => t.data));
  return trace.calls.map((call) => {
    const s = JSON.stringify(describeCall(call, traced, stateKeys));
    traced.add(call.out.data);
    return s;
  });
}

function describeCall(call: TracedCall, traced: Set<TypedArray>, stateKeys: Map<Tensor, string>): unknown[] {
  const args = call.args.map((a) => describeArg(a, traced, stateKeys));
  const [x, shape] = call.args as [Tensor, number[]];
  if (call.op === 'reshape') args[1] = reshapeTarget(x, shape);
  if (call.op === 'expand') args[1] = expandTarget(x, shape);
  return [call.op, ...args];
}

function describeArg(a: unknown, traced: Set<TypedArray>, stateKeys: Map<Tensor, string>): unknown {
  if (a instanceof Tensor) {
    const key = stateKeys.get(a);
    if (key !== undefined) return `state ${key}`;
    if (traced.has(a.data)) return 'traced';
    return { constant: a.shape, values: a.numel() <= COMPARED_VALUES ? Array.from(a.data) : null };
  }
  if (Array.isArray(a)) return a.map((v) => describeArg(v, traced, stateKeys));
  if (a !== null && typeof a === 'object') {
    if (Object.getPrototypeOf(a) !== Object.prototype) return a.constructor.name; // e.g. a Generator, whose state moves
    return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, describeArg(v, traced, stateKeys)]));
  }
  return a;
}

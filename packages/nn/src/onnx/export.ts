import { Tensor } from '@torchlet/core';
import { Module } from '../module.js';
import { GraphBuilder, onnxType } from './graph.js';
import { OpEmitter, mappings } from './ops.js';
import { traceForward } from './trace.js';
import { checkBatchDynamic } from './batch-check.js';
import { OnnxExportError, OnnxUnsupportedOpError } from './errors.js';
import { encodeModel, type ValueInfoProto } from './onnx-proto.js';

/** Per named input or output: the dynamic dims, as a list (named `${name}_dim${d}`) or as { dim: name }. */
export type DynamicAxes = Record<string, readonly number[] | Record<number, string>>;

/** torch.onnx.export's options, where they apply. */
export interface OnnxExportOptions {
  /** Graph input names, one per example input. Default 'input' (or 'input_0', 'input_1', ... for several). */
  inputNames?: readonly string[];
  /** Graph output names, one per output of forward. Default 'output' (or 'output_0', ...). */
  outputNames?: readonly string[];
  /**
   * Dims of inputs and outputs whose size may change, keyed by input or output name. Default: dim 0 of every
   * input and output, named 'batch'. Pass {} for fully static shapes.
   */
  dynamicAxes?: DynamicAxes;
  /** The ONNX opset the graph targets, 13 to 21. Default 17. */
  opsetVersion?: number;
}

const OPTION_KEYS = ['inputNames', 'outputNames', 'dynamicAxes', 'opsetVersion'];
const MIN_OPSET = 13;
const MAX_OPSET = 21;

/** The IR version each opset was released with (ONNX's versioning table), the newest a runtime of that era reads. */
function irVersionFor(opset: number): number {
  return opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
}

function checkNames(what: string, names: readonly string[] | undefined, count: number, fallback: string): string[] {
  if (names === undefined) return count === 1 ? [fallback] : Array.from({ length: count }, (_, i) => `${fallback}_${i}`);
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || n === '')) {
    throw new OnnxExportError(`toOnnx: ${what} must be an array of non-empty strings, got ${JSON.stringify(names)}`);
  }
  if (names.length !== count) throw new OnnxExportError(`toOnnx: ${what} has ${names.length} names but the model has ${count}`);
  return [...names];
}

/** dim -> dim_param name for one input or output. */
function dynamicDims(axes: DynamicAxes, name: string, ndim: number): Map<number, string> {
  const spec = axes[name];
  const out = new Map<number, string>();
  if (spec === undefined) return out;
  const entries: [number, string][] = Array.isArray(spec)
    ? (spec as readonly number[]).map((d) => [d, `${name}_dim${d}`])
    : Object.entries(spec).map(([d, n]) => [Number(d), n]);
  for (const [d, n] of entries) {
    if (!Number.isInteger(d) || d < 0 || d >= ndim) throw new OnnxExportError(`toOnnx: dynamicAxes['${name}'] names dim ${d}, but '${name}' has ${ndim} dims`);
    out.set(d, n);
  }
  return out;
}

function valueInfo(name: string, t: Tensor, dynamic: Map<number, string>): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: onnxType[t.dtype],
        shape: { dim: t.shape.map((d, i) => (dynamic.has(i) ? { dim_param: dynamic.get(i)! } : { dim_value: d })) },
      },
    },
  };
}

/**
 * Exports a model as ONNX bytes, as torch.onnx.export does: one forward pass on `exampleInput` (a tensor, or an
 * array for several inputs) in eval mode without gradients is traced op by op, each op becomes ONNX nodes, and
 * parameters and buffers become initializers named by their state-dict keys. Python-level control flow is fixed at
 * the traced path, and values computed in JavaScript from tensor contents become constants, as in PyTorch's tracer.
 * An op without a mapping throws OnnxUnsupportedOpError naming the op and its module; nothing is returned then.
 * The model's training flags are restored afterwards.
 */
export function toOnnx(model: Module, exampleInput: Tensor | readonly Tensor[], options: OnnxExportOptions = {}): Uint8Array {
  if (!(model instanceof Module)) throw new TypeError(`toOnnx: expected a Module, got ${model === null ? 'null' : typeof model}`);
  if (options === null || typeof options !== 'object') throw new TypeError(`toOnnx: options must be an object, got ${options === null ? 'null' : typeof options}`);
  const unknown = Object.keys(options).filter((k) => !OPTION_KEYS.includes(k));
  if (unknown.length) throw new OnnxExportError(`toOnnx: unknown option(s) ${unknown.map((k) => `'${k}'`).join(', ')} (expected ${OPTION_KEYS.join(', ')})`);
  const inputs = exampleInput instanceof Tensor ? [exampleInput] : Array.isArray(exampleInput) ? [...exampleInput] : null;
  if (inputs === null || inputs.length === 0 || inputs.some((t) => !(t instanceof Tensor))) {
    throw new TypeError('toOnnx: exampleInput must be a Tensor or a non-empty array of Tensors');
  }
  const opset = options.opsetVersion ?? 17;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new OnnxExportError(`toOnnx: opsetVersion must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${opset}`);
  }
  const inputNames = checkNames('inputNames', options.inputNames, inputs.length, 'input');

  const stateKeys = new Map<Tensor, string>();
  for (const [key, p] of model.namedParameters()) stateKeys.set(p, key);
  for (const [key, b] of model.namedBuffers()) if (!stateKeys.has(b)) stateKeys.set(b, key);

  const trace = traceForward(model, inputs);
  const outputNames = checkNames('outputNames', options.outputNames, trace.outputs.length, 'output');
  const names = [...inputNames, ...outputNames];
  if (new Set(names).size !== names.length) throw new OnnxExportError(`toOnnx: input and output names must be distinct, got ${JSON.stringify(names)}`);
  const tensors = [...inputs, ...trace.outputs];
  const dynamicAxes = options.dynamicAxes ?? Object.fromEntries(names.flatMap((n, i) => (tensors[i].ndim > 0 ? [[n, { 0: 'batch' }]] : [])));
  for (const key of Object.keys(dynamicAxes)) {
    if (!names.includes(key)) throw new OnnxExportError(`toOnnx: dynamicAxes names '${key}', which is not an input or output (${names.join(', ')})`);
  }

  const g = new GraphBuilder(stateKeys);
  inputs.forEach((t, i) => {
    if (g.has(t) || stateKeys.has(t)) throw new OnnxExportError(`toOnnx: example input ${i} is passed twice or is a parameter or buffer of the model`);
    g.unique(inputNames[i]);
    g.define(t, inputNames[i]);
  });
  for (const name of outputNames) g.unique(name);
  for (const call of trace.calls) {
    const mapping = mappings[call.op];
    if (mapping === undefined) {
      throw new OnnxUnsupportedOpError(call.op, call.modulePath, call.moduleType, `has no ONNX mapping (supported: ${Object.keys(mappings).sort().join(', ')})`);
    }
    mapping(new OpEmitter(g, call, opset), ...(call.args as never[]));
    if (!g.has(call.out)) throw new Error(`toOnnx: internal error: the mapping of '${call.op}' gave its output no value`);
  }

  const inputDims = inputs.map((t, i) => dynamicDims(dynamicAxes, inputNames[i], t.ndim));
  checkBatchDynamic(model, inputs, inputDims.map((d) => d.has(0)), trace, stateKeys);

  const renamed = new Map<string, string>();
  const outputInfos = trace.outputs.map((t, i) => {
    const wanted = outputNames[i];
    const known = g.has(t);
    const traced = g.value(t);
    if (!known && g.isConstant(traced)) {
      throw new OnnxExportError(`toOnnx: output ${i} was not computed by any traced op (it would be exported as a constant); compute it with torchlet ops`);
    }
    const name = renamed.get(traced) ?? traced;
    // Name the node that makes the output after it; an input, initializer or repeated output gets an Identity.
    if (g.isNodeOutput(name) && !outputNames.includes(name)) {
      g.rename(name, wanted);
      renamed.set(name, wanted);
    } else g.node('Identity', '', [name]).forEach((identity) => g.rename(identity, wanted));
    return valueInfo(wanted, t, dynamicDims(dynamicAxes, wanted, t.ndim));
  });

  return encodeModel({
    ir_version: irVersionFor(opset),
    opset_import: [{ domain: '', version: opset }],
    producer_name: 'torchlet',
    producer_version: '0.1.0',
    graph: {
      name: model.constructor.name,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs.map((t, i) => valueInfo(inputNames[i], t, inputDims[i])),
      output: outputInfos,
    },
  });
}

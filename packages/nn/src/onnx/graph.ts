import { Tensor, type DType, type TypedArray } from '@torchlet/core';
import { AttributeType, DataType, type AttributeProto, type NodeProto, type TensorProto } from './onnx-proto.js';
import { OnnxExportError } from './errors.js';

export type AttributeValue = number | number[] | { float: number };

export const onnxType: Record<DType, number> = { float32: DataType.FLOAT, float64: DataType.DOUBLE, int32: DataType.INT32, bool: DataType.BOOL };

/** Little-endian bytes of a typed array (every JavaScript host this runs on is little-endian, as ONNX's raw_data is). */
function bytesOf(a: TypedArray | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (wrap floats as { float })`);
    return { name, type: AttributeType.INT, i: value };
  }
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  return { name, type: AttributeType.FLOAT, f: value.float };
}

/**
 * The ONNX graph being built: a name for every value (traced tensors, parameters, constants), the nodes in
 * execution order and the initializers. Parameters and buffers are initializers under their state-dict keys;
 * any other tensor that comes from outside the trace is a constant initializer.
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly names = new Map<Tensor, string>();
  /** Storage of every named tensor, so a detach() or view of a traced value is recognised as that value. */
  private readonly storage = new Map<TypedArray, { name: string; shape: readonly number[] }[]>();
  /** Versions of traced values when made; a change means an in-place op the trace did not see. */
  private readonly versions = new Map<Tensor, number>();
  private readonly used = new Set<string>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly stateKeys: Map<Tensor, string>) {}

  /** A name not used yet: `base`, else `base_1`, `base_2`, ... */
  unique(base: string): string {
    let name = base;
    let k = this.counts.get(base) ?? 0;
    while (this.used.has(name)) name = `${base}_${++k}`;
    this.counts.set(base, k);
    this.used.add(name);
    return name;
  }

  /** Gives a graph input or a traced op's output its value name (an op that is the identity may reuse its input's). */
  define(t: Tensor, name: string, version = t.version): void {
    this.names.set(t, name);
    this.versions.set(t, version);
    const views = this.storage.get(t.data) ?? [];
    views.push({ name, shape: t.shape });
    this.storage.set(t.data, views);
  }

  has(t: Tensor): boolean {
    return this.names.has(t);
  }

  /** Whether a value name is a constant this builder made up (not an input, a traced value or a state-dict entry). */
  isConstant(name: string): boolean {
    return name.startsWith('onnx::Constant') && this.initializers.some((t) => t.name === name);
  }

  /** The value name of a tensor argument, adding an initializer for a parameter, buffer or constant seen first here. */
  value(t: Tensor): string {
    const known = this.names.get(t);
    if (known !== undefined) {
      if (t.version !== this.versions.get(t)) {
        throw new OnnxExportError(`toOnnx: value '${known}' was changed in place after it was computed; in-place ops are not traced, use the out-of-place op`);
      }
      return known;
    }
    const key = this.stateKeys.get(t);
    if (key !== undefined) return this.addInitializer(t, key);
    const views = this.storage.get(t.data);
    if (views !== undefined) {
      const same = views.find((v) => v.shape.length === t.shape.length && v.shape.every((d, i) => d === t.shape[i]));
      if (same === undefined) throw new OnnxExportError(`toOnnx: a tensor shares storage with '${views[0].name}' under another shape without a traced op`);
      this.names.set(t, same.name);
      this.versions.set(t, t.version);
      return same.name;
    }
    return this.addInitializer(t, this.unique('onnx::Constant'));
  }

  private addInitializer(t: Tensor, name: string): string {
    this.used.add(name);
    this.initializers.push({ name, dims: [...t.shape], data_type: onnxType[t.dtype], raw_data: bytesOf(t.data) });
    this.define(t, name);
    return name;
  }

  /** An int64 constant (shapes, axes, pads given as inputs). */
  int64Constant(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const name = this.unique('onnx::Constant');
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [...dims], data_type: DataType.INT64, raw_data: bytesOf(data) });
    return name;
  }

  /** A scalar constant of the given dtype. */
  scalarConstant(value: number, dtype: DType): string {
    const data =
      dtype === 'float64' ? new Float64Array([value]) : dtype === 'int32' ? new Int32Array([value]) : dtype === 'bool' ? new Uint8Array([value !== 0 ? 1 : 0]) : new Float32Array([value]);
    return this.value(new Tensor(data, []));
  }

  /** Appends a node and returns its output names (one per `outputs` entry, made unique). */
  node(opType: string, scope: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, outputs = 1): string[] {
    const prefix = scope === '' ? '' : `/${scope.replace(/\./g, '/')}`;
    const name = this.unique(`${prefix}/${opType}`);
    const out = Array.from({ length: outputs }, (_, i) => this.unique(`${name}_output_${i}`));
    this.nodes.push({
      name,
      op_type: opType,
      input: [...inputs],
      output: out,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Renames a node output everywhere it is used (so graph outputs carry the names the caller asked for). */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.input = n.input.map((x) => (x === from ? to : x));
      n.output = n.output.map((x) => (x === from ? to : x));
    }
    this.used.add(to);
  }

  /** Whether a value name is made by a node (as opposed to a graph input or an initializer). */
  isNodeOutput(name: string): boolean {
    return this.nodes.some((n) => n.output.includes(name));
  }
}

import protobuf from 'protobufjs/light.js';

/**
 * One message of the descriptor, its fields written as onnx.proto writes them (`optional string name = 1;`,
 * `repeated float float_data = 4 [packed = true];`, a oneof's fields without a label), so each line can be checked
 * against the .proto by eye.
 */
function message(fields: string, more: Pick<protobuf.IType, 'nested' | 'oneofs'> = {}): protobuf.IType {
  const parsed: Record<string, protobuf.IField> = {};
  for (const field of fields.split(';').map((f) => f.trim()).filter((f) => f !== '')) {
    const match = /^(?:(optional|repeated) )?(\w+) (\w+) = (\d+)( \[packed = true\])?$/.exec(field);
    if (match === null) throw new Error(`onnx-proto: cannot read the field "${field}"`);
    const [, label, type, name, id, packed] = match;
    parsed[name] = { type, id: Number(id), ...(label === 'repeated' ? { rule: 'repeated' } : {}), ...(packed ? { options: { packed: true } } : {}) };
  }
  return { fields: parsed, ...more };
}

/**
 * The subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto, IR version 10) that an
 * exported inference graph needs, as a protobufjs JSON descriptor: field names and numbers exactly as in the .proto.
 * Left out: training info, functions, sparse tensors, sequence/map/optional types, external data. Made when first
 * needed, as the protobufjs type is.
 */
const descriptor = (): protobuf.INamespace => ({
  nested: {
    onnx: {
      nested: {
        AttributeProto: message(`
          optional string name = 1; optional string ref_attr_name = 21; optional string doc_string = 13;
          optional AttributeType type = 20;
          optional float f = 2; optional int64 i = 3; optional bytes s = 4; optional TensorProto t = 5; optional GraphProto g = 6;
          repeated float floats = 7; repeated int64 ints = 8; repeated bytes strings = 9;
          repeated TensorProto tensors = 10; repeated GraphProto graphs = 11;`, {
          nested: {
            AttributeType: {
              values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 },
            },
          },
        }),
        ValueInfoProto: message('optional string name = 1; optional TypeProto type = 2; optional string doc_string = 3;'),
        NodeProto: message(`
          repeated string input = 1; repeated string output = 2; optional string name = 3; optional string op_type = 4;
          optional string domain = 7; repeated AttributeProto attribute = 5; optional string doc_string = 6;`),
        ModelProto: message(`
          optional int64 ir_version = 1; repeated OperatorSetIdProto opset_import = 8; optional string producer_name = 2;
          optional string producer_version = 3; optional string domain = 4; optional int64 model_version = 5;
          optional string doc_string = 6; optional GraphProto graph = 7; repeated StringStringEntryProto metadata_props = 14;`),
        StringStringEntryProto: message('optional string key = 1; optional string value = 2;'),
        GraphProto: message(`
          repeated NodeProto node = 1; optional string name = 2; repeated TensorProto initializer = 5;
          optional string doc_string = 10; repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12;
          repeated ValueInfoProto value_info = 13;`),
        TensorProto: message(`
          repeated int64 dims = 1; optional int32 data_type = 2;
          repeated float float_data = 4 [packed = true]; repeated int32 int32_data = 5 [packed = true];
          repeated int64 int64_data = 7 [packed = true]; optional string name = 8; optional string doc_string = 12;
          optional bytes raw_data = 9; repeated double double_data = 10 [packed = true];`, {
          nested: {
            DataType: {
              values: { UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11 },
            },
          },
        }),
        TensorShapeProto: message('repeated Dimension dim = 1;', {
          nested: {
            Dimension: message('int64 dim_value = 1; string dim_param = 2; optional string denotation = 3;', {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
            }),
          },
        }),
        TypeProto: message('Tensor tensor_type = 1; optional string denotation = 6;', {
          oneofs: { value: { oneof: ['tensor_type'] } },
          nested: {
            Tensor: message('optional int32 elem_type = 1; optional TensorShapeProto shape = 2;'),
          },
        }),
        OperatorSetIdProto: message('optional string domain = 1; optional int64 version = 2;'),
      },
    },
  },
});

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

export interface TensorProto {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  ints?: number[];
}

export interface NodeProto {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

export interface ValueInfoProto {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

export interface ModelProto {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  producer_version: string;
  graph: GraphProto;
}

// Built on first use, not at import: a top-level call would keep protobufjs in every browser bundle that imports
// @torchlet/nn, exporting or not (the packed-install test holds the bundle to its size budget).
let modelType: protobuf.Type | null = null;
const ModelType = (): protobuf.Type => (modelType ??= protobuf.Root.fromJSON(descriptor()).lookupType('onnx.ModelProto'));

/** The model's protobuf bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = ModelType();
  return type.encode(type.fromObject(model)).finish();
}

/** Decodes bytes written by encodeModel (the tests read exported files back with it). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = ModelType();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as ModelProto;
}

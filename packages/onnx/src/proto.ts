import protobuf from 'protobufjs';
import { onnxSchema } from './_internal/onnx-schema.js';
import { OnnxFormatError } from './errors.js';

/** `key -> value` metadata entry (`StringStringEntryProto`). */
export interface StringStringEntry {
  key?: string;
  value?: string;
}

/** `TensorProto`, as decoded with int64 values as numbers (values beyond 2^53 are rounded; INT64 min/max survive). */
export interface TensorProto {
  name?: string;
  dims: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData: number[];
  int32Data: number[];
  int64Data: number[];
  doubleData: number[];
  uint64Data: number[];
  stringData: Uint8Array[];
  externalData: StringStringEntry[];
  dataLocation?: number;
  docString?: string;
}

/** `AttributeProto`. `type` follows `AttributeProto.AttributeType` (1 float, 2 int, 3 string, 4 tensor, 7 ints...). */
export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats: number[];
  ints: number[];
  strings: Uint8Array[];
  tensors: TensorProto[];
  graphs: GraphProto[];
}

/** `NodeProto`. */
export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute: AttributeProto[];
  docString?: string;
}

/** One dimension of a `TensorShapeProto`: a number, a symbolic name, or unknown. */
export interface Dimension {
  dimValue?: number;
  dimParam?: string;
}

/** `TypeProto` (tensor types only are interpreted). */
export interface TypeProto {
  tensorType?: { elemType?: number; shape?: { dim: Dimension[] } };
}

/** `ValueInfoProto`. */
export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
  docString?: string;
}

/** `GraphProto`. */
export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
  docString?: string;
}

/** `OperatorSetIdProto`. */
export interface OpsetId {
  domain?: string;
  version?: number;
}

/** `ModelProto`: the root of an `.onnx` file. */
export interface ModelProto {
  irVersion?: number;
  opsetImport: OpsetId[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  graph?: GraphProto;
  metadataProps: StringStringEntry[];
}

let root: protobuf.Root | undefined;

/** A message type of the official schema (`onnx.ModelProto`...), built once. */
function protoType(name: string): protobuf.Type {
  root ??= protobuf.Root.fromJSON(onnxSchema);
  return root.lookupType(name);
}

const modelProtoType = () => protoType('onnx.ModelProto');

/** The number of a `TensorProto.DataType` by its name (`FLOAT`, `INT64`...), from the official schema. */
export function dataTypeCode(name: string): number | undefined {
  root ??= protobuf.Root.fromJSON(onnxSchema);
  return root.lookupEnum('onnx.TensorProto.DataType').values[name];
}

/**
 * Decodes a serialized `TensorProto` (the `.pb` files of ONNX's test data). Throws
 * {@link OnnxFormatError} on malformed protobuf.
 */
export function decodeTensor(bytes: Uint8Array): TensorProto {
  const type = protoType('onnx.TensorProto');
  try {
    return type.toObject(type.decode(bytes), {
      longs: Number,
      enums: Number,
      arrays: true,
    }) as TensorProto;
  } catch (e) {
    throw new OnnxFormatError(
      `decodeTensor: ${bytes.length} bytes are not an ONNX TensorProto (${(e as Error).message})`,
      { cause: e },
    );
  }
}

/**
 * Decodes the bytes of an `.onnx` file. Fields follow the official `onnx.proto` in camelCase;
 * repeated fields are always present. Throws {@link OnnxFormatError} on malformed protobuf.
 */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    throw new OnnxFormatError(
      `decodeModel: ${bytes.length} bytes are not an ONNX ModelProto (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  const model = type.toObject(message, {
    longs: Number,
    enums: Number,
    arrays: true,
  }) as ModelProto;
  if (model.graph === undefined) {
    throw new OnnxFormatError(
      `decodeModel: ${bytes.length} bytes decode to a ModelProto without a graph`,
    );
  }
  return model;
}

/** Encodes a model back to `.onnx` bytes with the official schema. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  try {
    return type.encode(type.fromObject(model)).finish();
  } catch (e) {
    throw new OnnxFormatError(
      `encodeModel: the model cannot be encoded (${(e as Error).message})`,
      { cause: e },
    );
  }
}

/**
 * The bytes of a `graph` field (ModelProto field 7) holding only outputs `names` (and `nodes`).
 * Appended to a serialized model, it adds those graph outputs (and nodes, after the others):
 * protobuf merges a repeated embedded message field into the first occurrence, so the model is
 * neither decoded nor encoded again.
 */
export function graphOutputsField(
  names: readonly string[],
  nodes: readonly NodeProto[] = [],
): Uint8Array {
  const graph = protoType('onnx.GraphProto');
  const body = graph
    .encode(graph.fromObject({ node: nodes, output: names.map((name) => ({ name })) }))
    .finish();
  const writer = protobuf.Writer.create();
  writer.uint32((7 << 3) | 2).bytes(body);
  return writer.finish();
}

/** `bytes` of a serialized model with graph outputs `names` (and `nodes`) added (see {@link graphOutputsField}). */
export function withGraphOutputs(
  bytes: Uint8Array,
  names: readonly string[],
  nodes: readonly NodeProto[] = [],
): Uint8Array {
  if (names.length === 0 && nodes.length === 0) return bytes;
  const field = graphOutputsField(names, nodes);
  const out = new Uint8Array(bytes.length + field.length);
  out.set(bytes);
  out.set(field, bytes.length);
  return out;
}

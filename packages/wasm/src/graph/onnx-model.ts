/**
 * The parts of a decoded ONNX model the graph loader reads, structurally typed so that this
 * package needs no protobuf library: `@reparam/onnx`'s `parseModel` / `readModel` return them.
 */

/** A tensor (subset of `TensorProto`). */
export interface OnnxTensorLike {
  readonly name?: string;
  readonly dims: readonly number[];
  readonly dataType?: number;
  readonly rawData?: Uint8Array;
  readonly floatData: readonly number[];
  readonly int32Data?: readonly number[];
  readonly int64Data?: readonly number[];
  readonly doubleData?: readonly number[];
}
/** An attribute (subset of `AttributeProto`). */
export interface OnnxAttributeLike {
  readonly name?: string;
  readonly i?: number;
  readonly f?: number;
  readonly s?: Uint8Array;
  readonly t?: OnnxTensorLike;
  readonly ints: readonly number[];
  readonly floats?: readonly number[];
}
/** A node (subset of `NodeProto`). */
export interface OnnxNodeLike {
  readonly name?: string;
  readonly opType?: string;
  readonly domain?: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly OnnxAttributeLike[];
}
/** A graph input or output (subset of `ValueInfoProto`). */
export interface OnnxValueInfoLike {
  readonly name?: string;
  readonly type?: {
    readonly tensorType?: {
      readonly elemType?: number;
      readonly shape?: { readonly dim: readonly { dimValue?: number; dimParam?: string }[] };
    };
  };
}
/** A model (subset of `ModelProto`), e.g. the result of `@reparam/onnx`'s `parseModel`. */
export interface OnnxModelLike {
  readonly opsetImport?: readonly { readonly domain?: string; readonly version?: number }[];
  readonly graph?: {
    readonly node: readonly OnnxNodeLike[];
    readonly initializer: readonly OnnxTensorLike[];
    readonly input: readonly OnnxValueInfoLike[];
    readonly output?: readonly OnnxValueInfoLike[];
  };
}

/** ONNX `TensorProto.DataType` codes read here. */
export const ONNX_TYPE = { float: 1, int32: 6, int64: 7, double: 11 } as const;

/** A constant's values as numbers, or a reason it cannot be read. */
export function tensorNumbers(t: OnnxTensorLike): Float64Array | string {
  const n = t.dims.reduce((a, b) => a * b, 1);
  const type = t.dataType ?? ONNX_TYPE.float;
  const raw = t.rawData !== undefined && t.rawData.length > 0 ? t.rawData : undefined;
  const width = { 1: 4, 6: 4, 7: 8, 11: 8 }[type];
  if (width === undefined) return `tensor '${t.name ?? ''}' has data type ${type}`;
  if (raw !== undefined) {
    if (raw.length !== n * width) {
      return `tensor '${t.name ?? ''}' has ${raw.length} raw bytes, dims [${t.dims.join(', ')}] need ${n * width}`;
    }
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const read = (i: number): number =>
      type === ONNX_TYPE.float
        ? view.getFloat32(i * 4, true)
        : type === ONNX_TYPE.int32
          ? view.getInt32(i * 4, true)
          : type === ONNX_TYPE.int64
            ? Number(view.getBigInt64(i * 8, true))
            : view.getFloat64(i * 8, true);
    return Float64Array.from({ length: n }, (_, i) => read(i));
  }
  const values =
    type === ONNX_TYPE.float
      ? t.floatData
      : type === ONNX_TYPE.int32
        ? t.int32Data
        : type === ONNX_TYPE.int64
          ? t.int64Data
          : t.doubleData;
  if (values === undefined || values.length !== n) {
    return `tensor '${t.name ?? ''}' has ${values?.length ?? 0} values, dims [${t.dims.join(', ')}] need ${n}`;
  }
  return Float64Array.from(values);
}

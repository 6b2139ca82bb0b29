import { denseTensor, elementType } from './element-types.js';
import type { ModelProto, TensorProto } from './proto.js';
import { elementCount } from './tensor.js';

/** One tensor's bytes and where they go in the external data file. */
export interface ExternalPiece {
  readonly tensor: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** A model whose large initializers point into one external data file, and that file's contents. */
export interface ExternalLayout {
  readonly model: ModelProto;
  readonly pieces: readonly ExternalPiece[];
  /** Size of the data file in bytes. */
  readonly size: number;
}

/** Offsets of tensors of at least 1 MiB are aligned to 4 KiB pages (memory-mappable), as ONNX's own writer does. */
const PAGE = 4096;
const ALIGN_FROM = 2 ** 20;

/** Bytes a tensor's values take (raw or typed fields), or 0 for strings and exotic types. */
export function tensorBytes(t: TensorProto): number {
  if (t.rawData !== undefined && t.rawData.length > 0) return t.rawData.length;
  const type = elementType(t.dataType ?? 0);
  return type === undefined
    ? 0
    : elementCount(t.dims, 'tensorBytes') * type.array.BYTES_PER_ELEMENT;
}

/** Bytes the initializers of a model take: what decides whether it fits protobuf's 2 GiB inline. */
export const initializerBytes = (model: ModelProto): number =>
  model.graph!.initializer.reduce((sum, t) => sum + tensorBytes(t), 0);

/**
 * Moves the values of every initializer of at least `threshold` bytes (numeric types) into one
 * external data file named `location` (a file name in the model's folder), in ONNX's external
 * data form: `data_location` EXTERNAL with `location`, `offset` and `length` entries. The model
 * given is not changed.
 */
export function withExternalData(
  model: ModelProto,
  threshold: number,
  location: string,
): ExternalLayout {
  const pieces: ExternalPiece[] = [];
  let size = 0;
  const initializer = model.graph!.initializer.map((t) => {
    const n = tensorBytes(t);
    if (n === 0 || n < threshold || elementType(t.dataType ?? 0) === undefined) return t;
    const data = t.rawData !== undefined && t.rawData.length > 0 ? t.rawData : denseTensor(t).data;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (n >= ALIGN_FROM) size = Math.ceil(size / PAGE) * PAGE;
    pieces.push({ tensor: t.name ?? '', offset: size, bytes });
    const entries = [
      { key: 'location', value: location },
      { key: 'offset', value: String(size) },
      { key: 'length', value: String(n) },
    ];
    size += n;
    return {
      ...t,
      rawData: undefined,
      floatData: [],
      int32Data: [],
      int64Data: [],
      doubleData: [],
      uint64Data: [],
      dataLocation: 1,
      externalData: entries,
    };
  });
  return { model: { ...model, graph: { ...model.graph!, initializer } }, pieces, size };
}

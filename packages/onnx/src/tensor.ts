import { OnnxFormatError } from './errors.js';
import type { TensorProto } from './proto.js';

/** `TensorProto.DataType` values used by this package. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

const BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
};

/** Largest tensor this package accepts, in elements (2^28: 1 GiB of float32). */
export const MAX_ELEMENTS = 2 ** 28;

/** Number of elements of `dims`; throws {@link OnnxFormatError} for negative, fractional or huge sizes. */
export function elementCount(dims: readonly number[], where: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0)
      throw new OnnxFormatError(`${where}: dimension ${d} in [${dims.join(', ')}] is not a size`);
    n *= d;
    if (n > MAX_ELEMENTS) {
      throw new OnnxFormatError(
        `${where}: dims [${dims.join(', ')}] declare more than ${MAX_ELEMENTS} elements`,
      );
    }
  }
  return n;
}

/** Bytes per element of an ONNX data type, or undefined for strings and unknown types. */
export const bytesPerElement = (dataType: number): number | undefined => BYTES[dataType];

/**
 * Checks that a tensor's stored data agrees with its dims and type (raw or typed fields).
 * External data must already be resolved. Throws {@link OnnxFormatError} naming the tensor.
 */
export function checkTensor(t: TensorProto, where: string): void {
  const name = `${where} tensor '${t.name ?? ''}'`;
  const n = elementCount(t.dims, name);
  const type = t.dataType ?? 0;
  if (type === 8) {
    if (t.stringData.length !== n)
      throw new OnnxFormatError(`${name}: ${t.stringData.length} strings for ${n} elements`);
    return;
  }
  const size = bytesPerElement(type);
  if (size === undefined) return; // exotic types (complex, float8...) are carried along untouched
  if (t.dataLocation === 1) throw new OnnxFormatError(`${name}: external data was not resolved`);
  if (t.rawData !== undefined && t.rawData.length > 0) {
    if (t.rawData.length !== n * size) {
      throw new OnnxFormatError(
        `${name}: raw data has ${t.rawData.length} bytes, dims [${t.dims.join(', ')}] need ${n * size}`,
      );
    }
    return;
  }
  const stored = typedLength(t, type);
  if (stored !== n)
    throw new OnnxFormatError(
      `${name}: ${stored} stored values, dims [${t.dims.join(', ')}] need ${n}`,
    );
}

function typedLength(t: TensorProto, type: number): number {
  if (type === DataType.FLOAT) return t.floatData.length;
  if (type === DataType.DOUBLE) return t.doubleData.length;
  if (type === DataType.INT64) return t.int64Data.length;
  if (type === 12 || type === 13) return t.uint64Data.length;
  return t.int32Data.length;
}

/**
 * The values of a numeric tensor as float64 (int64 beyond 2^53 is rounded). Throws
 * {@link OnnxFormatError} for strings and unsupported types.
 */
export function tensorValues(t: TensorProto): Float64Array {
  const type = t.dataType ?? 0;
  const where = `tensorValues: tensor '${t.name ?? ''}'`;
  const n = elementCount(t.dims, where);
  const raw = t.rawData;
  if (raw !== undefined && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float64Array(n);
    const size = bytesPerElement(type);
    if (size === undefined || raw.length !== n * size)
      throw new OnnxFormatError(`${where}: raw data does not match type ${type} and ${n} elements`);
    for (let i = 0; i < n; i++) out[i] = readRaw(view, type, i, where);
    return out;
  }
  const source =
    type === DataType.FLOAT
      ? t.floatData
      : type === DataType.DOUBLE
        ? t.doubleData
        : type === DataType.INT64
          ? t.int64Data
          : type === 12 || type === 13
            ? t.uint64Data
            : type === 8
              ? undefined
              : t.int32Data;
  if (source === undefined)
    throw new OnnxFormatError(`${where}: string tensors have no numeric values`);
  if (type === DataType.FLOAT16) return Float64Array.from(source, halfToFloat);
  if (source.length !== n)
    throw new OnnxFormatError(`${where}: ${source.length} values for ${n} elements`);
  return Float64Array.from(source);
}

function readRaw(view: DataView, type: number, i: number, where: string): number {
  switch (type) {
    case 1:
      return view.getFloat32(i * 4, true);
    case 11:
      return view.getFloat64(i * 8, true);
    case 7:
      return Number(view.getBigInt64(i * 8, true));
    case 13:
      return Number(view.getBigUint64(i * 8, true));
    case 6:
      return view.getInt32(i * 4, true);
    case 12:
      return view.getUint32(i * 4, true);
    case 5:
      return view.getInt16(i * 2, true);
    case 4:
      return view.getUint16(i * 2, true);
    case 3:
      return view.getInt8(i);
    case 2:
    case 9:
      return view.getUint8(i);
    case 10:
      return halfToFloat(view.getUint16(i * 2, true));
    default:
      throw new OnnxFormatError(`${where}: data type ${type} is not numeric`);
  }
}

/** The value of float16 bits. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** A float32 initializer with little-endian raw data. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): TensorProto {
  const data = Float32Array.from(values);
  return emptyTensor(
    name,
    dims,
    DataType.FLOAT,
    new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  );
}

/** An int64 initializer with little-endian raw data; values beyond the int64 range clamp to INT64_MIN/MAX. */
export function int64Tensor(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): TensorProto {
  const max = 2n ** 63n - 1n;
  const data = BigInt64Array.from(Array.from(values), (v) => {
    const b = BigInt(v);
    return b > max ? max : b < -max - 1n ? -max - 1n : b;
  });
  return emptyTensor(name, dims, DataType.INT64, new Uint8Array(data.buffer));
}

/** A tensor of any type from raw little-endian bytes. */
export function rawTensor(
  name: string,
  dims: readonly number[],
  dataType: number,
  rawData: Uint8Array,
): TensorProto {
  return emptyTensor(name, dims, dataType, rawData);
}

function emptyTensor(
  name: string,
  dims: readonly number[],
  dataType: number,
  rawData: Uint8Array,
): TensorProto {
  return {
    name,
    dims: [...dims],
    dataType,
    rawData,
    floatData: [],
    int32Data: [],
    int64Data: [],
    doubleData: [],
    uint64Data: [],
    stringData: [],
    externalData: [],
  };
}

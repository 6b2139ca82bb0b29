import { OnnxFormatError } from './errors.js';
import type { DenseTensor } from './ort-run.js';
import type { TensorProto } from './proto.js';
import { elementCount } from './tensor.js';

type ArrayOf<T> = { new (n: number): T; new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number };

/** An ONNX element type the runtimes exchange as a dense typed array. */
export interface ElementType {
  /** `TensorProto.DataType` code. */
  readonly code: number;
  /** onnxruntime's name for it. */
  readonly ort: string;
  readonly array: ArrayOf<DenseTensor['data']>;
  /** Kind of values: real numbers, integers of a sign, or booleans. */
  readonly kind: 'float' | 'signed' | 'unsigned' | 'bool';
}

const TYPES: readonly ElementType[] = [
  { code: 1, ort: 'float32', array: Float32Array, kind: 'float' },
  { code: 2, ort: 'uint8', array: Uint8Array, kind: 'unsigned' },
  { code: 3, ort: 'int8', array: Int8Array, kind: 'signed' },
  { code: 4, ort: 'uint16', array: Uint16Array, kind: 'unsigned' },
  { code: 5, ort: 'int16', array: Int16Array, kind: 'signed' },
  { code: 6, ort: 'int32', array: Int32Array, kind: 'signed' },
  { code: 7, ort: 'int64', array: BigInt64Array, kind: 'signed' },
  { code: 9, ort: 'bool', array: Uint8Array, kind: 'bool' },
  { code: 10, ort: 'float16', array: Uint16Array, kind: 'float' },
  { code: 11, ort: 'float64', array: Float64Array, kind: 'float' },
  { code: 12, ort: 'uint32', array: Uint32Array, kind: 'unsigned' },
  { code: 13, ort: 'uint64', array: BigUint64Array, kind: 'unsigned' },
];

/** The element type of a `TensorProto.DataType` code, or undefined (strings, complex, float8...). */
export const elementType = (code: number): ElementType | undefined =>
  TYPES.find((t) => t.code === code);

/** The element type of an onnxruntime type name, or undefined. */
export const elementTypeNamed = (ort: string): ElementType | undefined =>
  TYPES.find((t) => t.ort === ort);

/**
 * A stored tensor (raw or typed fields, external data already resolved) as a dense tensor of its
 * own type, values exact (int64 as BigInt64Array, float16 as its bits). Throws
 * {@link OnnxFormatError} for types the runtimes do not exchange and for inconsistent data.
 */
export function denseTensor(t: TensorProto): DenseTensor {
  const where = `denseTensor: tensor '${t.name ?? ''}'`;
  const type = elementType(t.dataType ?? 0);
  if (type === undefined)
    throw new OnnxFormatError(`${where}: element type ${t.dataType ?? 0} is not supported`);
  const n = elementCount(t.dims, where);
  const out = new type.array(n);
  const raw = t.rawData;
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== n * type.array.BYTES_PER_ELEMENT)
      throw new OnnxFormatError(`${where}: raw data has ${raw.length} bytes for ${n} elements`);
    new Uint8Array(out.buffer).set(raw);
    return { dims: [...t.dims], data: out, type: type.ort };
  }
  const source =
    type.code === 1
      ? t.floatData
      : type.code === 11
        ? t.doubleData
        : type.code === 7
          ? t.int64Data
          : type.code === 13 || type.code === 12
            ? t.uint64Data
            : t.int32Data;
  if (source.length !== n)
    throw new OnnxFormatError(`${where}: ${source.length} stored values for ${n} elements`);
  for (let i = 0; i < n; i++) {
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = BigInt(source[i]);
    else out[i] = source[i];
  }
  return { dims: [...t.dims], data: out, type: type.ort };
}

import { elementType } from './element-types.js';
import type { DenseTensor } from './ort-run.js';
import type { TensorProto } from './proto.js';
import { DataType, tensorValues } from './tensor.js';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Decoded initializers, once each (the pass reads some many times). */
const decoded = new WeakMap<TensorProto, DenseTensor>();

/** An initializer's value as float64 numbers labelled with its stored type; undefined for types the pass does not read. */
export function initializerValue(t: TensorProto | undefined): DenseTensor | undefined {
  if (t === undefined) return undefined;
  const type = elementType(t.dataType ?? 1);
  if (type === undefined) return undefined;
  let v = decoded.get(t);
  if (v === undefined) {
    v = { dims: t.dims, data: tensorValues(t), type: type.ort };
    decoded.set(t, v);
  }
  return v;
}

/**
 * A float32 initializer stored as raw bytes, as a Float32Array: a view of the bytes where they
 * are 4-byte aligned, else one float32 copy. Undefined for other tensors.
 */
export function float32View(t: TensorProto): Float32Array | undefined {
  const raw = t.rawData;
  if ((t.dataType ?? 1) !== DataType.FLOAT || raw === undefined || !LITTLE_ENDIAN) return undefined;
  const n = t.dims.reduce((a, d) => a * d, 1);
  if (raw.byteLength !== 4 * n) return undefined;
  if (raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, n);
  const copy = new Uint8Array(raw.byteLength); // not raw.slice(): a Node Buffer's slice is a view
  copy.set(raw);
  return new Float32Array(copy.buffer);
}

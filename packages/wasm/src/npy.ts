import { ShapeError } from '@reparam/core';
import type { GraphTensor } from './graph/wasm-graph.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Element types read from `.npy` files (converted to float32). */
const READERS: Record<
  string,
  { bytes: number; read: (v: DataView, at: number, le: boolean) => number }
> = {
  f4: { bytes: 4, read: (v, at, le) => v.getFloat32(at, le) },
  f8: { bytes: 8, read: (v, at, le) => v.getFloat64(at, le) },
  f2: { bytes: 2, read: (v, at, le) => half(v.getUint16(at, le)) },
  i1: { bytes: 1, read: (v, at) => v.getInt8(at) },
  u1: { bytes: 1, read: (v, at) => v.getUint8(at) },
  i2: { bytes: 2, read: (v, at, le) => v.getInt16(at, le) },
  i4: { bytes: 4, read: (v, at, le) => v.getInt32(at, le) },
  i8: { bytes: 8, read: (v, at, le) => Number(v.getBigInt64(at, le)) },
};

function half(h: number): number {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const s = h & 0x8000 ? -1 : 1;
  if (e === 0) return s * 2 ** -14 * (m / 1024);
  if (e === 31) return m === 0 ? s * Infinity : NaN;
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

/**
 * Reads a NumPy `.npy` file (format 1.0-3.0, C order, float16/32/64 or integer elements) into
 * float32. Throws core's `ShapeError` naming what is wrong with the bytes.
 */
export function decodeNpy(bytes: Uint8Array): GraphTensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new ShapeError('decodeNpy: not a .npy file (the magic string \\x93NUMPY is missing)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([<>|=])([a-z]\d+)'/.exec(header);
  const order = /'fortran_order':\s*(True|False)/.exec(header);
  const dims = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (descr === null || order === null || dims === null) {
    throw new ShapeError(`decodeNpy: cannot read the header ${JSON.stringify(header.trim())}`);
  }
  const reader = READERS[descr[2]];
  if (reader === undefined) {
    throw new ShapeError(
      `decodeNpy: element type '${descr[2]}' is not supported (floats and integers are)`,
    );
  }
  if (order[1] === 'True')
    throw new ShapeError(
      'decodeNpy: Fortran-order arrays are not supported; save with np.ascontiguousarray',
    );
  const shape = dims[1]
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  if (bytes.length - offset < count * reader.bytes) {
    throw new ShapeError(
      `decodeNpy: dims [${shape.join(', ')}] need ${count * reader.bytes} bytes of data, the file has ${bytes.length - offset}`,
    );
  }
  const le = descr[1] !== '>';
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = reader.read(view, offset + i * reader.bytes, le);
  return { data, shape };
}

/** A float32 `.npy` file (format 1.0, little-endian, C order) of `tensor`. */
export function encodeNpy(tensor: GraphTensor): Uint8Array {
  const dims = tensor.shape.length === 1 ? `${tensor.shape[0]},` : tensor.shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Pad with spaces so that the data starts on a 64-byte boundary, ending in a newline.
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + tensor.data.length * 4);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const data = new DataView(out.buffer, 10 + header.length);
  tensor.data.forEach((v, i) => data.setFloat32(i * 4, v, true));
  return out;
}

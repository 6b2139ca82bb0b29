import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '@reparam/core';
import { decodeNpy, encodeNpy } from './npy.js';

/** A .npy file written out by hand: format 1.0, the header NumPy writes, then the data. */
function handMade(descr: string, shape: string, data: Uint8Array, fortran = 'False'): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  bytes.set(new TextEncoder().encode(header), 10);
  bytes.set(data, 10 + header.length);
  return bytes;
}

describe('.npy files', () => {
  it('reads float32, float64, big-endian and integer arrays written by hand', () => {
    const f32 = new Uint8Array(new Float32Array([1.5, -2, 3.25, 0, 7, 8]).buffer);
    expect(decodeNpy(handMade('<f4', '(2, 3)', f32))).toEqual({
      data: Float32Array.of(1.5, -2, 3.25, 0, 7, 8),
      shape: [2, 3],
    });
    const f64 = new Uint8Array(new Float64Array([0.5, 1e3]).buffer);
    expect(Array.from(decodeNpy(handMade('<f8', '(2,)', f64)).data)).toEqual([0.5, 1000]);
    const be = new Uint8Array([0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0]); // 1, -2 big-endian float32
    expect(Array.from(decodeNpy(handMade('>f4', '(1, 2)', be)).data)).toEqual([1, -2]);
    const i64 = new Uint8Array(new BigInt64Array([3n, -4n]).buffer);
    expect(Array.from(decodeNpy(handMade('<i8', '(2,)', i64)).data)).toEqual([3, -4]);
    const u8 = Uint8Array.of(255, 1);
    expect(Array.from(decodeNpy(handMade('|u1', '(2,)', u8)).data)).toEqual([255, 1]);
    const f16 = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1, -2 as float16
    expect(Array.from(decodeNpy(handMade('<f2', '(2,)', f16)).data)).toEqual([1, -2]);
  });

  it('round-trips any float32 tensor through encodeNpy with a 64-byte aligned header', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        fc.integer(),
        (shape, seed) => {
          const n = shape.reduce((a, b) => a * b, 1);
          const data = Float32Array.from({ length: n }, (_, i) =>
            Math.fround(Math.sin(seed + i) * 1e3),
          );
          const bytes = encodeNpy({ data, shape });
          const headerLength = bytes[8] | (bytes[9] << 8);
          expect((10 + headerLength) % 64).toBe(0);
          expect(decodeNpy(bytes)).toEqual({ data, shape });
        },
      ),
    );
  });

  it('refuses what it cannot read with a named error', () => {
    const data = new Uint8Array(8);
    expect(() => decodeNpy(Uint8Array.of(1, 2, 3))).toThrow(ShapeError);
    expect(() => decodeNpy(handMade('<c8', '(1,)', data))).toThrow(/element type 'c8'/);
    expect(() => decodeNpy(handMade('<f4', '(2,)', data, 'True'))).toThrow(/Fortran/);
    expect(() => decodeNpy(handMade('<f4', '(3,)', data))).toThrow(/need 12 bytes/);
  });
});

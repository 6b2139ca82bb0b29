import { fileURLToPath } from 'node:url';
import { IoError, UsageError } from '@reparam/onnx';
import { describe, expect, it } from 'vitest';
import { readNpyInput } from './npy-input.js';

/** Files written by numpy (fixtures/generate_npy.py); the expected values are the generator's. */
const npy = (name: string) => fileURLToPath(new URL(`../fixtures/${name}.npy`, import.meta.url));

describe('--input NAME=file.npy reads what numpy saved, as the same element type and shape', () => {
  it('uint8 image, int64, bool, float16 bits, float32, a 0-d float64', () => {
    const image = readNpyInput(`image=${npy('image_u8')}`).image;
    expect(image.type).toBe('uint8');
    expect(image.dims).toEqual([1, 3, 4, 4]);
    expect(Array.from(image.data as Uint8Array)).toEqual(
      Array.from({ length: 48 }, (_, i) => i * 5),
    );
    const shape = readNpyInput(`s=${npy('shape_i64')}`).s;
    expect(shape).toEqual({ dims: [2], data: BigInt64Array.of(2n, 24n), type: 'int64' });
    const mask = readNpyInput(`m=${npy('mask_bool')}`).m;
    expect(mask).toEqual({ dims: [4], data: Uint8Array.of(1, 0, 0, 1), type: 'bool' });
    const half = readNpyInput(`h=${npy('half_f16')}`).h;
    expect(half.type).toBe('float16');
    expect(Array.from(half.data as Uint16Array)).toEqual([0x3800, 0xc000, 0x3c00]); // 0.5, -2, 1
    const x = readNpyInput(`x=${npy('x_f32')}`).x;
    expect(x.dims).toEqual([1, 2, 3, 4]);
    expect((x.data as Float32Array)[0]).toBe(-1);
    expect((x.data as Float32Array)[23]).toBe(1);
    expect(readNpyInput(`a=${npy('scalar_f64')}`).a).toEqual({
      dims: [],
      data: Float64Array.of(2.5),
      type: 'float64',
    });
  });

  it('refuses Fortran order, big-endian data, a spec without =, and names a missing file', () => {
    expect(() => readNpyInput(`f=${npy('fortran_f32')}`)).toThrow(/Fortran order/);
    expect(() => readNpyInput(`b=${npy('big_endian_f32')}`)).toThrow(/big-endian/);
    expect(() => readNpyInput(npy('x_f32'))).toThrow(UsageError);
    expect(() => readNpyInput('x=/nonexistent/x.npy')).toThrow(IoError);
  });
});

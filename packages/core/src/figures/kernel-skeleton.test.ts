import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { kernelSkeleton } from './kernel-skeleton.js';

const k = (shape: [number, number, number, number], w: number[]) => ({
  shape,
  weight: Float32Array.from(w),
});

describe('kernelSkeleton', () => {
  it('is |W| per position over the largest position, for one kernel (hand-computed)', () => {
    const s = kernelSkeleton([k([1, 1, 3, 3], [1, 2, 3, 4, 8, 4, 0, -2, 1])]);
    expect(s.size).toEqual([3, 3]);
    expect(s.layers).toBe(1);
    expect(Array.from(s.values)).toEqual([0.125, 0.25, 0.375, 0.5, 1, 0.5, 0, 0.25, 0.125]);
  });

  it('averages over output and input channels, then over kernels (hand-computed)', () => {
    const a = k([1, 1, 3, 3], [1, 2, 3, 4, 8, 4, 0, -2, 1]);
    // channel 0 all ones, channel 1 only the centre (4): per-position mean 0.5, centre 2.5.
    const b = k([2, 1, 3, 3], [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 4, 0, 0, 0, 0]);
    const s = kernelSkeleton([a, b]);
    const expected = [0.1625, 0.225, 0.2875, 0.35, 1, 0.35, 0.1, 0.225, 0.1625];
    s.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });

  it('is scale-free per kernel: scaling one kernel does not change it', () => {
    const w = [0.3, -0.1, 0.2, 0.5, -0.9, 0.4, 0.05, 0.7, -0.6];
    const one = kernelSkeleton([k([1, 1, 3, 3], w)]).values;
    const scaled = kernelSkeleton([
      k(
        [1, 1, 3, 3],
        w.map((v) => v * 1000),
      ),
    ]).values;
    one.forEach((v, i) => expect(scaled[i]).toBeCloseTo(v, 6));
  });

  it('refuses no kernels, mixed sizes, zero kernels and wrong lengths with ShapeError', () => {
    expect(() => kernelSkeleton([])).toThrow(ShapeError);
    expect(() =>
      kernelSkeleton([k([1, 1, 3, 3], new Array<number>(9).fill(1)), k([1, 1, 1, 1], [1])]),
    ).toThrow(/kernel 1 is 1x1, kernel 0 is 3x3/);
    expect(() => kernelSkeleton([k([1, 1, 3, 3], new Array<number>(9).fill(0))])).toThrow(
      /zero everywhere/,
    );
    expect(() => kernelSkeleton([k([1, 1, 3, 3], [1, 2])])).toThrow(/2 entries for shape/);
  });
});

import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { filterNormalize, gaussianDirection } from './filter-normalize.js';

describe('filterNormalize (Li et al., 2018)', () => {
  it('rescales each filter of the direction to the norm of the weight filter (hand-computed)', () => {
    // filter 0: weight [3, 4] (norm 5), direction [1, 0] -> [5, 0];
    // filter 1: weight [0, 2] (norm 2), direction [3, 4] (norm 5) -> [1.2, 1.6];
    // filter 2: weight [0, 0] -> zeros.
    const d = filterNormalize(
      Float32Array.from([1, 0, 3, 4, 1, 1]),
      Float32Array.from([3, 4, 0, 2, 0, 0]),
      [3, 2],
    );
    expect(Array.from(d)).toEqual([5, 0, 1.2000000000000002, 1.6, 0, 0]);
  });

  it('treats all taps of an OIHW filter as one filter', () => {
    const weight = Float64Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => (i < 18 ? 1 : 2)); // norms 3√2, 6√2
    const direction = Float64Array.from({ length: 36 }, () => 1); // norm 3√2 per filter
    const d = filterNormalize(direction, weight, [2, 2, 3, 3]);
    expect(d[0]).toBeCloseTo(1, 14);
    expect(d[35]).toBeCloseTo(2, 14);
  });

  it('refuses mismatched sizes and a zero filter of the direction', () => {
    expect(() => filterNormalize(new Float32Array(3), new Float32Array(4), [2, 2])).toThrow(
      ShapeError,
    );
    expect(() =>
      filterNormalize(Float32Array.from([1, 1, 0, 0]), Float32Array.from([1, 1, 1, 1]), [2, 2]),
    ).toThrow(/filter 1 of the direction is zero/);
  });
});

describe('gaussianDirection', () => {
  it('is reproducible from its seed and has mean 0, variance 1', () => {
    const a = gaussianDirection(20001, 5);
    expect(Array.from(gaussianDirection(20001, 5))).toEqual(Array.from(a));
    expect(gaussianDirection(4, 6)[0]).not.toBe(a[0]);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const variance = a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(a.every(Number.isFinite)).toBe(true);
  });
});

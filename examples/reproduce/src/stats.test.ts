import { describe, expect, it } from 'vitest';
import { meanStd, median } from './stats.js';

describe('stats', () => {
  it('meanStd: mean and sample standard deviation (n - 1), 0 for one value', () => {
    const s = meanStd([2, 4, 4, 4, 5, 5, 7, 9]); // sum of squares about 5 is 32
    expect(s.mean).toBe(5);
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(meanStd([3])).toEqual({ mean: 3, std: 0, n: 1 });
    expect(() => meanStd([])).toThrow(RangeError);
  });

  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

import { describe, expect, it } from 'vitest';
import { Eta, formatDuration } from './eta.js';

describe('Eta', () => {
  it('adds each remaining run at its own measured rate plus the overhead, over the workers', () => {
    const eta = new Eta();
    expect(eta.secondsLeft([{ arch: 'a', method: 'conv', steps: 10 }], 1)).toBeUndefined();
    eta.recordStep('a', 'conv', 100);
    eta.recordStep('a', 'dbb', 500);
    eta.recordOverhead(4);
    eta.recordOverhead(6);
    const left = [
      { arch: 'a', method: 'conv', steps: 10 }, // 1 s + 5 s
      { arch: 'a', method: 'dbb', steps: 10 }, // 5 s + 5 s
      { arch: 'a', method: 'acb', steps: 10 }, // unknown: the arch's mean, 300 ms -> 3 s + 5 s
    ];
    expect(eta.secondsLeft(left, 1)).toBeCloseTo(24, 9);
    expect(eta.secondsLeft(left, 2)).toBeCloseTo(12, 9);
    // Nothing of arch b measured yet: the mean of all (300 ms) + overhead.
    expect(eta.secondsLeft([{ arch: 'b', method: 'conv', steps: 10 }], 1)).toBeCloseTo(8, 9);
  });

  it('formatDuration', () => {
    expect(formatDuration(12.4)).toBe('12s');
    expect(formatDuration(250)).toBe('4m 10s');
    expect(formatDuration(3900)).toBe('1h 05m');
    expect(formatDuration(undefined)).toBe('?');
  });
});

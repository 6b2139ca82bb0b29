import { describe, expect, it } from 'vitest';
import { ShapeError } from './errors.js';
import { evaluate } from './evaluate.js';
import { avgPool, concat, identity, pad, scale, sum } from './expr.js';
import { tensor } from './tensor.js';

const x = tensor([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);

describe('evaluate', () => {
  it('average pooling without padded positions in the count divides by the inside taps (known values)', () => {
    const y = evaluate(
      avgPool({ channels: 1, kernel: 2, stride: 2, padding: 1, countIncludePad: false }),
      x,
    );
    expect(Array.from(y.data)).toEqual([1, 2.5, 5.5, 7]);
    const counted = evaluate(avgPool({ channels: 1, kernel: 2, stride: 2, padding: 1 }), x);
    expect(Array.from(counted.data)).toEqual([0.25, 1.25, 2.75, 7]);
  });

  it('pads with per-channel values and crops with negative amounts', () => {
    expect(Array.from(evaluate(pad([1, 0, 0, 0], Float64Array.of(-1)), x).data)).toEqual([
      -1, -1, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(Array.from(evaluate(pad([-1, -1, 0, -1]), x).data)).toEqual([5, 8]);
  });

  it('adds and concatenates branches, and names mismatched shapes', () => {
    expect(Array.from(evaluate(sum(identity(1), scale(Float64Array.of(2))), x).data)).toEqual([
      3, 6, 9, 12, 15, 18, 21, 24, 27,
    ]);
    expect(evaluate(concat(identity(1), identity(1)), x).shape).toEqual([1, 2, 3, 3]);
    expect(() => evaluate(sum(identity(1), pad(1)), x)).toThrow(ShapeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2dReference } from '../conv2d-reference.js';
import { ShapeError } from '../errors.js';
import { divisors, inputArb } from '../testing/index.js';
import { identityConv } from './identity-conv.js';

describe('identityConv', () => {
  it('returns its input for any channels, odd kernel size and groups', () => {
    const caseArb = fc
      .record({ c: fc.integer({ min: 1, max: 8 }), k: fc.constantFrom(1, 3, 5, 7) })
      .chain(({ c, k }) =>
        fc.tuple(fc.constant(c), fc.constant(k), fc.constantFrom(...divisors(c)), inputArb(c)),
      );
    fc.assert(
      fc.property(caseArb, ([c, k, g, x]) => {
        const y = conv2dReference(x, identityConv(c, k, g));
        expect(y.shape).toEqual(x.shape);
        expect(Array.from(y.data)).toEqual(Array.from(x.data));
      }),
      { seed: 51, numRuns: 60 },
    );
  });

  it('puts its ones at [i, i mod (C/g), centre] (known values)', () => {
    const id = identityConv(4, 3, 2);
    expect(id.shape).toEqual([4, 2, 3, 3]);
    const ones = [...id.weight.keys()].filter((i) => id.weight[i] === 1);
    // [o, i mod 2, 1, 1] -> ((o * 2 + o % 2) * 9 + 4)
    expect(ones).toEqual([0, 1, 2, 3].map((o) => (o * 2 + (o % 2)) * 9 + 4));
  });

  it('refuses even kernels and groups that do not divide the channels', () => {
    expect(() => identityConv(4, 2)).toThrow(ShapeError);
    expect(() => identityConv(6, 3, 4)).toThrow(/groups 4 must divide channels 6/);
  });
});

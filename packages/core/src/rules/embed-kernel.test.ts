import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeConv } from '../conv.js';
import { conv2dReference } from '../conv2d-reference.js';
import { ShapeError } from '../errors.js';
import { convArb, expectClose, inputArb, specArb } from '../testing/index.js';
import { embedKernel } from './embed-kernel.js';

describe('embedKernel', () => {
  it('a kernel centred in a larger one, padding grown to match, computes the same function', () => {
    const caseArb = specArb.chain((spec) =>
      fc.tuple(
        convArb(spec),
        inputArb(spec.cin),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
      ),
    );
    fc.assert(
      fc.property(caseArb, ([c, x, gh, gw]) => {
        const big = embedKernel(c, [c.shape[2] + 2 * gh, c.shape[3] + 2 * gw]);
        expectClose(conv2dReference(x, big), conv2dReference(x, c), 1e-13);
      }),
      { seed: 41, numRuns: 120 },
    );
  });

  it('places a 1x3 kernel in the middle row of a 3x3 (known values)', () => {
    const c = makeConv({ shape: [1, 1, 1, 3], weight: [1, 2, 3], padding: [0, 1, 0, 1] });
    const big = embedKernel(c, [3, 3]);
    expect(Array.from(big.weight)).toEqual([0, 0, 0, 1, 2, 3, 0, 0, 0]);
    expect(big.geometry.padding).toEqual([1, 1, 1, 1]);
  });

  it('refuses a target that cannot centre the kernel', () => {
    const c = makeConv({ shape: [1, 1, 3, 3], weight: new Float64Array(9) });
    expect(() => embedKernel(c, [4, 3])).toThrow(ShapeError);
    expect(() => embedKernel(c, [1, 1])).toThrow(/cannot centre/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2dReference } from '../conv2d-reference.js';
import { NotEquivalentError } from '../errors.js';
import { evaluate } from '../evaluate.js';
import { avgPool } from '../expr.js';
import { expectClose, inputArb, relativeDifference } from '../testing/index.js';
import { avgPoolAsConv } from './avg-pool-conv.js';

const poolArb = fc.record({
  channels: fc.integer({ min: 1, max: 6 }),
  kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
  stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  padding: fc.tuple(fc.nat(1), fc.nat(1), fc.nat(1), fc.nat(1)),
});

describe('avgPoolAsConv', () => {
  it('average pooling counting padded positions is a depthwise conv of 1/(kh*kw)', () => {
    fc.assert(
      fc.property(
        poolArb.chain((p) => fc.tuple(fc.constant(p), inputArb(p.channels))),
        ([p, x]) => {
          const options = { ...p, countIncludePad: true };
          expectClose(
            conv2dReference(x, avgPoolAsConv(options)),
            evaluate(avgPool(options), x),
            1e-13,
          );
        },
      ),
      { seed: 71, numRuns: 80 },
    );
  });

  it('refuses padding excluded from the count, and the refusal is warranted', () => {
    // The first window reads a padded row and a real one: its divisor is what differs.
    const padded = poolArb.filter((p) => p.padding[0] > 0 && p.kernel[0] > 1);
    fc.assert(
      fc.property(
        padded.chain((p) => fc.tuple(fc.constant(p), inputArb(p.channels))),
        ([p, x]) => {
          const options = { ...p, countIncludePad: false };
          expect(() => avgPoolAsConv(options)).toThrow(NotEquivalentError);
          // The conv a merge would give (every tap 1/(kh*kw)) differs from the real pooling at borders.
          const candidate = avgPoolAsConv({ ...options, countIncludePad: true });
          const real = evaluate(avgPool(options), x);
          expect(relativeDifference(conv2dReference(x, candidate), real)).toBeGreaterThan(1e-6);
        },
      ),
      { seed: 72, numRuns: 60 },
    );
  });
});

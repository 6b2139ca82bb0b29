import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse } from './collapse.js';
import { makeConv } from './conv.js';
import { conv2dReference } from './conv2d-reference.js';
import { NotEquivalentError } from './errors.js';
import { evaluate } from './evaluate.js';
import { conv, sequence, sum } from './expr.js';
import { expectClose, randomBatchNorm, seedArb, values } from './testing/index.js';
import { randomTensor } from './tensor.js';

/** A stride-2 3x3 padded only after (TensorFlow's SAME at even sizes) beside a stride-2 1x1. */
function sameAtEvenSizes(c: number, seed: number) {
  const k3 = makeConv({
    shape: [c, c, 3, 3],
    weight: values(9 * c * c, seed),
    stride: 2,
    padding: [0, 0, 1, 1],
  });
  const k1 = makeConv({ shape: [c, c, 1, 1], weight: values(c * c, seed + 1), stride: 2 });
  return sum(
    sequence(conv(k3), { kind: 'batchNorm', batchNorm: randomBatchNorm(c, seed + 2) }),
    conv(k1),
  );
}

describe('collapse at a known input size', () => {
  it('merges branches whose outputs agree at that size, exactly there', () => {
    const caseArb = fc.record({
      c: fc.integer({ min: 1, max: 5 }),
      h: fc.integer({ min: 3, max: 8 }),
      w: fc.integer({ min: 3, max: 8 }),
      seed: seedArb,
    });
    fc.assert(
      fc.property(caseArb, ({ c, h, w, seed }) => {
        const expr = sameAtEvenSizes(c, seed);
        const [hh, ww] = [2 * h, 2 * w];
        const x = randomTensor([1, c, hh, ww], seed + 3);
        const merged = collapse(expr, { precision: 'float64', inputSize: [hh, ww] });
        expectClose(conv2dReference(x, merged), evaluate(expr, x), 1e-12);
      }),
      { seed: 131, numRuns: 40 },
    );
  });

  it('refuses the same branches without a size, or at a size where their outputs differ', () => {
    const expr = sameAtEvenSizes(2, 1);
    expect(() => collapse(expr)).toThrow(NotEquivalentError);
    expect(() => collapse(expr, { inputSize: [7, 8] })).toThrow(/at input length 7/);
    // Warranted: at height 7 the two branches' outputs have different heights.
    const x = randomTensor([1, 2, 7, 8], 2);
    expect(() => evaluate(expr, x)).toThrow(/sum terms have shapes/);
  });
});

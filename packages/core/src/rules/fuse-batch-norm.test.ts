import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeConv } from '../conv.js';
import { conv2dReference } from '../conv2d-reference.js';
import { ShapeError } from '../errors.js';
import { evaluate } from '../evaluate.js';
import { batchNorm, conv, sequence } from '../expr.js';
import {
  convArb,
  expectClose,
  inputArb,
  randomBatchNorm,
  seedArb,
  specArb,
  values,
} from '../testing/index.js';
import { batchNormAsConv, foldBatchNorm } from './fuse-batch-norm.js';

describe('foldBatchNorm', () => {
  it('conv then batch-norm behaves as the folded conv, for any geometry, with or without bias', () => {
    const caseArb = specArb.chain((spec) => fc.tuple(convArb(spec), inputArb(spec.cin), seedArb));
    fc.assert(
      fc.property(caseArb, ([c, x, seed]) => {
        const bn = randomBatchNorm(c.shape[0], seed);
        expectClose(
          conv2dReference(x, foldBatchNorm(c, bn)),
          evaluate(sequence(conv(c), batchNorm(bn)), x),
          1e-12,
        );
      }),
      { seed: 21, numRuns: 100 },
    );
  });

  it('computes the paper formula on known values', () => {
    // t = gamma / sqrt(var + eps) = 2 / sqrt(3 + 1) = 1; b' = (b - mean) * t + beta = (1 - 4) + 5 = 2.
    const c = makeConv({ shape: [1, 1, 1, 2], weight: [3, -1], bias: [1] });
    const bn = { gamma: [2], beta: [5], mean: [4], variance: [3], epsilon: 1 };
    const f = foldBatchNorm(c, {
      ...bn,
      gamma: Float64Array.from(bn.gamma),
      beta: Float64Array.from(bn.beta),
      mean: Float64Array.from(bn.mean),
      variance: Float64Array.from(bn.variance),
    });
    expect(Array.from(f.weight)).toEqual([3, -1]);
    expect(Array.from(f.bias)).toEqual([2]);
  });

  it('batchNormAsConv is a depthwise 1x1 that computes the batch-norm', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), seedArb, (c, seed) => {
        const bn = randomBatchNorm(c, seed);
        const asConv = batchNormAsConv(bn);
        expect(asConv.geometry.groups).toBe(c);
        const x = { shape: [1, c, 4, 3] as const, data: values(12 * c, seed) };
        expectClose(conv2dReference(x, asConv), evaluate(batchNorm(bn), x), 1e-12);
      }),
      { seed: 22, numRuns: 40 },
    );
  });

  it('refuses a batch-norm whose channels differ from the conv outputs', () => {
    const c = makeConv({ shape: [4, 2, 3, 3], weight: values(72, 1) });
    expect(() => foldBatchNorm(c, randomBatchNorm(3, 1))).toThrow(ShapeError);
    expect(() => foldBatchNorm(c, randomBatchNorm(3, 1))).toThrow(
      /3 channels, the conv has 4 output channels/,
    );
  });
});

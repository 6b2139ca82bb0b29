import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse } from './collapse.js';
import { conv2dReference } from './conv2d-reference.js';
import { evaluate } from './evaluate.js';
import { NotEquivalentError, ShapeError } from './errors.js';
import { batchNorm, pad, sequence } from './expr.js';
import {
  expectClose,
  exprArb,
  inputArb,
  randomBatchNorm,
  specArb,
  values,
} from './testing/index.js';
import { randomTensor } from './tensor.js';
import {
  UNIVERSAL_LAW_RUNS,
  UNIVERSAL_LAW_SEED,
  universalCaseArb,
} from './testing/universal-law.js';

const settings = { seed: UNIVERSAL_LAW_SEED, numRuns: UNIVERSAL_LAW_RUNS };

describe('collapse', () => {
  it('collapse(e) computes what evaluating e branch by branch computes (float64, <= 1e-10 relative)', () => {
    fc.assert(
      fc.property(universalCaseArb, ([node, x]) => {
        const merged = collapse(node.expr, { precision: 'float64', inChannels: node.spec.cin });
        expect(merged.weight).toBeInstanceOf(Float64Array);
        expect(merged.geometry.padding.every((p) => p >= 0)).toBe(true);
        expectClose(conv2dReference(x, merged), evaluate(node.expr, x), 1e-10);
      }),
      settings,
    );
  });

  it('the float32 result stays within 1e-5 x max|y| of the float64 evaluation', () => {
    const caseArb = specArb.chain((spec) => fc.tuple(exprArb(spec, 2), inputArb(spec.cin)));
    fc.assert(
      fc.property(caseArb, ([node, x]) => {
        const merged = collapse(node.expr, { inChannels: node.spec.cin });
        expect(merged.weight).toBeInstanceOf(Float32Array);
        expectClose(conv2dReference(x, merged), evaluate(node.expr, x), 1e-5);
      }),
      { ...settings, numRuns: 150 },
    );
  });

  it('refuses a block that pads its input with non-zero values, which no plain conv does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (c, seed) => {
          const fill = values(c, seed, 0.1, 1);
          const e = sequence(pad(1, fill), batchNorm(randomBatchNorm(c, seed)));
          expect(() => collapse(e)).toThrow(NotEquivalentError);
          // Warranted: the border of the real output is not what a zero-padded conv gives.
          const x = randomTensor([1, c, 5, 5], seed);
          const zeroPadded = sequence(pad(1), batchNorm(randomBatchNorm(c, seed)));
          expect(evaluate(e, x).data).not.toEqual(evaluate(zeroPadded, x).data);
        },
      ),
      { seed: 7, numRuns: 30 },
    );
  });

  it('names channel mismatches inside a block', () => {
    const e = sequence(batchNorm(randomBatchNorm(3, 1)), batchNorm(randomBatchNorm(4, 2)));
    expect(() => collapse(e)).toThrow(ShapeError);
    expect(() => collapse(e)).toThrow(/4 channels, its input has 3/);
  });

  it('asks for channels when the expression never says how many it reads', () => {
    expect(() => collapse(pad(1))).toThrow(/does not say how many channels/);
  });
});

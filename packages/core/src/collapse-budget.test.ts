import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse } from './collapse.js';
import { makeConv } from './conv.js';
import { BudgetError } from './errors.js';
import { conv, sequence } from './expr.js';
import { dbb } from './recipes/dbb.js';
import { repvgg } from './recipes/repvgg.js';
import { convBnWeights, values } from './testing/index.js';
import { universalCaseArb } from './testing/universal-law.js';

/** Issue 13's hostile block: a 3x3 conv dilated and padded by 3000, then a 3x3 conv. */
function dilatedPair(c: number) {
  const wide = makeConv({
    shape: [c, c, 3, 3],
    weight: values(9 * c * c, 1),
    dilation: 3000,
    padding: 3000,
  });
  const next = makeConv({ shape: [c, c, 3, 3], weight: values(9 * c * c, 2) });
  return sequence(conv(wide), conv(next));
}

const caught = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
};

describe('collapse checks sizes and costs on shapes before allocating', () => {
  it('refuses the 6003x6003 kernel of a dilated 3x3 then a 3x3 under the default budget, naming the merge and the bytes', () => {
    // 16 x 16 x 6003 x 6003 float64 values do not even fit one typed array: building them
    // would throw RangeError, so a BudgetError shows nothing was allocated first.
    const e = caught(() => collapse(dilatedPair(16)));
    expect(e).toBeInstanceOf(BudgetError);
    const err = e as BudgetError;
    expect(err.merge).toBe('expr.stages[1]');
    expect(err.unit).toBe('bytes');
    // Operands twice (their float64 copy and the product's packing) and the result, in float64.
    const operands = 2 * (16 * 16 * 9) * 2;
    expect(err.needed).toBe(8 * (operands + 16 * 16 * 6003 * 6003));
    expect(err.limit).toBe(2 ** 31);
    expect(err.message).toMatch(
      /expr\.stages\[1\] would allocate .* MiB \(a \[16, 16, 6003, 6003\] kernel/,
    );
  });

  it('maxBytes is the threshold: a RepVGG block collapses with exactly the bytes of its result, and not with one less', () => {
    const c = 8;
    const block = repvgg({
      inChannels: c,
      outChannels: c,
      dense: convBnWeights(9 * c * c, c, 1),
      pointwise: convBnWeights(c * c, c, 2),
      identity: convBnWeights(0, c, 3).batchNorm,
    });
    const result = 4 * 9 * c * c; // float32 [8, 8, 3, 3]; sums and folds allocate no weights
    expect(collapse(block, { maxBytes: result }).shape).toEqual([c, c, 3, 3]);
    const e = caught(() => collapse(block, { maxBytes: result - 1 })) as BudgetError;
    expect(e).toBeInstanceOf(BudgetError);
    expect(e.merge).toBe('the result');
    expect(e.needed).toBe(result);
  });

  it('a DBB block needs the float64 bytes of its 1x1 -> KxK composition', () => {
    const c = 4;
    const block = dbb({
      inChannels: c,
      outChannels: c,
      kernelSize: 3,
      origin: convBnWeights(9 * c * c, c, 1),
      kxk: { pointwise: convBnWeights(c * c, c, 2), kxk: convBnWeights(9 * c * c, c, 3) },
    });
    // kxk branch: [1x1 + BN] -> pad (a [c, c, 1, 1] composite), then with [3x3 + BN]: operands
    // [c, c, 1, 1] and [c, c, 3, 3] twice, result [c, c, 3, 3].
    const compose = 8 * (2 * c * c + 2 * 9 * c * c + 9 * c * c);
    expect(collapse(block, { maxBytes: compose }).shape).toEqual([c, c, 3, 3]);
    const e = caught(() => collapse(block, { maxBytes: compose - 1 })) as BudgetError;
    expect(e.merge).toBe('expr.terms[1].stages[2]');
  });

  it('the cost rule: a 3x3 then a 3x3 (18 C^2 multiply-adds per position) is one 5x5 (25 C^2)', () => {
    const c = 3;
    const e = sequence(
      conv(makeConv({ shape: [c, c, 3, 3], weight: values(9 * c * c, 4) })),
      conv(makeConv({ shape: [c, c, 3, 3], weight: values(9 * c * c, 5) })),
    );
    const err = caught(() => collapse(e, { maxCostRatio: 1 })) as BudgetError;
    expect(err).toBeInstanceOf(BudgetError);
    expect(err.unit).toBe('multiply-adds');
    expect(err.needed).toBe(25 * c * c);
    expect(err.limit).toBe(18 * c * c);
    expect(collapse(e, { maxCostRatio: 25 / 18 }).shape).toEqual([c, c, 5, 5]);
    expect(
      caught(() => collapse(dilatedPair(4), { maxCostRatio: 1, maxBytes: Infinity })),
    ).toBeInstanceOf(BudgetError);
  });

  it('without limits, the budget checks never refuse an exact expression', () => {
    fc.assert(
      fc.property(universalCaseArb, ([node]) => {
        collapse(node.expr, {
          inChannels: node.spec.cin,
          maxBytes: Infinity,
          maxCostRatio: Infinity,
        });
      }),
      { seed: 11, numRuns: 100 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse } from '../collapse.js';
import { conv2dReference } from '../conv2d-reference.js';
import { NotEquivalentError } from '../errors.js';
import { evaluate } from '../evaluate.js';
import { concat, conv } from '../expr.js';
import { makeConv } from '../conv.js';
import { convArb, expectClose, inputArb, specArb, values } from '../testing/index.js';
import { concatConvs } from './concat-convs.js';

describe('concatConvs', () => {
  it('the stacked conv outputs the concatenation of the parts', () => {
    const caseArb = specArb.chain((spec) =>
      fc.tuple(convArb(spec), convArb({ ...spec, cout: 1 + (spec.cout % 3) }), inputArb(spec.cin)),
    );
    fc.assert(
      fc.property(caseArb, ([a, b, x]) => {
        expectClose(
          conv2dReference(x, concatConvs([a, b])),
          evaluate(concat(conv(a), conv(b)), x),
          1e-12,
        );
      }),
      { seed: 91, numRuns: 100 },
    );
  });

  it('concat of collapses = collapse of concat', () => {
    const caseArb = specArb.chain((spec) =>
      fc.tuple(convArb(spec), convArb(spec), inputArb(spec.cin)),
    );
    fc.assert(
      fc.property(caseArb, ([a, b, x]) => {
        const viaRule = concatConvs([
          collapse(conv(a), { precision: 'float64' }),
          collapse(conv(b), { precision: 'float64' }),
        ]);
        const viaCollapse = collapse(concat(conv(a), conv(b)), { precision: 'float64' });
        expectClose(conv2dReference(x, viaRule), conv2dReference(x, viaCollapse), 1e-12);
      }),
      { seed: 92, numRuns: 60 },
    );
  });

  it('refuses parts whose outputs differ in size', () => {
    const a = makeConv({ shape: [1, 1, 3, 3], weight: values(9, 1), padding: 1 });
    const b = makeConv({ shape: [1, 1, 3, 3], weight: values(9, 2) });
    expect(() => concatConvs([a, b])).toThrow(NotEquivalentError);
  });
});

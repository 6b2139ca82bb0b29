import fc from 'fast-check';
import { describe, it } from 'vitest';
import { conv2dReference } from '../conv2d-reference.js';
import { convArb, expectClose, inputArb, seedArb, specArb, values } from '../testing/index.js';
import { scaleConv } from './scale-conv.js';

describe('scaleConv', () => {
  it('homogeneity: x*(pK) = p(x*K), per output channel', () => {
    const caseArb = specArb.chain((spec) => fc.tuple(convArb(spec), inputArb(spec.cin), seedArb));
    fc.assert(
      fc.property(caseArb, ([c, x, seed]) => {
        const p = values(c.shape[0], seed, -2, 2);
        const y = conv2dReference(x, c);
        const hw = y.shape[2] * y.shape[3];
        const expected = y.data.map((v, i) => v * p[Math.floor(i / hw) % c.shape[0]]);
        expectClose(conv2dReference(x, scaleConv(c, p)).data, expected, 1e-13);
      }),
      { seed: 61, numRuns: 80 },
    );
  });
});

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { randomTensor } from '../tensor.js';
import type { Tensor } from '../types.js';
import { blockCaseArb, convBnWeights, direct, expectMatchesDefinition } from '../testing/index.js';
import { acb } from './acb.js';

describe('acb', () => {
  it('collapses to BN(KxK(x)) + BN(1xK(x)) + BN(Kx1(x)), thin windows centred, crop when padding < K/2', () => {
    const caseArb = fc
      .tuple(blockCaseArb, fc.constantFrom(3, 5), fc.nat(2))
      .filter(([, k, p]) => p <= k >> 1);
    fc.assert(
      fc.property(caseArb, ([{ cin, cout, stride, groups, seed }, k, p]) => {
        const ipg = cin / groups;
        const square = convBnWeights(cout * ipg * k * k, cout, seed);
        const horizontal = convBnWeights(cout * ipg * k, cout, seed + 1, { bias: true });
        const vertical = convBnWeights(cout * ipg * k, cout, seed + 2);
        const block = acb({
          inChannels: cin,
          outChannels: cout,
          kernelSize: k,
          stride,
          padding: p,
          groups,
          square,
          horizontal,
          vertical,
        });
        // ACNet: the 1xK kernel slides over the rows the KxK kernel's centre row reads, so along
        // its 1-tap axis it is padded by p - K/2; below zero, ACNet's crop layer removes rows.
        const shift = p - (k >> 1);
        const cropRows = (x: Tensor) => (shift < 0 ? direct.pad(x, [shift, 0, shift, 0]) : x);
        const cropCols = (x: Tensor) => (shift < 0 ? direct.pad(x, [0, shift, 0, shift]) : x);
        const thin = Math.max(shift, 0);
        expectMatchesDefinition(
          block,
          (x) =>
            direct.add(
              direct.convBn(x, square, [cout, ipg, k, k], { stride, padding: p, groups }),
              direct.convBn(cropRows(x), horizontal, [cout, ipg, 1, k], {
                stride,
                padding: [thin, p, thin, p],
                groups,
              }),
              direct.convBn(cropCols(x), vertical, [cout, ipg, k, 1], {
                stride,
                padding: [p, thin, p, thin],
                groups,
              }),
            ),
          randomTensor([2, cin, 9, 10], seed + 3),
        );
      }),
      { seed: 102, numRuns: 50 },
    );
  });
});

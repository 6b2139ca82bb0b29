import fc from 'fast-check';
import { describe, it } from 'vitest';
import { batchNorm, sequence } from '../expr.js';
import { randomTensor } from '../tensor.js';
import type { Tensor } from '../types.js';
import {
  blockCaseArb,
  convBnWeights,
  direct,
  expectMatchesDefinition,
  randomBatchNorm,
  values,
} from '../testing/index.js';
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

  it("OREPA's linearized ACB: per-channel scales in place of the batch-norms, one batch-norm after the sum", () => {
    fc.assert(
      fc.property(blockCaseArb, fc.constantFrom(3, 5), ({ cin, cout, stride, groups, seed }, k) => {
        const ipg = cin / groups;
        const branch = (size: number, s: number) => ({
          weight: values(size, s),
          scale: values(cout, s + 1),
        });
        const square = branch(cout * ipg * k * k, seed);
        const horizontal = branch(cout * ipg * k, seed + 2);
        const vertical = branch(cout * ipg * k, seed + 4);
        const post = randomBatchNorm(cout, seed + 6);
        const block = sequence(
          acb({
            inChannels: cin,
            outChannels: cout,
            kernelSize: k,
            stride,
            groups,
            square,
            horizontal,
            vertical,
          }),
          batchNorm(post),
        );
        const p = k >> 1;
        expectMatchesDefinition(
          block,
          (x) =>
            direct.batchNorm(
              direct.add(
                direct.scale(
                  direct.conv(x, square.weight, [cout, ipg, k, k], { stride, padding: p, groups }),
                  square.scale,
                ),
                direct.scale(
                  direct.conv(x, horizontal.weight, [cout, ipg, 1, k], {
                    stride,
                    padding: [0, p, 0, p],
                    groups,
                  }),
                  horizontal.scale,
                ),
                direct.scale(
                  direct.conv(x, vertical.weight, [cout, ipg, k, 1], {
                    stride,
                    padding: [p, 0, p, 0],
                    groups,
                  }),
                  vertical.scale,
                ),
              ),
              post,
            ),
          randomTensor([2, cin, 9, 10], seed + 7),
        );
      }),
      { seed: 108, numRuns: 30 },
    );
  });
});

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { randomTensor } from '../tensor.js';
import {
  blockCaseArb,
  convBnWeights,
  direct,
  expectMatchesDefinition,
  randomBatchNorm,
} from '../testing/index.js';
import { mobileone } from './mobileone.js';

describe('mobileone', () => {
  it('collapses to sum_k BN(KxK_k(x)) + BN(1x1(x)) + BN(x), dense, grouped and depthwise', () => {
    fc.assert(
      fc.property(blockCaseArb, fc.integer({ min: 1, max: 4 }), (shape, count) => {
        const { cin, cout, stride, groups, seed } = shape;
        const ipg = cin / groups;
        const branches = Array.from({ length: count }, (_, i) =>
          convBnWeights(cout * ipg * 9, cout, seed + i),
        );
        const scale = convBnWeights(cout * ipg, cout, seed + 10);
        const skip = cin === cout && stride === 1 ? randomBatchNorm(cin, seed + 11) : undefined;
        const block = mobileone({
          inChannels: cin,
          outChannels: cout,
          kernelSize: 3,
          stride,
          groups,
          branches,
          scale,
          skip,
        });
        expectMatchesDefinition(
          block,
          (x) =>
            direct.add(
              ...branches.map((b) =>
                direct.convBn(x, b, [cout, ipg, 3, 3], { stride, padding: 1, groups }),
              ),
              direct.convBn(x, scale, [cout, ipg, 1, 1], { stride, groups }),
              ...(skip ? [direct.batchNorm(x, skip)] : []),
            ),
          randomTensor([2, cin, 9, 10], seed + 12),
        );
      }),
      { seed: 105, numRuns: 40 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { randomTensor } from '../tensor.js';
import {
  blockCaseArb,
  convBnWeights,
  direct,
  expectMatchesDefinition,
  randomBatchNorm,
} from '../testing/index.js';
import { repvgg } from './repvgg.js';

describe('repvgg', () => {
  it('collapses to BN(3x3(x)) + BN(1x1(x)) + BN(x), the paper definition, any stride and groups', () => {
    fc.assert(
      fc.property(blockCaseArb, ({ cin, cout, stride, groups, seed }) => {
        const ipg = cin / groups;
        const dense = convBnWeights(cout * ipg * 9, cout, seed);
        const pointwise = convBnWeights(cout * ipg, cout, seed + 1);
        const identity = cin === cout && stride === 1 ? randomBatchNorm(cin, seed + 2) : undefined;
        const block = repvgg({
          inChannels: cin,
          outChannels: cout,
          stride,
          groups,
          dense,
          pointwise,
          identity,
        });
        expectMatchesDefinition(
          block,
          (x) =>
            direct.add(
              direct.convBn(x, dense, [cout, ipg, 3, 3], { stride, padding: 1, groups }),
              direct.convBn(x, pointwise, [cout, ipg, 1, 1], { stride, groups }),
              ...(identity ? [direct.batchNorm(x, identity)] : []),
            ),
          randomTensor([2, cin, 9, 10], seed + 3),
        );
      }),
      { seed: 101, numRuns: 50 },
    );
  });

  it('refuses an identity branch on a stride-2 block', () => {
    expect(() =>
      repvgg({
        inChannels: 2,
        outChannels: 2,
        stride: 2,
        dense: convBnWeights(36, 2, 1),
        identity: randomBatchNorm(2, 2),
      }),
    ).toThrow(ShapeError);
  });
});

import fc from 'fast-check';
import { describe, it } from 'vitest';
import { randomTensor } from '../tensor.js';
import { convBnWeights, direct, expectMatchesDefinition, seedArb } from '../testing/index.js';
import { largeKernel } from './large-kernel.js';

describe('largeKernel', () => {
  it('collapses to BN(KxK(x)) + BN(kxk(x)), both padded to keep the size (RepLKNet), depthwise', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(7, 9),
        fc.constantFrom(3, 5),
        fc.constantFrom(1, 2),
        seedArb,
        (c, k, s, stride, seed) => {
          const large = convBnWeights(c * k * k, c, seed);
          const small = convBnWeights(c * s * s, c, seed + 1, { bias: true });
          const block = largeKernel({
            inChannels: c,
            outChannels: c,
            kernelSize: k,
            smallKernelSize: s,
            stride,
            groups: c,
            large,
            small,
          });
          expectMatchesDefinition(
            block,
            (x) =>
              direct.add(
                direct.convBn(x, large, [c, 1, k, k], { stride, padding: k >> 1, groups: c }),
                direct.convBn(x, small, [c, 1, s, s], { stride, padding: s >> 1, groups: c }),
              ),
            randomTensor([1, c, 12, 11], seed + 2),
          );
        },
      ),
      { seed: 106, numRuns: 20 },
    );
  });
});

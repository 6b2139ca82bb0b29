import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse } from '../collapse.js';
import { conv2dReference } from '../conv2d-reference.js';
import { ShapeError } from '../errors.js';
import { randomTensor, tensor } from '../tensor.js';
import {
  blockCaseArb,
  convBnWeights,
  direct,
  expectClose,
  expectMatchesDefinition,
  randomBatchNorm,
} from '../testing/index.js';
import { qarepvgg } from './qarepvgg.js';

describe('qarepvgg', () => {
  it('collapses to BN(BN(3x3(x)) + 1x1(x) + x), the paper definition, any stride and groups', () => {
    fc.assert(
      fc.property(blockCaseArb, ({ cin, cout, stride, groups, seed }) => {
        const ipg = cin / groups;
        const dense = convBnWeights(cout * ipg * 9, cout, seed);
        const pointwise = convBnWeights(cout * ipg, cout, seed + 1, { batchNorm: false });
        const identity = cin === cout && stride === 1;
        const post = randomBatchNorm(cout, seed + 2);
        const block = qarepvgg({
          inChannels: cin,
          outChannels: cout,
          stride,
          groups,
          dense,
          pointwise,
          identity,
          batchNorm: post,
        });
        expectMatchesDefinition(
          block,
          (x) =>
            direct.batchNorm(
              direct.add(
                direct.convBn(x, dense, [cout, ipg, 3, 3], { stride, padding: 1, groups }),
                direct.conv(x, pointwise.weight, [cout, ipg, 1, 1], { stride, groups }),
                ...(identity ? [x] : []),
              ),
              post,
            ),
          randomTensor([2, cin, 9, 10], seed + 3),
        );
      }),
      { seed: 107, numRuns: 50 },
    );
  });

  it('a hand-computed example: one channel, input [2, 3]', () => {
    // dense 3x3: centre 2, left 1 -> [4, 8]; BN (z - 1) * 3 / 2 + 1 -> [5.5, 11.5];
    // 1x1 0.5 -> [1, 1.5]; identity [2, 3]; sum [8.5, 16]; post BN (u - 0.5) * 2 - 1 -> [15, 30].
    const block = qarepvgg({
      inChannels: 1,
      outChannels: 1,
      dense: {
        weight: Float64Array.of(0, 0, 0, 1, 2, 0, 0, 0, 0),
        batchNorm: {
          gamma: Float64Array.of(3),
          beta: Float64Array.of(1),
          mean: Float64Array.of(1),
          variance: Float64Array.of(4),
          epsilon: 0,
        },
      },
      pointwise: { weight: Float64Array.of(0.5) },
      identity: true,
      batchNorm: {
        gamma: Float64Array.of(2),
        beta: Float64Array.of(-1),
        mean: Float64Array.of(0.5),
        variance: Float64Array.of(1),
        epsilon: 0,
      },
    });
    const x = tensor([1, 1, 1, 2], [2, 3]);
    expectClose(
      conv2dReference(x, collapse(block, { precision: 'float64' })),
      tensor([1, 1, 1, 2], [15, 30]),
      1e-12,
    );
  });

  it('refuses an identity branch on a stride-2 or channel-changing block', () => {
    const base = {
      dense: convBnWeights(36, 2, 1),
      identity: true,
      batchNorm: randomBatchNorm(2, 2),
    };
    expect(() => qarepvgg({ inChannels: 2, outChannels: 2, stride: 2, ...base })).toThrow(
      ShapeError,
    );
    expect(() =>
      qarepvgg({ ...base, inChannels: 1, outChannels: 2, dense: convBnWeights(18, 2, 1) }),
    ).toThrow(/qarepvgg: an identity branch needs/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse } from '../collapse.js';
import { conv2dReference } from '../conv2d-reference.js';
import { NotEquivalentError } from '../errors.js';
import { evaluate } from '../evaluate.js';
import { batchNorm, pad, sequence } from '../expr.js';
import { randomTensor } from '../tensor.js';
import {
  blockCaseArb,
  convBnWeights,
  direct,
  expectMatchesDefinition,
  randomBatchNorm,
  relativeDifference,
  seedArb,
  values,
} from '../testing/index.js';
import { convBn, outputOfZero } from './conv-bn.js';
import { dbb } from './dbb.js';

describe('dbb', () => {
  // The DBB paper's branches, with the official code's border handling written as zero-padding
  // the block's input: a 1x1 stage then sees zeros at the border, so its batch-norm outputs
  // there exactly what the pad-with-bias layer writes.
  it('collapses to KxK + 1x1 + (1x1 -> avg pool) + (1x1 -> KxK), each with its batch-norms', () => {
    fc.assert(
      fc.property(
        blockCaseArb,
        fc.constantFrom(3, 5),
        fc.integer({ min: 1, max: 3 }),
        ({ cin, cout, stride, groups, seed }, k, widen) => {
          const ipg = cin / groups;
          const mid = groups * widen;
          const p = k >> 1;
          const origin = convBnWeights(cout * ipg * k * k, cout, seed);
          const pointwise = convBnWeights(cout * ipg, cout, seed + 1);
          const avgPointwise = convBnWeights(cout * ipg, cout, seed + 2, { bias: true });
          const avgNorm = randomBatchNorm(cout, seed + 3);
          const kxkPointwise = convBnWeights(mid * ipg, mid, seed + 4, { bias: true });
          const kxk = convBnWeights(cout * widen * k * k, cout, seed + 5);
          const block = dbb({
            inChannels: cin,
            outChannels: cout,
            kernelSize: k,
            stride,
            groups,
            origin,
            pointwise,
            avg: { pointwise: avgPointwise, batchNorm: avgNorm },
            kxk: { pointwise: kxkPointwise, kxk },
          });
          expectMatchesDefinition(
            block,
            (x) => {
              const padded = direct.pad(x, p);
              return direct.add(
                direct.convBn(x, origin, [cout, ipg, k, k], { stride, padding: p, groups }),
                direct.convBn(x, pointwise, [cout, ipg, 1, 1], { stride, groups }),
                direct.batchNorm(
                  direct.avgPool(
                    direct.convBn(padded, avgPointwise, [cout, ipg, 1, 1], { groups }),
                    k,
                    stride,
                  ),
                  avgNorm,
                ),
                direct.convBn(
                  direct.convBn(padded, kxkPointwise, [mid, ipg, 1, 1], { groups }),
                  kxk,
                  [cout, widen, k, k],
                  { stride, groups },
                ),
              );
            },
            randomTensor([2, cin, 9, 10], seed + 6),
          );
        },
      ),
      { seed: 103, numRuns: 40 },
    );
  });

  it('depthwise: collapses to KxK + BN(avg pool(x)) + (1x1 -> KxK)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(1, 2),
        seedArb,
        (c, stride, seed) => {
          const origin = convBnWeights(c * 9, c, seed);
          const avgNorm = randomBatchNorm(c, seed + 1);
          const kxkPointwise = convBnWeights(2 * c, 2 * c, seed + 2);
          const kxk = convBnWeights(c * 2 * 9, c, seed + 3);
          const block = dbb({
            inChannels: c,
            outChannels: c,
            kernelSize: 3,
            stride,
            groups: c,
            origin,
            avg: { batchNorm: avgNorm },
            kxk: { pointwise: kxkPointwise, kxk },
          });
          expectMatchesDefinition(
            block,
            (x) =>
              direct.add(
                direct.convBn(x, origin, [c, 1, 3, 3], { stride, padding: 1, groups: c }),
                direct.batchNorm(direct.avgPool(x, 3, stride, 1), avgNorm),
                direct.convBn(
                  direct.convBn(direct.pad(x, 1), kxkPointwise, [2 * c, 1, 1, 1], { groups: c }),
                  kxk,
                  [c, 2, 3, 3],
                  { stride, groups: c },
                ),
              ),
            randomTensor([2, c, 9, 10], seed + 4),
          );
        },
      ),
      { seed: 104, numRuns: 30 },
    );
  });

  it('a 1x1 -> KxK branch padded with zeros instead of its bias is refused, and differs', () => {
    const c = 3;
    const weights = convBnWeights(c * c, c, 2, { bias: true });
    const first = convBn('t', 'pointwise', weights, [c, c, 1, 1], {});
    const second = convBn('t', 'kxk', convBnWeights(c * c * 9, c, 3), [c, c, 3, 3], {});
    const zeroPadded = sequence(first, pad(1), second);
    const withBias = sequence(first, pad(1, outputOfZero(weights, c)), second);
    expect(() => collapse(zeroPadded)).toThrow(NotEquivalentError);
    const x = randomTensor([1, c, 6, 6], 4);
    expect(
      relativeDifference(evaluate(zeroPadded, x), conv2dReference(x, collapse(withBias))),
    ).toBeGreaterThan(1e-6);
  });

  it("OREPA's linearized DBB: plain 1x1 first stages, scales in place of the branch batch-norms, one batch-norm after the sum", () => {
    fc.assert(
      fc.property(
        blockCaseArb,
        fc.constantFrom(3, 5),
        fc.integer({ min: 1, max: 3 }),
        ({ cin, cout, stride, groups, seed }, k, widen) => {
          const ipg = cin / groups;
          const mid = groups * widen;
          const p = k >> 1;
          const scaled = (size: number, s: number) => ({
            weight: values(size, s),
            scale: values(cout, s + 1),
          });
          const origin = scaled(cout * ipg * k * k, seed);
          const pointwise = scaled(cout * ipg, seed + 2);
          const avgPointwise = { weight: values(cout * ipg, seed + 4) };
          const avgScale = values(cout, seed + 5);
          const kxkPointwise = { weight: values(mid * ipg, seed + 6) };
          const kxk = scaled(cout * widen * k * k, seed + 7);
          const post = randomBatchNorm(cout, seed + 9);
          const block = sequence(
            dbb({
              inChannels: cin,
              outChannels: cout,
              kernelSize: k,
              stride,
              groups,
              origin,
              pointwise,
              avg: { pointwise: avgPointwise, scale: avgScale },
              kxk: { pointwise: kxkPointwise, kxk },
            }),
            batchNorm(post),
          );
          // Without a bias or batch-norm, a 1x1 stage outputs 0 at a zero-padded border.
          expectMatchesDefinition(
            block,
            (x) => {
              const padded = direct.pad(x, p);
              const conv = direct.conv;
              return direct.batchNorm(
                direct.add(
                  direct.scale(
                    conv(x, origin.weight, [cout, ipg, k, k], { stride, padding: p, groups }),
                    origin.scale,
                  ),
                  direct.scale(
                    conv(x, pointwise.weight, [cout, ipg, 1, 1], { stride, groups }),
                    pointwise.scale,
                  ),
                  direct.scale(
                    direct.avgPool(
                      conv(padded, avgPointwise.weight, [cout, ipg, 1, 1], { groups }),
                      k,
                      stride,
                    ),
                    avgScale,
                  ),
                  direct.scale(
                    conv(
                      conv(padded, kxkPointwise.weight, [mid, ipg, 1, 1], { groups }),
                      kxk.weight,
                      [cout, widen, k, k],
                      { stride, groups },
                    ),
                    kxk.scale,
                  ),
                ),
                post,
              );
            },
            randomTensor([2, cin, 9, 10], seed + 10),
          );
        },
      ),
      { seed: 109, numRuns: 30 },
    );
  });
});

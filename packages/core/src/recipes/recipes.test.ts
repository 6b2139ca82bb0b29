import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collapse } from '../collapse.js';
import { conv2dReference } from '../conv2d-reference.js';
import { NotEquivalentError, ShapeError } from '../errors.js';
import { evaluate } from '../evaluate.js';
import { pad, sequence, type Expr } from '../expr.js';
import { expectClose, relativeDifference } from '../test-helpers/assertions.js';
import { divisors, randomBatchNorm, seedArb, values } from '../test-helpers/arbitraries.js';
import { randomTensor } from '../tensor.js';
import { convBn, outputOfZero, type ConvBnWeights } from './conv-bn.js';
import { acb } from './acb.js';
import { dbb } from './dbb.js';
import { largeKernel } from './large-kernel.js';
import { mobileone } from './mobileone.js';
import { repvgg } from './repvgg.js';

const branch = (size: number, channels: number, seed: number, withBias = false): ConvBnWeights => ({
  weight: values(size, seed),
  bias: withBias ? values(channels, seed + 5) : undefined,
  batchNorm: randomBatchNorm(channels, seed + 9),
});

function expectExact(
  expr: Expr,
  cin: number,
  seed: number,
  size: [number, number] = [9, 10],
): void {
  const x = randomTensor([2, cin, size[0], size[1]], seed);
  const merged = collapse(expr);
  expect(merged.geometry.padding.every((p) => p >= 0)).toBe(true);
  expectClose(
    conv2dReference(x, collapse(expr, { precision: 'float64' })),
    evaluate(expr, x),
    1e-10,
  );
  expectClose(conv2dReference(x, merged), evaluate(expr, x), 1e-5);
}

const blockArb = fc
  .record({
    cin: fc.integer({ min: 1, max: 8 }),
    cout: fc.integer({ min: 1, max: 8 }),
    stride: fc.constantFrom(1, 2),
    seed: seedArb,
  })
  .chain((r) => fc.tuple(fc.constant(r), fc.constantFrom(...divisors(gcd(r.cin, r.cout)))));

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

describe('recipes collapse exactly', () => {
  it('repvgg: 3x3-BN + 1x1-BN (+ identity-BN when shapes allow), any stride and groups', () => {
    fc.assert(
      fc.property(blockArb, ([{ cin, cout, stride, seed }, groups]) => {
        const ipg = cin / groups;
        const expr = repvgg({
          inChannels: cin,
          outChannels: cout,
          stride,
          groups,
          dense: branch(cout * ipg * 9, cout, seed),
          pointwise: branch(cout * ipg, cout, seed + 1),
          identity: cin === cout && stride === 1 ? randomBatchNorm(cin, seed + 2) : undefined,
        });
        expectExact(expr, cin, seed + 3);
      }),
      { seed: 101, numRuns: 50 },
    );
  });

  it('repvgg refuses an identity branch on a stride-2 block', () => {
    expect(() =>
      repvgg({
        inChannels: 2,
        outChannels: 2,
        stride: 2,
        dense: branch(36, 2, 1),
        identity: randomBatchNorm(2, 2),
      }),
    ).toThrow(ShapeError);
  });

  it('acb: KxK-BN + 1xK-BN + Kx1-BN, including the crop case padding < K/2', () => {
    const acbArb = fc
      .tuple(blockArb, fc.constantFrom(3, 5), fc.nat(2))
      .filter(([, k, p]) => p <= k >> 1);
    fc.assert(
      fc.property(acbArb, ([[{ cin, cout, stride, seed }, groups], k, padding]) => {
        const ipg = cin / groups;
        const expr = acb({
          inChannels: cin,
          outChannels: cout,
          kernelSize: k,
          stride,
          padding,
          groups,
          square: branch(cout * ipg * k * k, cout, seed),
          horizontal: branch(cout * ipg * k, cout, seed + 1, true),
          vertical: branch(cout * ipg * k, cout, seed + 2),
        });
        expectExact(expr, cin, seed + 3);
      }),
      { seed: 102, numRuns: 50 },
    );
  });

  it('dbb: all four branches, dense and grouped, with pad-with-bias stages', () => {
    fc.assert(
      fc.property(
        blockArb,
        fc.constantFrom(3, 5),
        fc.integer({ min: 1, max: 3 }),
        ([{ cin, cout, stride, seed }, groups], k, widen) => {
          const ipg = cin / groups;
          const internal = groups * widen;
          const expr = dbb({
            inChannels: cin,
            outChannels: cout,
            kernelSize: k,
            stride,
            groups,
            origin: branch(cout * ipg * k * k, cout, seed),
            pointwise: branch(cout * ipg, cout, seed + 1),
            avg: {
              pointwise: branch(cout * ipg, cout, seed + 2, true),
              batchNorm: randomBatchNorm(cout, seed + 3),
            },
            kxk: {
              pointwise: branch(internal * ipg, internal, seed + 4, true),
              kxk: branch(cout * widen * k * k, cout, seed + 5),
            },
          });
          expectExact(expr, cin, seed + 6);
        },
      ),
      { seed: 103, numRuns: 40 },
    );
  });

  it('dbb depthwise: origin, avg-pool (no 1x1) and 1x1 -> KxK', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(1, 2),
        seedArb,
        (c, stride, seed) => {
          const expr = dbb({
            inChannels: c,
            outChannels: c,
            kernelSize: 3,
            stride,
            groups: c,
            origin: branch(c * 9, c, seed),
            avg: { batchNorm: randomBatchNorm(c, seed + 1) },
            kxk: { pointwise: branch(2 * c, 2 * c, seed + 2), kxk: branch(c * 2 * 9, c, seed + 3) },
          });
          expectExact(expr, c, seed + 4);
        },
      ),
      { seed: 104, numRuns: 30 },
    );
  });

  it('mobileone: k KxK branches + 1x1 scale branch + skip BN, dense and depthwise', () => {
    fc.assert(
      fc.property(
        blockArb,
        fc.integer({ min: 1, max: 4 }),
        ([{ cin, cout, stride, seed }, groups], count) => {
          const ipg = cin / groups;
          const expr = mobileone({
            inChannels: cin,
            outChannels: cout,
            kernelSize: 3,
            stride,
            groups,
            branches: Array.from({ length: count }, (_, i) =>
              branch(cout * ipg * 9, cout, seed + i),
            ),
            scale: branch(cout * ipg, cout, seed + 10),
            skip: cin === cout && stride === 1 ? randomBatchNorm(cin, seed + 11) : undefined,
          });
          expectExact(expr, cin, seed + 12);
        },
      ),
      { seed: 105, numRuns: 40 },
    );
  });

  it('largeKernel: a large depthwise kernel + a small one (RepLKNet)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(7, 9),
        fc.constantFrom(3, 5),
        seedArb,
        (c, k, s, seed) => {
          const expr = largeKernel({
            inChannels: c,
            outChannels: c,
            kernelSize: k,
            smallKernelSize: s,
            groups: c,
            large: branch(c * k * k, c, seed),
            small: branch(c * s * s, c, seed + 1),
          });
          expectExact(expr, c, seed + 2, [12, 11]);
        },
      ),
      { seed: 106, numRuns: 20 },
    );
  });

  it('a DBB 1x1 -> KxK branch padded with zeros instead of its bias is refused, and differs', () => {
    const c = 3;
    const first = convBn('t', 'pointwise', branch(c * c, c, 2, true), [c, c, 1, 1], {});
    const second = convBn('t', 'kxk', branch(c * c * 9, c, 3), [c, c, 3, 3], {});
    const zeroPadded = sequence(first, pad(1), second);
    const withBias = sequence(first, pad(1, outputOfZero(branch(c * c, c, 2, true), c)), second);
    expect(() => collapse(zeroPadded)).toThrow(NotEquivalentError);
    const x = randomTensor([1, c, 6, 6], 4);
    expect(
      relativeDifference(evaluate(zeroPadded, x), conv2dReference(x, collapse(withBias))),
    ).toBeGreaterThan(1e-6);
  });
});

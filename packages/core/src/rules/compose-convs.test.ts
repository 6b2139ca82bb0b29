import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeConv } from '../conv.js';
import { conv2dReference } from '../conv2d-reference.js';
import { NotEquivalentError } from '../errors.js';
import { evaluate } from '../evaluate.js';
import { conv, pad, sequence } from '../expr.js';
import {
  convArb,
  divisors,
  expectClose,
  inputArb,
  relativeDifference,
  seedArb,
  type Spec,
  values,
} from '../testing/index.js';
import type { Conv } from '../types.js';
import { composeConvs } from './compose-convs.js';

const specsArb = fc.record({
  cin: fc.integer({ min: 1, max: 6 }),
  mid: fc.integer({ min: 1, max: 6 }),
  cout: fc.integer({ min: 1, max: 6 }),
  s1: fc.constantFrom(1, 2),
  s2: fc.constantFrom(1, 2),
  r1: fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 })),
  r2: fc.tuple(fc.integer({ min: -2, max: 0 }), fc.integer({ min: -2, max: 0 })),
});

const pairArb = specsArb.chain(({ cin, mid, cout, s1, s2, r1, r2 }) => {
  const first: Spec = { cin, cout: mid, stride: s1, reach: r1 };
  const second: Spec = { cin: mid, cout, stride: s2, reach: r2 };
  return fc.tuple(convArb(first), convArb(second, { cropOnly: true }), inputArb(cin));
});

/** A biased 1x1 conv and a padded KxK conv after it: DBB's 1x1 -> KxK branch. */
const dbbPairArb = fc
  .record({
    cin: fc.integer({ min: 1, max: 6 }),
    mid: fc.integer({ min: 1, max: 6 }),
    cout: fc.integer({ min: 1, max: 6 }),
    k: fc.constantFrom(3, 5),
    seed: seedArb,
  })
  .chain((r) =>
    fc.tuple(
      fc.constant(r),
      fc.constantFrom(...divisors(Math.min(r.mid, r.cout) === 0 ? 1 : gcdOf(r.mid, r.cout))),
      inputArb(r.cin),
    ),
  )
  .map(([{ cin, mid, cout, k, seed }, groups, x]) => {
    const first = makeConv({
      shape: [mid, cin, 1, 1],
      weight: values(mid * cin, seed),
      bias: values(mid, seed + 1),
    });
    const second = makeConv({
      shape: [cout, mid / groups, k, k],
      weight: values((cout * mid * k * k) / groups, seed + 2),
      groups,
      padding: k >> 1,
    });
    return { first, second, x };
  });

function gcdOf(a: number, b: number): number {
  return b === 0 ? a : gcdOf(b, a % b);
}

const run = (x: Parameters<typeof conv2dReference>[0], ...cs: Conv[]) =>
  cs.reduce((t, c) => conv2dReference(t, c), x);

describe('composeConvs', () => {
  it('composition: running the composite equals running both convs, for any strides, dilations and groups', () => {
    fc.assert(
      fc.property(pairArb, ([a, b, x]) => {
        expectClose(conv2dReference(x, composeConvs(a, b)), run(x, a, b), 1e-12);
      }),
      { seed: 81, numRuns: 150 },
    );
  });

  it('a 3x3 then a 3x3 at stride 1 gives a 5x5 kernel', () => {
    const a = makeConv({ shape: [2, 2, 3, 3], weight: values(36, 1) });
    const b = makeConv({ shape: [2, 2, 3, 3], weight: values(36, 2) });
    expect(composeConvs(a, b).shape).toEqual([2, 2, 5, 5]);
  });

  it('is associative', () => {
    const tripleArb = fc
      .record({ c: fc.integer({ min: 1, max: 4 }), s: fc.constantFrom(1, 2) })
      .chain(({ c, s }) => {
        const spec = (stride: number): Spec => ({ cin: c, cout: c, stride, reach: [-2, -2] });
        return fc.tuple(
          convArb(spec(s)),
          convArb(spec(1), { cropOnly: true }),
          convArb(spec(1), { cropOnly: true }),
          inputArb(c),
        );
      });
    fc.assert(
      fc.property(tripleArb, ([a, b, c, x]) => {
        const left = composeConvs(composeConvs(a, b), c);
        const right = composeConvs(a, composeConvs(b, c));
        expectClose(conv2dReference(x, left), conv2dReference(x, right), 1e-12);
      }),
      { seed: 82, numRuns: 60 },
    );
  });

  it('composes across padding filled with the first stage bias (DBB pad-with-bias)', () => {
    fc.assert(
      fc.property(dbbPairArb, ({ first, second, x }) => {
        const merged = composeConvs(first, second, { intermediateFill: first.bias });
        const p = second.geometry.padding;
        const unpadded = {
          ...second,
          geometry: { ...second.geometry, padding: [0, 0, 0, 0] as const },
        };
        const structure = sequence(conv(first), pad(p, first.bias), conv(unpadded));
        expectClose(conv2dReference(x, merged), evaluate(structure, x), 1e-12);
      }),
      { seed: 83, numRuns: 60 },
    );
  });

  it('refuses zero padding after a biased 1x1 stage, and the refusal is warranted', () => {
    fc.assert(
      fc.property(dbbPairArb, ({ first, second, x }) => {
        expect(() => composeConvs(first, second)).toThrow(NotEquivalentError);
        expect(() => composeConvs(first, second)).toThrow(/pad-with-bias/);
        // The composite a merge would build differs from running both convs at the border.
        const candidate = composeConvs(first, second, { intermediateFill: first.bias });
        expect(
          relativeDifference(conv2dReference(x, candidate), run(x, first, second)),
        ).toBeGreaterThan(1e-6);
      }),
      { seed: 84, numRuns: 40 },
    );
  });

  it('refuses a padded second stage after a first stage wider than one tap, and the refusal is warranted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), seedArb, (c, seed) => {
        const first = makeConv({ shape: [c, c, 3, 3], weight: values(9 * c * c, seed) });
        const second = makeConv({
          shape: [c, c, 3, 3],
          weight: values(9 * c * c, seed + 1),
          padding: 1,
        });
        expect(() => composeConvs(first, second)).toThrow(/first stage is 3x3/);
        // The composite of the unpadded pair, padded by the same total, differs at the border.
        const x = { shape: [1, c, 8, 8] as const, data: values(64 * c, seed + 2) };
        const unpadded = composeConvs(first, {
          ...second,
          geometry: { ...second.geometry, padding: [0, 0, 0, 0] },
        });
        const candidate = {
          ...unpadded,
          geometry: { ...unpadded.geometry, padding: [1, 1, 1, 1] as const },
        };
        expect(
          relativeDifference(conv2dReference(x, candidate), run(x, first, second)),
        ).toBeGreaterThan(1e-6);
      }),
      { seed: 85, numRuns: 30 },
    );
  });
});

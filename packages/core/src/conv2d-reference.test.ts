import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeConv } from './conv.js';
import { conv2dReference } from './conv2d-reference.js';
import { ShapeError } from './errors.js';
import { evaluate } from './evaluate.js';
import { pad } from './expr.js';
import { convArb, expectClose, inputArb, seedArb, values } from './testing/index.js';
import { tensor } from './tensor.js';

describe('conv2dReference', () => {
  it('matches a hand-computed 3x3 example with padding, stride and bias', () => {
    // x = 1..16 in a 4x4 image; kernel: centre 1, right neighbour 2; bias 0.5; stride 2, pad 1.
    const x = tensor(
      [1, 1, 4, 4],
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    const w = [0, 0, 0, 0, 1, 2, 0, 0, 0];
    const y = conv2dReference(
      x,
      makeConv({ shape: [1, 1, 3, 3], weight: w, bias: [0.5], stride: 2, padding: 1 }),
    );
    // Output (p, q) reads centre x[2p][2q] and right x[2p][2q+1].
    expect(Array.from(y.data)).toEqual([
      1 + 2 * 2 + 0.5,
      3 + 2 * 4 + 0.5,
      9 + 2 * 10 + 0.5,
      11 + 2 * 12 + 0.5,
    ]);
  });

  it('a grouped conv is the concatenation of its groups run separately', () => {
    const x = tensor([1, 4, 3, 3], values(36, 3));
    const w = values(4 * 2 * 9, 4);
    const y = conv2dReference(
      x,
      makeConv({ shape: [4, 2, 3, 3], weight: w, groups: 2, padding: 1 }),
    );
    for (const g of [0, 1]) {
      const part = tensor([1, 2, 3, 3], x.data.slice(g * 18, g * 18 + 18));
      const yg = conv2dReference(
        part,
        makeConv({ shape: [2, 2, 3, 3], weight: w.slice(g * 36, g * 36 + 36), padding: 1 }),
      );
      expect(Array.from(y.data.slice(g * 18, g * 18 + 18))).toEqual(Array.from(yg.data));
    }
  });

  it('padding equals explicitly padding the input, then an unpadded conv', () => {
    const caseArb = fc
      .record({ cin: fc.integer({ min: 1, max: 4 }), cout: fc.integer({ min: 1, max: 4 }) })
      .chain(({ cin, cout }) =>
        fc.tuple(convArb({ cin, cout, stride: 1, reach: [0, 0] }), inputArb(cin)),
      );
    fc.assert(
      fc.property(caseArb, ([c, x]) => {
        const explicit = evaluate(pad(c.geometry.padding), x);
        const unpadded = { ...c, geometry: { ...c.geometry, padding: [0, 0, 0, 0] as const } };
        expectClose(conv2dReference(x, c), conv2dReference(explicit, unpadded), 1e-12);
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('a strided conv samples the stride-1 output', () => {
    fc.assert(
      fc.property(seedArb, fc.constantFrom(2, 3), (seed, s) => {
        const x = tensor([1, 2, 9, 8], values(144, seed));
        const w = values(3 * 2 * 9, seed + 1);
        const dense = conv2dReference(x, makeConv({ shape: [3, 2, 3, 3], weight: w, padding: 1 }));
        const strided = conv2dReference(
          x,
          makeConv({ shape: [3, 2, 3, 3], weight: w, padding: 1, stride: s }),
        );
        const [, , ho, wo] = strided.shape;
        for (let o = 0; o < 3; o++)
          for (let p = 0; p < ho; p++)
            for (let q = 0; q < wo; q++)
              expect(strided.data[(o * ho + p) * wo + q]).toBe(
                dense.data[(o * 9 + p * s) * 8 + q * s],
              );
      }),
      { seed: 12, numRuns: 20 },
    );
  });

  it('a dilated kernel equals the kernel with zeros inserted between taps', () => {
    const x = tensor([1, 1, 7, 7], values(49, 5));
    const w = values(9, 6);
    const spread = new Float64Array(25);
    for (let u = 0; u < 3; u++)
      for (let v = 0; v < 3; v++) spread[u * 2 * 5 + v * 2] = w[u * 3 + v];
    const a = conv2dReference(
      x,
      makeConv({ shape: [1, 1, 3, 3], weight: w, dilation: 2, padding: 2 }),
    );
    const b = conv2dReference(x, makeConv({ shape: [1, 1, 5, 5], weight: spread, padding: 2 }));
    expectClose(a, b, 1e-14);
  });

  it('refuses inputs whose channels or size do not fit', () => {
    const c = makeConv({ shape: [2, 3, 3, 3], weight: values(54, 1) });
    expect(() => conv2dReference(tensor([1, 2, 5, 5]), c)).toThrow(ShapeError);
    expect(() => conv2dReference(tensor([1, 3, 2, 2]), c)).toThrow(/too small/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeConv } from '../conv.js';
import { conv2dReference } from '../conv2d-reference.js';
import { NotEquivalentError } from '../errors.js';
import { convArb, expectClose, inputArb, specArb, values } from '../testing/index.js';
import { tensor } from '../tensor.js';
import { addConvs } from './add-convs.js';

const add = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Float64Array.from(a, (v, i) => v + b[i]);

describe('addConvs', () => {
  it('additivity: x*K1 + x*K2 = x*(K1+K2) for branches that share their sliding windows', () => {
    const caseArb = specArb.chain((spec) =>
      fc.tuple(convArb(spec), convArb(spec), convArb(spec), inputArb(spec.cin)),
    );
    fc.assert(
      fc.property(caseArb, ([a, b, c, x]) => {
        const merged = addConvs([a, b, c]);
        const expected = add(
          add(conv2dReference(x, a).data, conv2dReference(x, b).data),
          conv2dReference(x, c).data,
        );
        expectClose(conv2dReference(x, merged).data, expected, 1e-12);
      }),
      { seed: 31, numRuns: 150 },
    );
  });

  it('is commutative: the order of the branches does not change the merged conv', () => {
    const caseArb = specArb.chain((spec) => fc.tuple(convArb(spec), convArb(spec)));
    fc.assert(
      fc.property(caseArb, ([a, b]) => {
        const ab = addConvs([a, b]);
        const ba = addConvs([b, a]);
        expect(ab.shape).toEqual(ba.shape);
        expectClose(ab.weight, ba.weight, 1e-15);
      }),
      { seed: 32, numRuns: 80 },
    );
  });

  it('merges the RepVGG 3x3 + 1x1 kernels into the 3x3 centre (known values)', () => {
    const k3 = makeConv({
      shape: [1, 1, 3, 3],
      weight: [1, 2, 3, 4, 5, 6, 7, 8, 9],
      bias: [1],
      padding: 1,
    });
    const k1 = makeConv({ shape: [1, 1, 1, 1], weight: [10], bias: [2] });
    const merged = addConvs([k3, k1]);
    expect(Array.from(merged.weight)).toEqual([1, 2, 3, 4, 15, 6, 7, 8, 9]);
    expect(Array.from(merged.bias)).toEqual([3]);
    expect(merged.geometry.padding).toEqual([1, 1, 1, 1]);
  });

  it('refuses branches whose outputs differ in size, and the refusal is warranted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (extra, seed) => {
          const a = makeConv({ shape: [2, 2, 3, 3], weight: values(36, seed), padding: 1 });
          const b = makeConv({
            shape: [2, 2, 3, 3],
            weight: values(36, seed + 1),
            padding: 1 + extra,
          });
          expect(() => addConvs([a, b])).toThrow(NotEquivalentError);
          const x = tensor([1, 2, 6, 6], values(72, seed + 2));
          expect(conv2dReference(x, a).shape).not.toEqual(conv2dReference(x, b).shape);
        },
      ),
      { seed: 33, numRuns: 20 },
    );
  });

  it('refuses branches with different strides, and the refusal is warranted', () => {
    const a = makeConv({ shape: [1, 1, 3, 3], weight: values(9, 1), padding: 1, stride: 1 });
    const b = makeConv({ shape: [1, 1, 1, 1], weight: values(1, 2), stride: 2 });
    expect(() => addConvs([a, b])).toThrow(/stride/);
    const x = tensor([1, 1, 6, 6], values(36, 3));
    expect(conv2dReference(x, a).shape).not.toEqual(conv2dReference(x, b).shape);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { randomTensor } from '../tensor.js';
import type { Tensor } from '../types.js';
import {
  convBnWeights,
  direct,
  expectMatchesDefinition,
  seedArb,
  values,
} from '../testing/index.js';
import { ECB_MASKS, ecb, type ECBEdgeWeights } from './ecb.js';

const biased = (size: number, channels: number, seed: number) =>
  convBnWeights(size, channels, seed, { bias: true, batchNorm: false });

/** The mask's response, scaled per channel, plus the bias: `s[c] * (M * y)[c] + b[c]`. */
function edgeResponse(y: Tensor, mask: readonly number[], w: ECBEdgeWeights): Tensor {
  const [, c, h, wd] = y.shape;
  const masks = Float64Array.from({ length: c * 9 }, (_, i) => mask[i % 9]);
  const r = direct.conv(y, masks, [c, 1, 3, 3], { groups: c });
  const data = r.data.map((v, i) => {
    const ch = Math.floor(i / (r.shape[2] * r.shape[3])) % c;
    return w.scale[ch] * v + w.bias[ch];
  });
  expect(r.shape).toEqual([y.shape[0], c, h - 2, wd - 2]);
  return { shape: r.shape, data };
}

describe('ecb', () => {
  it('collapses to 3x3(x) + 3x3(1x1(x)) + sum over masks of s * (M * 1x1(x)) + b (+ x)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        seedArb,
        (cin, cout, mid, seed) => {
          const dense = biased(cout * cin * 9, cout, seed);
          const expand = biased(mid * cin, mid, seed + 2);
          const squash = biased(cout * mid * 9, cout, seed + 4);
          const edge = (s: number): ECBEdgeWeights => ({
            pointwise: biased(cout * cin, cout, s),
            scale: values(cout, s + 2),
            bias: values(cout, s + 3),
          });
          const edges = {
            sobelX: edge(seed + 10),
            sobelY: edge(seed + 20),
            laplacian: edge(seed + 30),
          };
          const withIdentity = cin === cout;
          const block = ecb({
            inChannels: cin,
            outChannels: cout,
            dense,
            expandSquash: { expand, squash },
            ...edges,
            identity: withIdentity,
          });
          // The official code pads each 1x1 output with the 1x1's bias: the 1x1 of a
          // zero-padded input is the same thing.
          const definition = (x: Tensor) => {
            const padded = direct.pad(x, 1);
            return direct.add(
              direct.convBn(x, dense, [cout, cin, 3, 3], { padding: 1 }),
              direct.convBn(direct.convBn(padded, expand, [mid, cin, 1, 1]), squash, [
                cout,
                mid,
                3,
                3,
              ]),
              ...(['sobelX', 'sobelY', 'laplacian'] as const).map((name) =>
                edgeResponse(
                  direct.convBn(padded, edges[name].pointwise, [cout, cin, 1, 1]),
                  ECB_MASKS[name],
                  edges[name],
                ),
              ),
              ...(withIdentity ? [x] : []),
            );
          };
          expectMatchesDefinition(block, definition, randomTensor([2, cin, 8, 9], seed + 40));
        },
      ),
      { seed: 107, numRuns: 40 },
    );
  });

  it("the masks are the paper's Sobel and Laplacian filters (hand-written values)", () => {
    expect(ECB_MASKS.sobelX).toEqual([1, 0, -1, 2, 0, -2, 1, 0, -1]);
    expect(ECB_MASKS.sobelY).toEqual([1, 2, 1, 0, 0, 0, -1, -2, -1]);
    expect(ECB_MASKS.laplacian).toEqual([0, 1, 0, 1, -4, 1, 0, 1, 0]);
  });

  it('refuses an identity branch when the channel counts differ, and scales of the wrong size', () => {
    const dense = biased(2 * 3 * 9, 2, 1);
    expect(() => ecb({ inChannels: 3, outChannels: 2, dense, identity: true })).toThrow(ShapeError);
    const sobelX = { pointwise: biased(6, 2, 2), scale: values(3, 3), bias: values(2, 4) };
    expect(() => ecb({ inChannels: 3, outChannels: 2, dense, sobelX })).toThrow(
      /sobelX.scale has 3/,
    );
  });
});

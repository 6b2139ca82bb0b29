import { describe, expect, it } from 'vitest';
import { costOf } from './cost.js';
import { randomBatchNorm, values } from './testing/index.js';
import { repvgg } from './recipes/repvgg.js';

describe('costOf', () => {
  it('counts a RepVGG block by hand: 3x3 + 1x1 + three batch-norms, and one 3x3 with bias collapsed', () => {
    const c = 4;
    const [n, h, w] = [2, 8, 6];
    const expr = repvgg({
      inChannels: c,
      outChannels: c,
      dense: { weight: values(c * c * 9, 1), batchNorm: randomBatchNorm(c, 2) },
      pointwise: { weight: values(c * c, 3), batchNorm: randomBatchNorm(c, 4) },
      identity: randomBatchNorm(c, 5),
    });
    const cost = costOf(expr, [n, c, h, w]);
    const pixels = n * h * w;
    expect(cost.outputShape).toEqual([n, c, h, w]);
    expect(cost.training.params).toBe(c * c * 9 + c * c + 3 * 2 * c);
    expect(cost.training.macs).toBe(pixels * c * c * 9 + pixels * c * c + 3 * pixels * c);
    // Outputs kept: conv3x3, bn, conv1x1, bn, identity bn, and the sum.
    expect(cost.training.activations).toBe(6 * pixels * c);
    expect(cost.collapsed).toEqual({
      params: c * c * 9 + c,
      macs: pixels * c * c * 9,
      activations: pixels * c,
    });
  });
});

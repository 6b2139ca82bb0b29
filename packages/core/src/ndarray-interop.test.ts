import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { collapse } from './collapse.js';
import { randomBatchNorm, values } from './testing/index.js';
import { repvgg } from './recipes/repvgg.js';

describe('ndarray interop', () => {
  it("wraps a collapsed conv's OIHW weight without copying", () => {
    const c = 3;
    const conv = collapse(
      repvgg({
        inChannels: c,
        outChannels: c,
        dense: { weight: values(c * c * 9, 1), batchNorm: randomBatchNorm(c, 2) },
        identity: randomBatchNorm(c, 3),
      }),
    );
    const view = ndarray(conv.weight, [...conv.shape]);
    expect(view.data).toBe(conv.weight);
    expect(view.get(2, 1, 0, 2)).toBe(conv.weight[((2 * 3 + 1) * 3 + 0) * 3 + 2]);
    view.set(0, 0, 1, 1, 42);
    expect(conv.weight[4]).toBe(42);
  });
});

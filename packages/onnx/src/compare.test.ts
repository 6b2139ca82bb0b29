import { describe, expect, it } from 'vitest';
import { ModelBuilder } from './builder.js';
import { difference } from './compare.js';
import { convertModel } from './convert.js';
import { repvggBlock, Rng } from './test-helpers/blocks.js';

const t = (...values: number[]) => ({
  dims: [values.length],
  data: Float32Array.from(values),
  type: 'float32',
});

describe('difference: max |a - b| over the largest finite |reference| entry', () => {
  it('is the largest absolute difference over the largest reference magnitude', () => {
    expect(difference('y', t(1, -4, 2), t(1.5, -4, 2)).relative).toBe(0.5 / 4);
  });

  it('matched infinities and NaNs of the reference count as equal', () => {
    const d = difference('y', t(Infinity, -Infinity, NaN, 2), t(Infinity, -Infinity, NaN, 2));
    expect(d.relative).toBe(0);
    expect(d.maxAbs).toBe(2);
  });

  it('an infinite reference entry does not hide a difference elsewhere', () => {
    expect(difference('y', t(Infinity, 1), t(Infinity, 2)).relative).toBe(1);
  });

  it('a non-finite entry that does not match the reference is an infinite difference', () => {
    for (const [r, a] of [
      [Infinity, -Infinity],
      [Infinity, 3],
      [NaN, 3],
      [3, NaN],
      [3, Infinity],
    ])
      expect(difference('y', t(r, 1), t(a, 1)).relative).toBe(Infinity);
  });

  it('different shapes are an infinite difference', () => {
    expect(difference('y', t(1, 2), { ...t(1, 2), dims: [2, 1] }).relative).toBe(Infinity);
  });
});

describe('verification of a model whose outputs overflow', () => {
  it('collapses the exact block when the nodes it keeps give the same infinities', async () => {
    // a RepVGG block, then a lone conv with an infinite weight: its output is +-Infinity or NaN
    const b = new ModelBuilder(17);
    const y = repvggBlock(b, new Rng(3), b.input('x', [1, 2, 6, 6]), 2, 2);
    const w = b.floats([2, 2, 1, 1], [Infinity, 0.5, -0.25, 1]);
    b.output(b.op('Conv', [y, w]), [1, 2, 6, 6]);
    const { report } = await convertModel(b.build(), { samples: 2 });
    expect(report.collapsed).toBe(1);
    expect(report.verification!.ok).toBe(true);
    expect(report.verification!.worst.relative).toBeLessThan(1e-5);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { ModelBuilder } from './builder.js';
import { convertModel } from './convert.js';
import type * as Apply from './apply.js';

// A converter bug, simulated: the new Conv's bias has one entry for two channels.
vi.mock('./apply.js', async (load) => {
  const real = await load<typeof Apply>();
  return {
    applyRewrites: (...args: Parameters<typeof real.applyRewrites>) => {
      const out = real.applyRewrites(...args);
      const initializer = out.graph.initializer.map((t) =>
        t.name?.endsWith('.reparam.bias')
          ? { ...t, dims: [1], rawData: t.rawData!.subarray(0, 4) }
          : t,
      );
      return { ...out, graph: { ...out.graph, initializer } };
    },
  };
});

describe('a converted model that onnxruntime cannot load is never returned', () => {
  it('even with verify: false, convertModel throws a named error instead', async () => {
    const b = new ModelBuilder(17);
    const x = b.input('x', [1, 2, 4, 4]);
    const c = b.op('Conv', [x, b.floats([2, 2, 1, 1], [1, 0, 0, 1])]);
    const bn = (v: number[]) => b.floats([2], v, 'bn');
    b.output(
      b.op('BatchNormalization', [c, bn([1, 2]), bn([0, 1]), bn([0.5, 0]), bn([1, 2])]),
      [1, 2, 4, 4],
    );
    await expect(convertModel(b.build(), { verify: false })).rejects.toThrow(
      /convertModel: the converted model fails in onnxruntime-web/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { RepVGGBlock } from './repvgg-block.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomInput, randomizeWeights } from '../test-helpers/layers.js';
import { layerLaws } from '../test-helpers/layer-laws.js';

describe('RepVGGBlock', () => {
  layerLaws('RepVGGBlock', (p) => ({
    layer: new RepVGGBlock({
      filters: p.grow ? 2 * p.c : p.c,
      strides: p.stride,
      depthwise: p.depthwise,
      activation: 'linear',
      useIdentity: p.h % 2 === 0,
      usePointwise: p.w % 2 === 0,
    }),
    shape: [2, p.h, p.w, p.c],
  }));

  it('has an identity branch only when channels match and stride is 1', () => {
    const build = (filters: number, strides: number): number => {
      const l = new RepVGGBlock({ filters, strides });
      l.build([null, 5, 5, 4]);
      return l.weights.length;
    };
    expect(build(4, 1)).toBe(build(8, 1) + 4);
    expect(build(4, 2)).toBe(build(8, 1));
  });

  it('drops the 1x1 branch (kernel + 4 batch-norm weights) when usePointwise is false', () => {
    const names = (usePointwise: boolean): string[] => {
      const l = new RepVGGBlock({ filters: 4, usePointwise });
      l.build([null, 5, 5, 4]);
      return l.weights.map((w) => w.originalName);
    };
    expect(names(true).length).toBe(names(false).length + 5);
    expect(names(false).some((n) => n.startsWith('pointwise'))).toBe(false);
  });

  it('training mode uses batch statistics and moves the running ones', async () => {
    await useBackend('cpu');
    const layer = new RepVGGBlock({ filters: 3 });
    layer.build([null, 4, 4, 3]);
    randomizeWeights(layer, 5);
    const x = randomInput([4, 4, 4, 3], 6);
    const before = layer.weights
      .find((w) => w.originalName.endsWith('dense_bn_moving_mean'))!
      .read()
      .arraySync() as number[];
    const inference = layer.apply(x, { training: false }) as tf.Tensor;
    const trained = layer.apply(x, { training: true }) as tf.Tensor;
    const after = layer.weights
      .find((w) => w.originalName.endsWith('dense_bn_moving_mean'))!
      .read()
      .arraySync() as number[];
    expect(tf.max(tf.abs(tf.sub(inference, trained))).dataSync()[0]).toBeGreaterThan(1e-3);
    expect(after).not.toEqual(before);
  });

  it('refuses grouped convs (1 < groups < channels) with a named error', () => {
    expect(() => new RepVGGBlock({ filters: 4, groups: 2 } as never)).toThrow(
      /RepVGGBlock: groups 2 is not supported/,
    );
  });
});

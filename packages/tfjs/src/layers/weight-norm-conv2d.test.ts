import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { CenteredWeightNormConv2D, WeightNormConv2D } from './weight-norm-conv2d.js';
import { layerLaws } from '../test-helpers/layer-laws.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomizeWeights } from '../test-helpers/layers.js';

describe('WeightNormConv2D', () => {
  layerLaws('WeightNormConv2D', (p) => ({
    layer: new WeightNormConv2D({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k,
      strides: p.stride,
      depthwise: p.depthwise,
      useBias: p.h % 2 === 0,
      useBatchNorm: p.w % 2 === 0,
    }),
    shape: [2, p.h, p.w, p.c],
  }));

  it('depthwise: each output channel kernel (kh x kw) has norm |g|', async () => {
    await useBackend('cpu');
    const layer = new WeightNormConv2D({ depthwise: true, filters: 6, kernelSize: 3 });
    layer.build([null, 5, 5, 3]);
    randomizeWeights(layer, 4);
    const k = layer.kernel(); // [3, 3, 3, 2]
    const norms = tf.sqrt(tf.sum(tf.square(k), [0, 1])).dataSync(); // [3, 2] -> channel c*2 + j
    const g = layer.weights
      .find((w) => w.originalName === 'g')!
      .read()
      .dataSync();
    g.forEach((v, i) => expect(norms[i]).toBeCloseTo(Math.abs(v), 5));
  });
});

describe('CenteredWeightNormConv2D', () => {
  layerLaws('CenteredWeightNormConv2D', (p) => ({
    // Centring 1x1 kernels of 1-2 entries cancels catastrophically in float32 (the training form):
    // such rows are ill-conditioned for any implementation, so rows here have >= 9 entries.
    layer: new CenteredWeightNormConv2D({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k === 1 ? 3 : p.k,
      strides: p.stride,
      depthwise: p.depthwise,
      useBatchNorm: p.w % 2 === 0,
    }),
    shape: [2, p.h, p.w, p.c],
  }));
});

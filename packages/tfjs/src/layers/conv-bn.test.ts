import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ConvBN } from './conv-bn.js';
import { layerLaws } from '../test-helpers/layer-laws.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomInput } from '../test-helpers/layers.js';

describe('ConvBN', () => {
  layerLaws('ConvBN', (p) => ({
    layer: new ConvBN({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k,
      strides: p.stride,
      depthwise: p.depthwise,
    }),
    shape: [2, p.h, p.w, p.c],
  }));

  it('training mode normalizes with batch statistics and moves the running ones by the momentum', async () => {
    await useBackend('wasm');
    const layer = new ConvBN({ filters: 3, kernelSize: 1, momentum: 0.8 });
    layer.build([null, 4, 5, 3]);
    // Identity 1x1 kernel, gamma 2, beta 1, running mean 0.5, running variance 3.
    layer.setWeights([
      tf.reshape(tf.eye(3), [1, 1, 3, 3]),
      tf.fill([3], 2),
      tf.ones([3]),
      tf.fill([3], 0.5),
      tf.fill([3], 3),
    ]);
    const x = randomInput([2, 4, 5, 3], 8);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const m = tf.moments(x, [0, 1, 2]);
    const n = 2 * 4 * 5;
    const want = tf.add(tf.mul(tf.div(tf.sub(x, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))), 2), 1);
    expect(tf.max(tf.abs(tf.sub(y, want))).dataSync()[0]).toBeLessThan(1e-5);
    const [, , , mean, variance] = layer.getWeights();
    const wantMean = tf.add(tf.mul(0.5, 0.8), tf.mul(m.mean, 0.2));
    const wantVar = tf.add(tf.mul(3, 0.8), tf.mul(tf.mul(m.variance, n / (n - 1)), 0.2));
    expect(tf.max(tf.abs(tf.sub(mean, wantMean))).dataSync()[0]).toBeLessThan(1e-6);
    expect(tf.max(tf.abs(tf.sub(variance, wantVar))).dataSync()[0]).toBeLessThan(1e-6);
  });
});

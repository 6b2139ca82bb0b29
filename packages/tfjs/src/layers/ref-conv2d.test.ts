import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { RefConv2D } from './ref-conv2d.js';
import { layerLaws } from '../test-helpers/layer-laws.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomInput } from '../test-helpers/layers.js';

describe('RefConv2D', () => {
  layerLaws('RefConv2D', (p) => ({
    layer: new RefConv2D({
      filters: p.depthwise || !p.grow ? p.c : 2 * p.c,
      kernelSize: p.k,
      strides: p.stride,
      depthwise: p.depthwise,
      mapKernelSize: p.h % 2 === 0 ? 1 : 3,
      useBias: p.grow,
      useBatchNorm: p.w % 2 === 0,
    }),
    shape: [2, p.h, p.w, p.c],
  }));

  it('starts as its base conv (W_r = 0), trains only W_r, and refuses a wrong base shape', async () => {
    await useBackend('cpu');
    const layer = new RefConv2D({ filters: 4, kernelSize: 3 });
    layer.build([null, 6, 6, 2]);
    const base = tf.randomNormal([3, 3, 2, 4]);
    layer.setBaseKernel(base);
    const x = randomInput([1, 6, 6, 2], 3);
    const y = layer.apply(x) as tf.Tensor;
    const plain = tf.conv2d(x, base as tf.Tensor4D, 1, 'same');
    expect(tf.max(tf.abs(tf.sub(y, plain))).dataSync()[0]).toBeLessThan(1e-5);
    expect(layer.trainableWeights.map((w) => w.originalName)).toEqual(['refocus_kernel']);
    expect(() => layer.setBaseKernel(tf.zeros([3, 3, 4, 2]))).toThrow(ShapeError);
  });
});

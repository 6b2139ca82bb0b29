import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { OrthogonalWeightNormConv2D } from './orthogonal-weight-norm-conv2d.js';
import { layerLaws } from '../test-helpers/layer-laws.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomizeWeights } from '../test-helpers/layers.js';

describe('OrthogonalWeightNormConv2D', () => {
  layerLaws('OrthogonalWeightNormConv2D', (p) => ({
    // filters <= 9 * c rows, all well inside kh * kw * in.
    layer: new OrthogonalWeightNormConv2D({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: 3,
      strides: p.stride,
      depthwise: p.depthwise,
      useBatchNorm: p.w % 2 === 0,
    }),
    shape: [2, p.h, p.w, p.c],
  }));

  it('the training-form kernel has orthogonal rows scaled by g', async () => {
    await useBackend('cpu');
    const layer = new OrthogonalWeightNormConv2D({ filters: 6, kernelSize: 3 });
    layer.build([null, 4, 4, 2]);
    randomizeWeights(layer, 9);
    const k = layer.kernel();
    const rows = tf.transpose(tf.reshape(k, [18, 6]));
    const gram = tf.matMul(rows, rows, false, true).arraySync() as number[][];
    const g = layer.weights
      .find((w) => w.originalName === 'g')!
      .read()
      .dataSync();
    gram.forEach((r, i) =>
      r.forEach((v, j) => expect(v).toBeCloseTo(i === j ? g[i] * g[i] : 0, 4)),
    );
  });

  it('depthwise: the m filters of each channel are orthogonal, scaled by g', async () => {
    await useBackend('cpu');
    const layer = new OrthogonalWeightNormConv2D({ depthwise: true, filters: 9, kernelSize: 3 });
    layer.build([null, 4, 4, 3]);
    randomizeWeights(layer, 11);
    const k = layer.kernel(); // [3, 3, 3, 3]: channel c, filter j -> output c*3 + j
    const g = layer.weights
      .find((w) => w.originalName === 'g')!
      .read()
      .dataSync();
    for (let c = 0; c < 3; c++) {
      const rows = tf.transpose(tf.reshape(tf.slice(k, [0, 0, c, 0], [3, 3, 1, 3]), [9, 3]));
      const gram = tf.matMul(rows, rows, false, true).arraySync() as number[][];
      gram.forEach((r, i) =>
        r.forEach((v, j) => expect(v).toBeCloseTo(i === j ? g[c * 3 + i] * g[c * 3 + i] : 0, 4)),
      );
    }
  });

  it('refuses more filters than kernel dimensions per group', () => {
    const layer = new OrthogonalWeightNormConv2D({ filters: 10, kernelSize: 1 });
    expect(() => layer.build([null, 4, 4, 3])).toThrow(ShapeError);
    const dw = new OrthogonalWeightNormConv2D({ depthwise: true, filters: 20, kernelSize: 3 });
    expect(() => dw.build([null, 4, 4, 2])).toThrow(/10 filters per group/);
  });

  it('refuses as many filters as dimensions when built: centred rows span one fewer', () => {
    // n = 1*1*4: four centred rows of length 4 are dependent; three are fine.
    const equal = new OrthogonalWeightNormConv2D({ filters: 4, kernelSize: 1 });
    expect(() => equal.build([null, 4, 4, 4])).toThrow(/span at most 3/);
    const fewer = new OrthogonalWeightNormConv2D({ filters: 3, kernelSize: 1 });
    expect(() => fewer.build([null, 4, 4, 4])).not.toThrow();
    // depthwise 1x1, multiplier 1: one row of one entry centres to zero
    const dw = new OrthogonalWeightNormConv2D({ depthwise: true, filters: 2, kernelSize: 1 });
    expect(() => dw.build([null, 4, 4, 2])).toThrow(ShapeError);
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { RefConv2D } from './ref-conv2d.js';
import { layerLaws, type CaseParams } from '../test-helpers/layer-laws.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomInput, type LayerCase } from '../test-helpers/layers.js';
import { bnBatch, bnSlice, trainingLaw, weightOf } from '../test-helpers/training-reference.js';
import { convOp } from './_internal/conv-op.js';

const make = (p: CaseParams): LayerCase => ({
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
});

describe('RefConv2D', () => {
  layerLaws('RefConv2D', make);

  trainingLaw('RefConv2D', make, (layer, x) => {
    // W_t = W_b + W_b * W_r, differentiated by the tape through the refocusing conv.
    const base = weightOf(layer, 'base_kernel');
    const wr = weightOf(layer, 'refocus_kernel') as tf.Tensor4D;
    const [k, , ci, co] = base.shape;
    const dw = layer.depthwise;
    const img = tf.reshape<tf.Rank.R4>(base, [1, k, k, dw ? ci : ci * co]);
    const r = dw ? tf.conv2d(img, wr, 1, 'same') : tf.depthwiseConv2d(img, wr, 1, 'same');
    const wt = tf.reshape(tf.add(img, r), base.shape);
    const p = layer.padding;
    let y = convOp(x, wt, layer.strides, [p, p, p, p], dw);
    if (layer.weights.some((w) => w.originalName === 'bias'))
      y = tf.add(y, weightOf(layer, 'bias'));
    return layer.weights.some((w) => w.originalName === 'bn_gamma')
      ? bnBatch(y, bnSlice(layer, 'bn'), layer.epsilon)
      : y;
  });

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

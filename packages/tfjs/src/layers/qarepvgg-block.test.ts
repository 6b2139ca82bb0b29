import { describe } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { QARepVGGBlock } from './qarepvgg-block.js';
import { layerLaws, type CaseParams } from '../test-helpers/layer-laws.js';
import type { LayerCase } from '../test-helpers/layers.js';
import { bnBatch, bnSlice, trainingLaw, weightOf } from '../test-helpers/training-reference.js';
import { convOp } from './_internal/conv-op.js';

const make = (p: CaseParams): LayerCase => ({
  layer: new QARepVGGBlock({
    filters: p.grow ? 2 * p.c : p.c,
    strides: p.stride,
    depthwise: p.depthwise,
    activation: 'linear',
    usePointwise: p.w % 2 === 0,
  }),
  shape: [2, p.h, p.w, p.c],
});

describe('QARepVGGBlock', () => {
  layerLaws('QARepVGGBlock', make);

  trainingLaw('QARepVGGBlock', make, (layer, x) => {
    const [s, dw, e] = [layer.strides, layer.depthwise, layer.epsilon];
    const dense = convOp(x, weightOf(layer, 'dense_kernel'), s, [1, 1, 1, 1], dw);
    const terms = [bnBatch(dense, bnSlice(layer, 'dense_bn'), e)];
    if (layer.weights.some((w) => w.originalName === 'pointwise_kernel'))
      terms.push(convOp(x, weightOf(layer, 'pointwise_kernel'), s, [0, 0, 0, 0], dw));
    if (s === 1 && x.shape[3] === dense.shape[3]) terms.push(x);
    return bnBatch(tf.addN(terms), bnSlice(layer, 'bn'), e);
  });
});

import { describe } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { DiverseBranchBlock } from './diverse-branch-block.js';
import { layerLaws, type CaseParams } from '../test-helpers/layer-laws.js';
import type { LayerCase } from '../test-helpers/layers.js';
import {
  bnBatch,
  bnBorderFill,
  bnSlice,
  sumOfBranchBns,
  trainingLaw,
  weightOf,
} from '../test-helpers/training-reference.js';
import { convOp } from './_internal/conv-op.js';

const make = (p: CaseParams): LayerCase => ({
  layer: new DiverseBranchBlock({
    filters: p.grow ? 2 * p.c : p.c,
    kernelSize: p.k,
    strides: p.stride,
    depthwise: p.depthwise,
    internalChannels: p.depthwise ? undefined : 1 + (p.w % 3),
  }),
  shape: [2, p.h, p.w, p.c],
});

describe('DiverseBranchBlock', () => {
  layerLaws('DiverseBranchBlock', make);

  trainingLaw('DiverseBranchBlock', make, (layer, x) => {
    const [k, p, s, dw] = [layer.kernelSize, layer.padding, layer.strides, layer.depthwise];
    const conv = (input: tf.Tensor4D, name: string, stride: number, pad: number): tf.Tensor4D =>
      convOp(input, weightOf(layer, name), stride, [pad, pad, pad, pad], dw);
    // A first stage: 1x1, batch-norm, border padded with the batch-norm's output of zero.
    const stage = (kernel: string, prefix: string): tf.Tensor4D => {
      const z = conv(x, kernel, 1, 0);
      const bn = bnSlice(layer, prefix);
      const fill = bnBorderFill(z, bn, layer.momentum, layer.epsilon);
      const pads: [number, number][] = [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ];
      return tf.add(tf.pad(tf.sub(bnBatch(z, bn, layer.epsilon), fill), pads), fill);
    };
    const branches = [conv(x, 'origin_kernel', s, p)];
    if (layer.weights.some((w) => w.originalName === 'pointwise_kernel'))
      branches.push(conv(x, 'pointwise_kernel', s, 0));
    branches.push(tf.avgPool(stage('avg_pointwise_kernel', 'avg_pointwise_bn'), k, s, 'valid'));
    branches.push(conv(stage('kxk_pointwise_kernel', 'kxk_pointwise_bn'), 'kxk_kernel', s, 0));
    return sumOfBranchBns(layer, branches);
  });
});

import { describe } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { MobileOneBlock } from './mobileone-block.js';
import { layerLaws, type CaseParams } from '../test-helpers/layer-laws.js';
import type { LayerCase } from '../test-helpers/layers.js';
import {
  bnGather,
  bnSlice,
  sumOfBranchBns,
  trainingLaw,
  weightOf,
} from '../test-helpers/training-reference.js';
import { convOp } from './_internal/conv-op.js';

const make = (p: CaseParams): LayerCase => ({
  layer: new MobileOneBlock({
    filters: p.grow ? 2 * p.c : p.c,
    kernelSize: p.k,
    strides: p.stride,
    depthwise: p.depthwise,
    branches: 1 + (p.h % 3),
    activation: 'linear',
  }),
  shape: [2, p.h, p.w, p.c],
});

describe('MobileOneBlock', () => {
  layerLaws('MobileOneBlock', make);

  trainingLaw('MobileOneBlock', make, (layer, x) => {
    const { branches: count, kernelSize: k, strides: s, depthwise: dw } = layer as MobileOneBlock;
    const stacked = weightOf(layer, 'branches_kernel');
    const [kh, kw, c, all] = stacked.shape;
    const per = all / count; // output channels (dense) or multiplier (depthwise) of one branch
    const o = dw ? c * per : per;
    const p = k >> 1;
    // Branch b's kernel and batch-norm channels: dense stacks branches along the outputs;
    // depthwise stacks them as multipliers, channel c of branch b at c * count * per + b * per + m.
    const branchKernel = (b: number): tf.Tensor =>
      dw
        ? tf.reshape(
            tf.slice(
              tf.reshape(stacked, [kh, kw, c, count, per]),
              [0, 0, 0, b, 0],
              [-1, -1, -1, 1, -1],
            ),
            [kh, kw, c, per],
          )
        : tf.slice(stacked, [0, 0, 0, b * per], [-1, -1, -1, per]);
    const bnChannels = (b: number): number[] =>
      Array.from({ length: o }, (_, j) =>
        dw ? Math.floor(j / per) * count * per + b * per + (j % per) : b * o + j,
      );
    const branches: tf.Tensor4D[] = [];
    const bns = [];
    for (let b = 0; b < count; b++) {
      branches.push(convOp(x, branchKernel(b), s, [p, p, p, p], dw));
      bns.push(bnGather(layer, 'bn', bnChannels(b)));
    }
    if (k > 1) {
      branches.push(convOp(x, weightOf(layer, 'scale_kernel'), s, [0, 0, 0, 0], dw));
      bns.push(bnSlice(layer, 'bn', count * o, o));
    }
    if (weightOf(layer, 'bn_gamma').shape[0] === (bns.length + 1) * o) {
      branches.push(x);
      bns.push(bnSlice(layer, 'bn', bns.length * o, o));
    }
    return sumOfBranchBns(layer, branches, bns);
  });
});

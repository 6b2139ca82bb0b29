import { describe } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { OnlineACBlock } from './online-ac-block.js';
import { OnlineDiverseBranchBlock } from './online-diverse-branch-block.js';
import { OnlineRepVGGBlock } from './online-repvgg-block.js';
import type { ReparamLayer } from './reparam-layer.js';
import { layerLaws, type CaseParams } from '../test-helpers/layer-laws.js';
import type { LayerCase } from '../test-helpers/layers.js';
import { scaledSumThenBn, trainingLaw, weightOf } from '../test-helpers/training-reference.js';
import { convOp } from './_internal/conv-op.js';
import { ONLINE_KERNEL, ONLINE_KERNEL_GRAD } from '../kernels/online-kernel.js';

const kernels = { withoutKernels: [ONLINE_KERNEL, ONLINE_KERNEL_GRAD] };

// The online blocks run one conv with a kernel built from the branches; the laws compare them
// with core (inference) and with the multi-branch form they stand for (training, all gradients).

const conv = (
  layer: ReparamLayer,
  x: tf.Tensor4D,
  name: string,
  stride: number,
  pad: number,
): tf.Tensor4D => convOp(x, weightOf(layer, name), stride, [pad, pad, pad, pad], layer.depthwise);

const zeroPad = (x: tf.Tensor4D, p: number): tf.Tensor4D =>
  tf.pad(x, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);

describe('online re-parameterized blocks (OREPA)', () => {
  const acb = (p: CaseParams): LayerCase => ({
    layer: new OnlineACBlock({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k,
      strides: p.stride,
      depthwise: p.depthwise,
      padding: Math.max(0, (p.k >> 1) - (p.w % 3)),
    }),
    shape: [2, p.h + 4, p.w + 4, p.c],
  });
  layerLaws('OnlineACBlock', acb);
  trainingLaw(
    'OnlineACBlock',
    acb,
    (layer, x) => {
      const [k, p, s] = [layer.kernelSize, layer.padding, layer.strides];
      const padded = zeroPad(x, p);
      const [, hp, wp] = padded.shape;
      const h = k >> 1;
      const rows = tf.slice(padded, [0, h, 0, 0], [-1, hp - 2 * h, -1, -1]);
      const cols = tf.slice(padded, [0, 0, h, 0], [-1, -1, wp - 2 * h, -1]);
      return scaledSumThenBn(layer, [
        conv(layer, padded, 'square_kernel', s, 0),
        conv(layer, rows, 'horizontal_kernel', s, 0),
        conv(layer, cols, 'vertical_kernel', s, 0),
      ]);
    },
    8,
    kernels,
  );

  const repvgg = (p: CaseParams): LayerCase => ({
    layer: new OnlineRepVGGBlock({
      filters: p.grow ? 2 * p.c : p.c,
      strides: p.stride,
      depthwise: p.depthwise,
      activation: 'linear',
      usePointwise: p.w % 2 === 0,
    }),
    shape: [2, p.h, p.w, p.c],
  });
  layerLaws('OnlineRepVGGBlock', repvgg);
  trainingLaw(
    'OnlineRepVGGBlock',
    repvgg,
    (layer, x) => {
      const s = layer.strides;
      const has = (name: string): boolean => layer.weights.some((w) => w.originalName === name);
      const branches = [conv(layer, x, 'dense_kernel', s, 1)];
      const names = ['dense'];
      if (has('pointwise_kernel')) {
        branches.push(conv(layer, x, 'pointwise_kernel', s, 0));
        names.push('pointwise');
      }
      if (weightOf(layer, 'branch_scales').shape[0] > branches.length) {
        branches.push(x);
        names.push('identity');
      }
      return scaledSumThenBn(layer, branches);
    },
    8,
    kernels,
  );

  const dbb = (p: CaseParams): LayerCase => ({
    layer: new OnlineDiverseBranchBlock({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k,
      strides: p.stride,
      depthwise: p.depthwise,
      internalChannels: p.depthwise ? undefined : 1 + (p.w % 3),
    }),
    shape: [2, p.h, p.w, p.c],
  });
  layerLaws('OnlineDiverseBranchBlock', dbb);
  trainingLaw(
    'OnlineDiverseBranchBlock',
    dbb,
    (layer, x) => {
      const [k, p, s] = [layer.kernelSize, layer.padding, layer.strides];
      // Plain 1x1 first stages output 0 on a zero border: pad the input instead of their outputs.
      const padded = zeroPad(x, p);
      const branches = [conv(layer, x, 'origin_kernel', s, p)];
      const names = ['origin'];
      if (layer.weights.some((w) => w.originalName === 'pointwise_kernel')) {
        branches.push(conv(layer, x, 'pointwise_kernel', s, 0));
        names.push('pointwise');
      }
      branches.push(tf.avgPool(conv(layer, padded, 'avg_pointwise_kernel', 1, 0), k, s, 'valid'));
      branches.push(
        conv(layer, conv(layer, padded, 'kxk_pointwise_kernel', 1, 0), 'kxk_kernel', s, 0),
      );
      return scaledSumThenBn(layer, branches);
    },
    8,
    kernels,
  );
});

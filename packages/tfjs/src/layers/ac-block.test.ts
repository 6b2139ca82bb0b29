import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { ACBlock } from './ac-block.js';
import { layerLaws, type CaseParams } from '../test-helpers/layer-laws.js';
import type { LayerCase } from '../test-helpers/layers.js';
import { sumOfBranchBns, trainingLaw, weightOf } from '../test-helpers/training-reference.js';
import { convOp } from './_internal/conv-op.js';

/** Padding from K/2 down to 0 (the crop case) as the case varies. */
const make = (p: CaseParams): LayerCase => ({
  layer: new ACBlock({
    filters: p.grow ? 2 * p.c : p.c,
    kernelSize: p.k,
    strides: p.stride,
    depthwise: p.depthwise,
    padding: Math.max(0, (p.k >> 1) - (p.w % 3)),
  }),
  shape: [2, p.h + 4, p.w + 4, p.c],
});

describe('ACBlock', () => {
  layerLaws('ACBlock', make);

  trainingLaw('ACBlock', make, (layer, x) => {
    // Pad by p on every side; a thin branch then reads the centre row (column) of each KxK
    // window of the padded input: rows (columns) K/2 .. size - 1 - K/2.
    const k = layer.kernelSize;
    const p = layer.padding;
    const padded = tf.pad(x, [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ]);
    const [, hp, wp] = padded.shape;
    const conv = (input: tf.Tensor4D, name: string): tf.Tensor4D =>
      convOp(input, weightOf(layer, name), layer.strides, [0, 0, 0, 0], layer.depthwise);
    const rows = tf.slice(padded, [0, k >> 1, 0, 0], [-1, hp - 2 * (k >> 1), -1, -1]);
    const cols = tf.slice(padded, [0, 0, k >> 1, 0], [-1, -1, wp - 2 * (k >> 1), -1]);
    return sumOfBranchBns(layer, [
      conv(padded, 'square_kernel'),
      conv(rows, 'horizontal_kernel'),
      conv(cols, 'vertical_kernel'),
    ]);
  });

  it('refuses a padding above K/2 or negative, naming it', () => {
    expect(() => new ACBlock({ filters: 2, kernelSize: 3, padding: 2 })).toThrow(ShapeError);
    expect(() => new ACBlock({ filters: 2, kernelSize: 5, padding: -1 })).toThrow(
      /ACBlock: padding -1/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import { ShapeError } from '@reparam/core';
import { CenteredWeightNormConv2D, WeightNormConv2D } from './weight-norm-conv2d.js';
import { layerLaws } from '../test-helpers/layer-laws.js';

describe('WeightNormConv2D', () => {
  layerLaws('WeightNormConv2D', (p) => ({
    layer: new WeightNormConv2D({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k,
      strides: p.stride,
      useBias: p.depthwise,
    }),
    shape: [2, p.h, p.w, p.c],
  }));
  it('refuses depthwise', () => {
    expect(() => new WeightNormConv2D({ depthwise: true })).toThrow(ShapeError);
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
    }),
    shape: [2, p.h, p.w, p.c],
  }));
});

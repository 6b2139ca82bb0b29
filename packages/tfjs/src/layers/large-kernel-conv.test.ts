import { describe, expect, it } from 'vitest';
import { ShapeError } from '@reparam/core';
import { LargeKernelConv } from './large-kernel-conv.js';
import { layerLaws, type CaseParams } from '../test-helpers/layer-laws.js';
import type { LayerCase } from '../test-helpers/layers.js';
import { sumOfBranchBns, trainingLaw, weightOf } from '../test-helpers/training-reference.js';
import { convOp } from './_internal/conv-op.js';

/** Large kernels 3, 5, 7 with a small one of 1 or 3 below them. */
const make = (p: CaseParams): LayerCase => ({
  layer: new LargeKernelConv({
    filters: p.grow ? 2 * p.c : p.c,
    kernelSize: p.k + 2,
    smallKernelSize: p.k === 1 || p.h % 2 === 0 ? 1 : 3,
    strides: p.stride,
    depthwise: p.depthwise,
  }),
  shape: [2, p.h + 2, p.w + 2, p.c],
});

describe('LargeKernelConv', () => {
  layerLaws('LargeKernelConv', make);

  trainingLaw('LargeKernelConv', make, (layer, x) => {
    const conv = (name: string): ReturnType<typeof convOp> => {
      const w = weightOf(layer, name);
      const p = w.shape[0] >> 1;
      return convOp(x, w, layer.strides, [p, p, p, p], layer.depthwise);
    };
    return sumOfBranchBns(layer, [conv('large_kernel'), conv('small_kernel')]);
  });

  it('defaults the small kernel to RepLKNet 5x5 under large ones and refuses one not smaller', () => {
    expect(new LargeKernelConv({ depthwise: true, kernelSize: 13 }).smallKernelSize).toBe(5);
    expect(new LargeKernelConv({ depthwise: true, kernelSize: 3 }).smallKernelSize).toBe(1);
    expect(
      () => new LargeKernelConv({ depthwise: true, kernelSize: 5, smallKernelSize: 5 }),
    ).toThrow(ShapeError);
  });
});

import { describe } from 'vitest';
import { DiverseBranchBlock } from './diverse-branch-block.js';
import { layerLaws } from '../test-helpers/layer-laws.js';

describe('DiverseBranchBlock', () => {
  layerLaws('DiverseBranchBlock', (p) => ({
    layer: new DiverseBranchBlock({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k,
      strides: p.stride,
      depthwise: p.depthwise,
      internalChannels: p.depthwise ? undefined : 1 + (p.w % 3),
    }),
    shape: [2, p.h, p.w, p.c],
  }));
});

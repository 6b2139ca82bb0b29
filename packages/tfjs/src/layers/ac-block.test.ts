import { describe } from 'vitest';
import { ACBlock } from './ac-block.js';
import { layerLaws } from '../test-helpers/layer-laws.js';

describe('ACBlock', () => {
  layerLaws('ACBlock', (p) => ({
    layer: new ACBlock({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k,
      strides: p.stride,
      depthwise: p.depthwise,
    }),
    shape: [2, p.h, p.w, p.c],
  }));
});

import { describe } from 'vitest';
import { MobileOneBlock } from './mobileone-block.js';
import { layerLaws } from '../test-helpers/layer-laws.js';

describe('MobileOneBlock', () => {
  layerLaws('MobileOneBlock', (p) => ({
    layer: new MobileOneBlock({
      filters: p.grow ? 2 * p.c : p.c,
      kernelSize: p.k,
      strides: p.stride,
      depthwise: p.depthwise,
      branches: 1 + (p.h % 3),
      activation: 'linear',
    }),
    shape: [2, p.h, p.w, p.c],
  }));
});

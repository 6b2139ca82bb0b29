import { describe } from 'vitest';
import { ConvBN } from './conv-bn.js';
import { layerLaws } from '../test-helpers/layer-laws.js';

describe('ConvBN', () => {
  layerLaws('ConvBN', (p) => ({
    layer: new ConvBN({ filters: p.grow ? 2 * p.c : p.c, kernelSize: p.k, strides: p.stride, depthwise: p.depthwise }),
    shape: [2, p.h, p.w, p.c],
  }));
});

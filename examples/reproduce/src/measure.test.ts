import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ConvBN, RefConv2D } from '@reparam/tfjs';
import { countParams, forwardMacsPerImage, kernelMacs } from './measure.js';

describe('kernelMacs (hand-computed)', () => {
  it('dense conv: outputs x kh x kw x in; depthwise: outputs x kh x kw; matmul: outputs x k', () => {
    const conv = {
      name: 'Conv2D',
      inputShapes: [
        [2, 8, 8, 3],
        [3, 3, 3, 4],
      ],
      outputShapes: [[2, 8, 8, 4]],
    };
    expect(kernelMacs(conv)).toBe(2 * 8 * 8 * 4 * 27);
    const dw = {
      name: 'DepthwiseConv2dNative',
      inputShapes: [
        [2, 8, 8, 3],
        [3, 3, 3, 2],
      ],
      outputShapes: [[2, 4, 4, 6]],
    };
    expect(kernelMacs(dw)).toBe(2 * 4 * 4 * 6 * 9);
    const mm = {
      name: 'BatchMatMul',
      inputShapes: [
        [5, 7, 3],
        [5, 3, 2],
      ],
      outputShapes: [[5, 7, 2]],
    };
    expect(kernelMacs(mm)).toBe(5 * 7 * 2 * 3);
    const transposed = {
      name: 'BatchMatMul',
      inputShapes: [
        [5, 3, 7],
        [5, 3, 2],
      ],
      outputShapes: [[5, 7, 2]],
    };
    expect(kernelMacs(transposed)).toBe(5 * 7 * 2 * 3);
    expect(kernelMacs({ name: 'Relu', inputShapes: [[9]], outputShapes: [[9]] })).toBe(0);
  });
});

describe('model measurements', () => {
  it('forwardMacsPerImage of conv + BN + dense equals the hand count; RefConv adds its per-step transform / batch', async () => {
    await tf.setBackend('cpu');
    const input = tf.input({ shape: [6, 6, 2] });
    const conv = new ConvBN({ filters: 4, kernelSize: 3, name: 'c' }).apply(
      input,
    ) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 3 }).apply(flat) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    const perImage = 6 * 6 * 4 * 9 * 2 + 144 * 3;
    expect(await forwardMacsPerImage(model, 5, true)).toBe(perImage);

    const ref = tf.sequential({
      layers: [new RefConv2D({ filters: 4, kernelSize: 3, inputShape: [6, 6, 2] })],
    });
    // W_t = W_b + W_b * W_r: a 3x3 depthwise conv of the [1, 3, 3, 8] kernel image, once per step.
    const transform = 3 * 3 * 8 * 9;
    expect(await forwardMacsPerImage(ref, 5, true)).toBeCloseTo(6 * 6 * 4 * 18 + transform / 5, 9);
    model.dispose();
    ref.dispose();
  });

  it('countParams splits trainable weights from frozen ones (running statistics, RefConv bases)', async () => {
    await tf.setBackend('cpu');
    const m = tf.sequential({
      layers: [
        new RefConv2D({ filters: 4, kernelSize: 3, useBatchNorm: true, inputShape: [6, 6, 2] }),
      ],
    });
    // refocus [3, 3, 8, 1] + gamma, beta (4 each) trainable; base [3, 3, 2, 4] + mean, variance frozen.
    expect(countParams(m)).toEqual({ total: 72 + 8 + 72 + 8, trainable: 80, frozen: 80 });
    m.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ACBlock } from '../layers/ac-block.js';
import { RefConv2D } from '../layers/ref-conv2d.js';
import { useBackend } from '../test-helpers/backends.js';
import { randomizeWeights } from '../test-helpers/layers.js';
import { convKernels, refConvKernels } from './conv-kernels.js';

describe('convKernels', () => {
  it('reads Conv2D kernels as OIHW (hand-placed taps) and keeps only the asked size', async () => {
    await useBackend('cpu');
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1], name: 'c3' }));
    m.add(tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'c1' }));
    // HWIO [3, 3, 1, 2]: value 10*row + col for output 0, negative for output 1.
    const hwio: number[] = [];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) hwio.push(10 * r + c, -(10 * r + c));
    m.layers[0].setWeights([tf.tensor4d(hwio, [3, 3, 1, 2]), tf.zeros([2])]);
    const all = convKernels(m);
    expect(all.map((k) => k.layer)).toEqual(['c3', 'c1']);
    const [k] = convKernels(m, { kernelSize: 3 });
    expect(k.shape).toEqual([2, 1, 3, 3]);
    expect(Array.from(k.weight.subarray(0, 9))).toEqual([0, 1, 2, 10, 11, 12, 20, 21, 22]);
    expect(k.weight[9 + 5]).toBe(-12);
  });

  it('gives a re-parameterizable block as its collapsed conv (ACB: zero corners when the square branch is zero)', async () => {
    await useBackend('cpu');
    const m = tf.sequential();
    m.add(new ACBlock({ filters: 2, inputShape: [5, 5, 2], name: 'acb' }));
    randomizeWeights(m.layers[0], 3);
    const square = m.layers[0].weights.find((w) => w.originalName.endsWith('square_kernel'))!;
    square.write(tf.zerosLike(square.read()));
    const [k] = convKernels(m);
    expect(k.shape).toEqual([2, 2, 3, 3]);
    for (let f = 0; f < 4; f++) for (const t of [0, 2, 6, 8]) expect(k.weight[f * 9 + t]).toBe(0);
    expect(k.weight[4]).not.toBe(0);
  });
});

describe('refConvKernels', () => {
  it('W_t = W_b with a zero refocus kernel, and 2 W_b with a centre-one refocus kernel', async () => {
    await useBackend('cpu');
    const m = tf.sequential();
    const layer = new RefConv2D({ filters: 1, inputShape: [4, 4, 1] });
    m.add(layer);
    const base = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    layer.setBaseKernel(tf.tensor4d(base, [3, 3, 1, 1]));
    const zero = refConvKernels(layer);
    expect(zero.base.shape).toEqual([1, 1, 3, 3]);
    expect(Array.from(zero.base.weight)).toEqual(base);
    expect(Array.from(zero.transformed.weight)).toEqual(base);
    const r = layer.weights.find((w) => w.originalName.endsWith('refocus_kernel'))!;
    r.write(tf.tensor4d([0, 0, 0, 0, 1, 0, 0, 0, 0], [3, 3, 1, 1]));
    expect(Array.from(refConvKernels(layer).transformed.weight)).toEqual(base.map((v) => 2 * v));
  });
});

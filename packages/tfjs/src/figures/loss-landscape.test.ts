import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ShapeError } from '@reparam/core';
import { filterNormalizedDirection, lossLandscape } from './loss-landscape.js';
import { useBackend } from '../test-helpers/backends.js';

/** y = w x + b with w = 2, b = 1 (one input, one output). */
function line(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 1, inputShape: [1], name: 'd' }));
  m.layers[0].setWeights([tf.tensor2d([[2]]), tf.tensor1d([1])]);
  return m;
}
const squared = (y: tf.Tensor, p: tf.Tensor): tf.Scalar => tf.mean(tf.square(tf.sub(p, y)));

describe('filterNormalizedDirection', () => {
  it('scales each output column of a dense kernel to the weight column norm; zero for biases (hand-computed)', async () => {
    await useBackend('cpu');
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 2, inputShape: [2] }));
    m.layers[0].setWeights([
      tf.tensor2d([
        [1, 0],
        [0, 3],
      ]),
      tf.tensor1d([5, 5]),
    ]);
    const [k, b] = filterNormalizedDirection(m, 1, [
      Float32Array.from([1, 1, 1, 1]),
      Float32Array.from([1, 1]),
    ]);
    const r = Math.SQRT1_2;
    [r, 3 * r, r, 3 * r].forEach((v, i) => expect(k[i]).toBeCloseTo(v, 6));
    expect(Array.from(b)).toEqual([0, 0]);
  });

  it('treats each output channel of an HWIO conv kernel as a filter', async () => {
    await useBackend('cpu');
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ filters: 2, kernelSize: 1, inputShape: [2, 2, 2], useBias: false }));
    // HWIO [1, 1, 2, 2]: output 0 reads [1, 0] (norm 1), output 1 reads [0, 3] (norm 3).
    m.layers[0].setWeights([tf.tensor4d([1, 0, 0, 3], [1, 1, 2, 2])]);
    const [k] = filterNormalizedDirection(m, 1, [Float32Array.from([3, 0, 4, 2])]);
    // output 0: direction [3, 4] (norm 5) -> [0.6, 0.8]; output 1: [0, 2] -> [0, 3].
    [0.6, 0, 0.8, 3].forEach((v, i) => expect(k[i]).toBeCloseTo(v, 6));
  });

  it('refuses a direction of the wrong size', async () => {
    await useBackend('cpu');
    expect(() =>
      filterNormalizedDirection(line(), 1, [new Float32Array(2), new Float32Array(1)]),
    ).toThrow(ShapeError);
  });
});

describe('lossLandscape', () => {
  it('a line: loss (2 + 2a + 1)^2 at x = 1, y = 0, bias not moved (hand-computed)', async () => {
    await useBackend('cpu');
    const m = line();
    const xs = tf.tensor2d([[1]]);
    const ys = tf.tensor2d([[0]]);
    // raw direction 5 for w is normalised to |w| = 2; the bias direction is zero.
    const l = await lossLandscape(m, xs, ys, {
      steps: 5,
      loss: squared,
      directions: [[Float32Array.from([5]), Float32Array.from([7])]],
    });
    expect(Array.from(l.axis)).toEqual([-1, -0.5, 0, 0.5, 1]);
    [1, 4, 9, 16, 25].forEach((v, i) => expect(l.loss[i]).toBeCloseTo(v, 5));
    expect(m.layers[0].getWeights()[0].dataSync()[0]).toBe(2); // restored
  });

  it('a plane: loss (3 + 2a - 2b)^2, rows along the second direction (hand-computed)', async () => {
    await useBackend('cpu');
    const l = await lossLandscape(line(), tf.tensor2d([[1]]), tf.tensor2d([[0]]), {
      dimensions: 2,
      steps: 3,
      loss: squared,
      directions: [
        [Float32Array.from([1]), Float32Array.from([0])],
        [Float32Array.from([-1]), Float32Array.from([0])],
      ],
    });
    const expected: number[] = [];
    for (const b of [-1, 0, 1]) for (const a of [-1, 0, 1]) expected.push((3 + 2 * a - 2 * b) ** 2);
    l.loss.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('reports accuracy and cross-entropy of a softmax classifier at the trained point', async () => {
    await useBackend('cpu');
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 2, inputShape: [1], activation: 'softmax', useBias: false }));
    m.layers[0].setWeights([tf.tensor2d([[1, -1]])]); // x = 1 -> softmax([1, -1])
    const l = await lossLandscape(
      m,
      tf.tensor2d([[1], [-1]]),
      tf.tensor2d([
        [1, 0],
        [1, 0],
      ]),
      {
        steps: 3,
      },
    );
    const p = Math.exp(1) / (Math.exp(1) + Math.exp(-1));
    expect(l.loss[1]).toBeCloseTo((-Math.log(p) - Math.log(1 - p)) / 2, 5);
    expect(l.accuracy[1]).toBe(0.5);
  });

  it('refuses too few steps and a wrong number of directions', async () => {
    await useBackend('cpu');
    const xs = tf.tensor2d([[1]]);
    await expect(lossLandscape(line(), xs, xs, { steps: 1 })).rejects.toThrow(/steps 1/);
    await expect(
      lossLandscape(line(), xs, xs, { dimensions: 2, directions: [[]] }),
    ).rejects.toThrow(/1 directions given for 2/);
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { randomFloats, useBackend } from '../test-helpers/backends.js';
import { withSeededMathRandom } from '../seeded-init.js';

describe('training on the wasm backend', () => {
  it('one fit step of a conv + depthwise + batch-norm net on wasm lowers the loss', async () => {
    await useBackend('wasm');
    // Seeded initial weights: the loss after one step must not depend on the run's luck.
    const model = withSeededMathRandom(1, () =>
      tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape: [8, 8, 2],
            filters: 4,
            kernelSize: 3,
            strides: 2,
            padding: 'same',
            activation: 'relu',
          }),
          tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same' }),
          tf.layers.batchNormalization(),
          tf.layers.reLU(),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    );
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'categoricalCrossentropy' });
    const x = tf.tensor4d(randomFloats(8 * 8 * 8 * 2, 11), [8, 8, 8, 2]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    const loss = (): number => (model.evaluate(x, y, { batchSize: 8 }) as tf.Scalar).dataSync()[0];
    const before = loss();
    const h = await model.fit(x, y, { batchSize: 8, epochs: 1, verbose: 0 });
    expect(h.history.loss).toHaveLength(1);
    expect(tf.getBackend()).toBe('wasm');
    expect(loss()).toBeLessThan(before);
    tf.dispose([x, y]);
    model.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining } from './batch-norm-vars.js';
import { randomFloats, relErr, useBackend } from '../../test-helpers/backends.js';

describe('batchNormTraining', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`value and gradients equal tape differentiation of the batch-statistics formula on ${backend}`, async () => {
      await useBackend(backend);
      const shape: [number, number, number, number] = [3, 4, 5, 6];
      const x = tf.tensor4d(randomFloats(360, 1), shape);
      const gamma = tf.tensor1d(randomFloats(6, 2));
      const beta = tf.tensor1d(randomFloats(6, 3));
      const r = tf.tensor4d(randomFloats(360, 4), shape);
      const reference = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor => {
        const m = tf.moments(xx, [0, 1, 2]);
        return tf.sum(
          tf.mul(
            tf.add(tf.mul(tf.div(tf.sub(xx, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))), g), b),
            r,
          ),
        );
      };
      const ours = (xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor =>
        tf.sum(tf.mul(batchNormTraining(xx as tf.Tensor4D, g, b, 1e-5), r));
      const want = tf.grads(reference)([x, gamma, beta]);
      const got = tf.grads(ours)([x, gamma, beta]);
      got.forEach((t, i) => expect(relErr(t.dataSync(), want[i].dataSync())).toBeLessThan(1e-4));
      expect(
        relErr([ours(x, gamma, beta).dataSync()[0]], [reference(x, gamma, beta).dataSync()[0]]),
      ).toBeLessThan(1e-5);
    });
  }
});

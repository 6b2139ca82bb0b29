import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { medianPredictMs } from './latency.js';
import { useBackend } from './test-helpers/backends.js';

describe('medianPredictMs', () => {
  it('times each model on the input, alternately, and leaves no tensor behind', async () => {
    await useBackend('cpu');
    const calls: string[] = [];
    const fake = (name: string): tf.LayersModel =>
      ({
        predict: (x: tf.Tensor) => {
          calls.push(name);
          return tf.add(x, 1);
        },
      }) as unknown as tf.LayersModel;
    const x = tf.ones([2, 3]);
    const before = tf.memory().numTensors;
    const ms = medianPredictMs([fake('a'), fake('b')], x, 3, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(calls).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
    expect(ms).toHaveLength(2);
    ms.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
    x.dispose();
  });
});

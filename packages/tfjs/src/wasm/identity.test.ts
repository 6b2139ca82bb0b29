import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { randomFloats, useBackend } from '../test-helpers/backends.js';

describe('Identity on wasm (registerWasmTrainingKernels)', () => {
  it('tf.clone shares the data: no new buffer, same values, and each copy outlives the other', async () => {
    await useBackend('wasm');
    const values = randomFloats(1000, 3);
    const x = tf.tensor1d(values);
    const buffers = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffers);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(Array.from(values));
    const z = tf.clone(y);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual(Array.from(values));
    z.dispose();
  });

  it('a clone keeps its values when the variable it was taken from is assigned', async () => {
    await useBackend('wasm');
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const saved = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(saved.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, saved]);
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { resnet18 } from './models/resnet18.js';
import { seededRandom } from '@reparam/core';
import { withSeededMathRandom } from './seeded-init.js';

describe('seeded initial weights', () => {
  it("withSeededMathRandom makes a built model's initial weights a function of the seed", async () => {
    await tf.setBackend('cpu');
    const weights = (seed: number): number[] => {
      const m = withSeededMathRandom(seed, () =>
        resnet18({ block: 'acb', width: 2, inputShape: [8, 8, 1], classes: 2 }),
      );
      const v = m.weights.flatMap((w) => Array.from(w.read().dataSync()));
      m.dispose();
      return v;
    };
    const a = weights(3);
    expect(weights(3)).toEqual(a);
    expect(weights(4)).not.toEqual(a);
  });

  it('puts Math.random back, also when the build throws', () => {
    const original = Math.random;
    expect(withSeededMathRandom(1, () => Math.random())).toBe(seededRandom(1)());
    expect(() =>
      withSeededMathRandom(1, () => {
        throw new Error('build failed');
      }),
    ).toThrow('build failed');
    expect(Math.random).toBe(original);
  });
});

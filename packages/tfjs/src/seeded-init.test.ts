import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { resnet18 } from './models/resnet18.js';
import { seededRandom, withSeededMathRandom } from './seeded-init.js';

describe('seeded initial weights', () => {
  it('seededRandom repeats for a seed, differs between seeds, stays in [0, 1)', () => {
    const a = Array.from({ length: 1000 }, seededRandom(7));
    expect(Array.from({ length: 1000 }, seededRandom(7))).toEqual(a);
    expect(Array.from({ length: 1000 }, seededRandom(8))).not.toEqual(a);
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

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

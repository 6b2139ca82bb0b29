import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { resnet18 } from '@reparam/tfjs';
import { deriveSeed, mulberry32, shuffleInPlace, withSeededMathRandom } from './random.js';

describe('seeded randomness', () => {
  it('mulberry32 repeats for a seed, differs between seeds, stays in [0, 1)', () => {
    const a = Array.from({ length: 1000 }, mulberry32(7));
    expect(Array.from({ length: 1000 }, mulberry32(7))).toEqual(a);
    expect(Array.from({ length: 1000 }, mulberry32(8))).not.toEqual(a);
    expect(a.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('shuffleInPlace is a permutation, the same for the same generator', () => {
    const p = shuffleInPlace(
      Uint32Array.from({ length: 50 }, (_, i) => i),
      mulberry32(1),
    );
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([
      ...shuffleInPlace(
        Uint32Array.from({ length: 50 }, (_, i) => i),
        mulberry32(1),
      ),
    ]).toEqual([...p]);
    expect(deriveSeed(1, 'data')).not.toBe(deriveSeed(1, 'init'));
    expect(deriveSeed(1, 'data')).not.toBe(deriveSeed(2, 'data'));
  });

  it('withSeededMathRandom makes tfjs initial weights a function of the seed, and restores Math.random', async () => {
    await tf.setBackend('cpu');
    const original = Math.random;
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
    expect(Math.random).toBe(original);
  });
});

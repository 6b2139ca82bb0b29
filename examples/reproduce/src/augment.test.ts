import { describe, expect, it } from 'vitest';
import { augmentBatch, plainBatch } from './augment.js';
import { PIXELS } from './data.js';

/** One image with a single pixel of 255 at (y, x). */
function dot(y: number, x: number): Uint8Array {
  const img = new Uint8Array(PIXELS);
  img[y * 28 + x] = 255;
  return img;
}

const where = (out: Float32Array): Array<[number, number]> =>
  [...out.keys()].filter((i) => out[i] !== 0).map((i) => [Math.floor(i / 28), i % 28]);

describe('augmentBatch', () => {
  it('without padding or flip copies the image / 255', () => {
    const out = new Float32Array(PIXELS);
    augmentBatch(dot(5, 10), [0], out, { pad: 0, flip: false }, () => 0.9);
    expect(where(out)).toEqual([[5, 10]]);
    expect(out[5 * 28 + 10]).toBe(1);
  });

  it('crops the padded image at the drawn offset and mirrors (hand-computed)', () => {
    // random() = 0 draws dy = dx = -pad and mirrors: out(y, x) = in(y - 2, 27 - x - 2).
    const out = new Float32Array(PIXELS);
    augmentBatch(dot(5, 10), [0], out, { pad: 2, flip: true }, () => 0);
    expect(where(out)).toEqual([[7, 15]]);
    // random() = 0.99 draws dy = dx = +2 and no mirror: out(y, x) = in(y + 2, x + 2).
    augmentBatch(dot(5, 10), [0], out, { pad: 2, flip: true }, () => 0.99);
    expect(where(out)).toEqual([[3, 8]]);
  });

  it('fills with zeros where the crop leaves the image, per batch slot', () => {
    const full = new Uint8Array(2 * PIXELS).fill(255);
    const out = new Float32Array(2 * PIXELS);
    augmentBatch(full, [1, 0], out, { pad: 2, flip: false }, () => 0);
    // Shifted down-right by 2: rows 0-1 and columns 0-1 are zero padding.
    for (const b of [0, 1]) {
      expect(out[b * PIXELS + 0]).toBe(0);
      expect(out[b * PIXELS + 1 * 28 + 27]).toBe(0);
      expect(out[b * PIXELS + 27 * 28 + 1]).toBe(0);
      expect(out[b * PIXELS + 2 * 28 + 2]).toBe(1);
    }
    const plain = new Float32Array(PIXELS);
    plainBatch(dot(1, 2), [0], plain);
    expect(where(plain)).toEqual([[1, 2]]);
  });
});

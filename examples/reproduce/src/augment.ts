import { PIXELS, SIDE } from './data.js';

/** Augmentation of training images (the same for every method). */
export interface Augmentation {
  /** Zero padding on each side before a random 28x28 crop (0: no crop). */
  pad: number;
  /** Mirror left-right with probability 1/2. */
  flip: boolean;
}

/**
 * Writes images `indices` of `images` (uint8) into `out` (NHWC, one channel, values / 255), each
 * randomly cropped from its zero-padded copy and randomly mirrored: out(y, x) = in(y + dy, x' + dx)
 * with dy, dx uniform in [-pad, pad], x' = 27 - x when mirrored, and 0 outside the image.
 */
export function augmentBatch(
  images: Uint8Array,
  indices: ArrayLike<number>,
  out: Float32Array,
  aug: Augmentation,
  random: () => number,
): void {
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b] * PIXELS;
    const dst = b * PIXELS;
    const dy = aug.pad > 0 ? Math.floor(random() * (2 * aug.pad + 1)) - aug.pad : 0;
    const dx = aug.pad > 0 ? Math.floor(random() * (2 * aug.pad + 1)) - aug.pad : 0;
    const mirror = aug.flip && random() < 0.5;
    for (let y = 0; y < SIDE; y++) {
      const sy = y + dy;
      for (let x = 0; x < SIDE; x++) {
        const sx = (mirror ? SIDE - 1 - x : x) + dx;
        out[dst + y * SIDE + x] =
          sy < 0 || sy >= SIDE || sx < 0 || sx >= SIDE ? 0 : images[src + sy * SIDE + sx] / 255;
      }
    }
  }
}

/** Copies images `indices` into `out` as floats / 255, unchanged (evaluation). */
export function plainBatch(
  images: Uint8Array,
  indices: ArrayLike<number>,
  out: Float32Array,
): void {
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b] * PIXELS;
    for (let p = 0; p < PIXELS; p++) out[b * PIXELS + p] = images[src + p] / 255;
  }
}

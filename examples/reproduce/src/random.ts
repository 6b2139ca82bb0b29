/**
 * Seeded randomness. Everything random in a run (data order, augmentation, initial weights) comes
 * from the run's seed, so a run can be repeated exactly, and RefConv's stage 1 can be retrained
 * when its checkpoint is missing. The generator is `@reparam/core`'s `seededRandom`, the
 * seeded model construction `@reparam/tfjs`'s `withSeededMathRandom`.
 */

/** A seed for one purpose of one run, so purposes do not share a stream. */
export function deriveSeed(seed: number, purpose: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** In-place Fisher-Yates shuffle with `random`. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(
  items: T,
  random: () => number,
): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

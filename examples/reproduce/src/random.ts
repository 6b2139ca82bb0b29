/**
 * Seeded randomness. Everything random in a run (data order, augmentation, initial weights) comes
 * from the run's seed, so a run can be repeated exactly, and RefConv's stage 1 can be retrained
 * when its checkpoint is missing.
 */

/** A uniform [0, 1) generator (mulberry32: 32-bit state, passes the usual statistical batteries). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

/**
 * Runs `build` with `Math.random` replaced by a seeded generator. tfjs's weight initializers take
 * their seed from `Math.random` when none is given, and the builders give none: this makes a
 * model's initial weights a function of `seed`.
 */
export function withSeededMathRandom<T>(seed: number, build: () => T): T {
  const original = Math.random;
  Math.random = mulberry32(seed);
  try {
    return build();
  } finally {
    Math.random = original;
  }
}

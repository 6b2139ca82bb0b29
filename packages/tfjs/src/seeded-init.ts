/**
 * Reproducible initial weights. tfjs's weight initializers draw their seed from `Math.random` when
 * none is given, and this package's layers and builders give none, so a model's initial weights
 * differ from run to run unless it is built under {@link withSeededMathRandom}.
 */

/** A uniform [0, 1) generator from a 32-bit seed (mulberry32: 32-bit state, small and fast). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs `build` (typically a model's construction) with `Math.random` replaced by
 * {@link seededRandom}`(seed)`, and puts the original back afterwards, also when `build` throws:
 * the model's initial weights become a function of `seed`. Not for async work: other code that
 * runs meanwhile would draw from the same stream.
 */
export function withSeededMathRandom<T>(seed: number, build: () => T): T {
  const original = Math.random;
  Math.random = seededRandom(seed);
  try {
    return build();
  } finally {
    Math.random = original;
  }
}

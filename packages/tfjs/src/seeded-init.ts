/**
 * Reproducible initial weights. tfjs's weight initializers draw their seed from `Math.random` when
 * none is given, and this package's layers and builders give none, so a model's initial weights
 * differ from run to run unless it is built under {@link withSeededMathRandom}.
 */
import { seededRandom } from '@reparam/core';

/**
 * Runs `build` (typically a model's construction) with `Math.random` replaced by core's
 * `seededRandom(seed)` and puts the original back afterwards, also when `build` throws: the
 * model's initial weights become a function of `seed`. Not for async work: other code that runs
 * meanwhile would draw from the same stream.
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

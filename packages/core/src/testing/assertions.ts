import { maxAbs, maxAbsDiff } from '../tensor.js';
import type { Tensor } from '../types.js';

/** Thrown by the assertions of `@reparam/core/testing`; any test runner reports it as a failure. */
export class ToleranceError extends Error {
  override readonly name = 'ToleranceError';
}

/**
 * Asserts `actual` equals `expected` within `relative * max|expected|`, with the same shape when
 * both are tensors. Framework-free: throws {@link ToleranceError}, so it works under vitest, jest,
 * node:test or mocha. The project's tolerances: 1e-10 for float64 results, 1e-5 for float32.
 */
export function expectClose(
  actual: Tensor | ArrayLike<number>,
  expected: Tensor | ArrayLike<number>,
  relative = 1e-10,
): void {
  const a = 'data' in actual ? actual.data : actual;
  const e = 'data' in expected ? expected.data : expected;
  if ('shape' in actual && 'shape' in expected) {
    if (actual.shape.join('x') !== expected.shape.join('x')) {
      throw new ToleranceError(
        `expectClose: shape ${actual.shape.join('x')} differs from the expected ${expected.shape.join('x')}`,
      );
    }
  }
  if (a.length !== e.length) {
    throw new ToleranceError(
      `expectClose: ${a.length} values differ in number from the expected ${e.length}`,
    );
  }
  const difference = maxAbsDiff(a, e) / Math.max(maxAbs(e), 1e-30);
  if (!(difference <= relative)) {
    throw new ToleranceError(
      `expectClose: max|actual - expected| / max|expected| = ${difference.toExponential(3)} exceeds ${relative}`,
    );
  }
}

/** Relative difference `max|a - b| / max|b|` (Infinity when the sizes differ). */
export function relativeDifference(a: Tensor, b: Tensor): number {
  if (a.data.length !== b.data.length) return Infinity;
  return maxAbsDiff(a.data, b.data) / Math.max(maxAbs(b.data), 1e-30);
}

import { expect } from 'vitest';
import { maxAbs, maxAbsDiff } from '../tensor.js';
import type { Tensor } from '../types.js';

/** Asserts `actual` equals `expected` within `relative * max|expected|` (and the same shape). */
export function expectClose(
  actual: Tensor | ArrayLike<number>,
  expected: Tensor | ArrayLike<number>,
  relative = 1e-10,
): void {
  const a = 'data' in actual ? actual.data : actual;
  const e = 'data' in expected ? expected.data : expected;
  if ('shape' in actual && 'shape' in expected) expect(actual.shape).toEqual(expected.shape);
  expect(a.length).toBe(e.length);
  const scale = Math.max(maxAbs(e), 1e-30);
  expect(maxAbsDiff(a, e) / scale).toBeLessThanOrEqual(relative);
}

/** Relative difference `max|a - b| / max|b|`. */
export function relativeDifference(a: Tensor, b: Tensor): number {
  if (a.data.length !== b.data.length) return Infinity;
  return maxAbsDiff(a.data, b.data) / Math.max(maxAbs(b.data), 1e-30);
}

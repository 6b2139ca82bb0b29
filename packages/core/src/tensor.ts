import { ShapeError } from './errors.js';
import { fmt } from './geometry.js';
import type { Tensor } from './types.js';

/** Builds an NCHW float64 {@link Tensor}; `data` defaults to zeros. */
export function tensor(
  shape: readonly [number, number, number, number],
  data?: ArrayLike<number>,
): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new ShapeError(`tensor: shape ${fmt(shape)} must be non-negative integers`);
  }
  if (data !== undefined && data.length !== size) {
    throw new ShapeError(
      `tensor: data has ${data.length} entries, shape ${fmt(shape)} needs ${size}`,
    );
  }
  return {
    shape: [...shape],
    data: data === undefined ? new Float64Array(size) : Float64Array.from(data),
  };
}

/**
 * A deterministic pseudo-random generator (mulberry32) returning numbers in [0, 1): reproducible
 * inputs for tests, benchmarks and verification.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A tensor of uniform values in [-1, 1) from `seed`. */
export function randomTensor(shape: readonly [number, number, number, number], seed = 1): Tensor {
  const t = tensor(shape);
  const next = seededRandom(seed);
  for (let i = 0; i < t.data.length; i++) t.data[i] = next() * 2 - 1;
  return t;
}

/** Largest absolute value of an array (0 for an empty one). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length)
    throw new ShapeError(`maxAbsDiff: lengths ${a.length} and ${b.length} differ`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

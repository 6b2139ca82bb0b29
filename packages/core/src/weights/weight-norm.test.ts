import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { seedArb, values } from '../testing/index.js';
import { orthogonalWeightNorm } from './orthogonal-weight-norm.js';
import { centeredWeightNorm, weightNorm } from './weight-norm.js';

const shapeArb = fc.record({
  o: fc.integer({ min: 1, max: 6 }),
  i: fc.integer({ min: 1, max: 4 }),
  k: fc.constantFrom(1, 3),
  seed: seedArb,
});
const row = (w: Float64Array, o: number, n: number) => Array.from(w.subarray(o * n, (o + 1) * n));
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('weight normalizations', () => {
  it('weightNorm: each output row has norm |g| and the direction of v', () => {
    fc.assert(
      fc.property(shapeArb, ({ o, i, k, seed }) => {
        const n = i * k * k;
        const v = values(o * n, seed);
        const g = values(o, seed + 1, 0.5, 2);
        const w = weightNorm(v, [o, i, k, k], g);
        for (let r = 0; r < o; r++) {
          expect(Math.sqrt(dot(row(w, r, n), row(w, r, n)))).toBeCloseTo(g[r], 12);
          const cos =
            dot(row(w, r, n), row(v, r, n)) / Math.sqrt(dot(row(v, r, n), row(v, r, n))) / g[r];
          expect(cos).toBeCloseTo(1, 12);
        }
      }),
      { seed: 121, numRuns: 50 },
    );
  });

  it('centeredWeightNorm: rows have mean 0 and norm |g|', () => {
    fc.assert(
      fc.property(
        shapeArb.filter((s) => s.i * s.k * s.k > 1),
        ({ o, i, k, seed }) => {
          const n = i * k * k;
          const g = values(o, seed + 1, 0.5, 2);
          const w = centeredWeightNorm(values(o * n, seed), [o, i, k, k], g);
          for (let r = 0; r < o; r++) {
            expect(row(w, r, n).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
            expect(Math.sqrt(dot(row(w, r, n), row(w, r, n)))).toBeCloseTo(g[r], 12);
          }
        },
      ),
      { seed: 122, numRuns: 50 },
    );
  });

  it('orthogonalWeightNorm: W W^T = I, rows centred, and W = P V with P symmetric positive definite', () => {
    fc.assert(
      fc.property(
        shapeArb.filter((s) => s.o < s.i * s.k * s.k),
        ({ o, i, k, seed }) => {
          const n = i * k * k;
          const v = values(o * n, seed);
          const w = orthogonalWeightNorm(v, [o, i, k, k]);
          for (let a = 0; a < o; a++) {
            expect(row(w, a, n).reduce((s, x) => s + x, 0)).toBeCloseTo(0, 10);
            for (let b = 0; b < o; b++)
              expect(dot(row(w, a, n), row(w, b, n))).toBeCloseTo(a === b ? 1 : 0, 10);
          }
          // W V_c^T = P V_c V_c^T is symmetric positive definite when P is: check symmetry and diagonal.
          const centred = (r: number) => {
            const x = row(v, r, n);
            const m = x.reduce((s, y) => s + y, 0) / n;
            return x.map((y) => y - m);
          };
          for (let a = 0; a < o; a++) {
            expect(dot(row(w, a, n), centred(a))).toBeGreaterThan(0);
            for (let b = 0; b < o; b++)
              expect(dot(row(w, a, n), centred(b))).toBeCloseTo(dot(row(w, b, n), centred(a)), 10);
          }
        },
      ),
      { seed: 123, numRuns: 40 },
    );
  });

  it('refuses more output channels than dimensions, and zero rows', () => {
    expect(() => orthogonalWeightNorm(values(5 * 4, 1), [5, 4, 1, 1])).toThrow(
      /cannot be orthonormal/,
    );
    // as many rows as dimensions: the centred rows span one fewer
    expect(() => orthogonalWeightNorm(values(4 * 4, 1), [4, 4, 1, 1])).toThrow(/span at most 3/);
    expect(() => weightNorm(new Float64Array(4), [1, 4, 1, 1], Float64Array.of(1))).toThrow(
      ShapeError,
    );
  });
});

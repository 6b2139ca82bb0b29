import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { expectClose, seedArb, values } from '../testing/index.js';
import { refocus } from './refocus.js';

/** W_t computed straight from the definition with explicit loops, independently of conv2dReference. */
function refocusByDefinition(
  base: Float64Array,
  shape: number[],
  groups: number,
  wr: Float64Array,
  m: number,
): Float64Array {
  const [o, ipg, k] = shape;
  const maps = o * ipg;
  const out = Float64Array.from(base);
  for (let t = 0; t < maps; t++) {
    // Map channel t belongs to refocus group floor(t / groups) and reads its `groups` base kernels.
    const first = Math.floor(t / groups) * groups;
    for (let r = 0; r < groups; r++) {
      for (let y = 0; y < k; y++)
        for (let x = 0; x < k; x++)
          for (let a = 0; a < m; a++)
            for (let b = 0; b < m; b++) {
              const yy = y + a - (m >> 1);
              const xx = x + b - (m >> 1);
              if (yy < 0 || yy >= k || xx < 0 || xx >= k) continue;
              out[t * k * k + y * k + x] +=
                wr[((t * groups + r) * m + a) * m + b] * base[(first + r) * k * k + yy * k + xx];
            }
    }
  }
  return out;
}

describe('refocus', () => {
  it('W_t = W_b + W_b * W_r for dense, grouped and depthwise base kernels', () => {
    const caseArb = fc
      .record({
        o: fc.integer({ min: 1, max: 4 }),
        groups: fc.constantFrom(1, 2, 4),
        k: fc.constantFrom(1, 3),
        m: fc.constantFrom(1, 3),
        seed: seedArb,
      })
      .map(({ o, groups, k, m, seed }) => ({
        o: o * groups,
        ipg: groups === 4 ? 1 : 2,
        groups,
        k,
        m,
        seed,
      }));
    fc.assert(
      fc.property(caseArb, ({ o, ipg, groups, k, m, seed }) => {
        const base = values(o * ipg * k * k, seed);
        const wr = values(o * ipg * groups * m * m, seed + 1);
        const shape = [o, ipg, k, k] as const;
        const got = refocus({ base, shape, groups, refocus: wr, mapKernelSize: m });
        expectClose(got, refocusByDefinition(base, [...shape], groups, wr, m), 1e-13);
      }),
      { seed: 111, numRuns: 60 },
    );
  });

  it('a zero refocusing kernel leaves the base kernel unchanged; a centred delta doubles it', () => {
    const base = values(2 * 3 * 9, 1);
    const zero = refocus({
      base,
      shape: [2, 3, 3, 3],
      groups: 1,
      refocus: new Float64Array(6 * 9),
      mapKernelSize: 3,
    });
    expect(Array.from(zero)).toEqual(Array.from(base));
    const delta = new Float64Array(6 * 9);
    for (let t = 0; t < 6; t++) delta[t * 9 + 4] = 1;
    const doubled = refocus({
      base,
      shape: [2, 3, 3, 3],
      groups: 1,
      refocus: delta,
      mapKernelSize: 3,
    });
    expectClose(
      doubled,
      base.map((v) => 2 * v),
      1e-15,
    );
  });

  it('refuses a refocusing kernel of the wrong size', () => {
    expect(() =>
      refocus({
        base: values(18, 1),
        shape: [2, 1, 3, 3],
        groups: 2,
        refocus: values(9, 2),
        mapKernelSize: 3,
      }),
    ).toThrow(ShapeError);
  });
});

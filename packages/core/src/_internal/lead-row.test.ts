import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { values } from '../testing/arbitraries.js';
import type { Conv, Geometry } from '../types.js';
import { writeWeight } from './dense.js';
import type { FillConv, WeightPart } from './fill-conv.js';

// writeWeight's lead-row path (a dense part written straight into the result, the few taps the
// other parts touch patched through the float64 buffer) must give the general path's values bit
// for bit, and refuse the same non-finite values with the same message.

interface Case {
  readonly c: FillConv;
  /** Where to plant a value the result's format cannot hold, if any: [part, index, value]. */
  readonly plant?: readonly [number, number, number];
}

const geometry = (k: number, groups: number, pad = k >> 1): Geometry => ({
  stride: [1, 1],
  padding: [pad, pad, pad, pad],
  dilation: [1, 1],
  groups,
});

function conv(
  shape: [number, number, number, number],
  g: Geometry,
  seed: number,
  f64: boolean,
): Conv {
  const n = shape[0] * shape[1] * shape[2] * shape[3];
  const v = values(n, seed);
  return {
    shape,
    geometry: g,
    weight: f64 ? v : Float32Array.from(v),
    bias: new Float64Array(shape[0]),
  };
}

/**
 * A KxK target whose parts are a dense lead in its layout (rowScale with zeros, float32 or
 * float64 weights), 1x1 parts at the centre (dense, grouped, depthwise like an identity), and
 * sometimes what sends rows back to the general path: a second dense part, a part over most
 * taps, parts covering only some rows (a concatenation), rows no part covers.
 */
const caseArb: fc.Arbitrary<Case> = fc
  .record({
    k: fc.constantFrom(1, 3, 5),
    cin: fc.integer({ min: 1, max: 6 }),
    rows: fc.integer({ min: 1, max: 7 }),
    groups: fc.constantFrom(1, 2),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
    leadF64: fc.boolean(),
    leadScale: fc.constantFrom('none', 'scale', 'zeros'),
    pointwise: fc.integer({ min: 0, max: 2 }),
    depthwise: fc.boolean(),
    second: fc.constantFrom('none', 'dense', 'wide', 'split', 'gap'),
    plant: fc.option(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(1e39, -1e39, Infinity, NaN))),
  })
  .map((r) => {
    const groups = r.cin % r.groups === 0 && r.rows % r.groups === 0 ? r.groups : 1;
    const ipg = r.cin / groups;
    const parts: WeightPart[] = [];
    let seed = r.seed;
    const next = (): number => seed++;
    const leadRows = r.second === 'split' ? Math.ceil(r.rows / 2) : r.rows;
    const leadOffset = r.second === 'gap' && r.rows > 1 ? 1 : 0;
    const lead = conv(
      [leadRows - leadOffset, ipg, r.k, r.k],
      geometry(r.k, groups),
      next(),
      r.leadF64,
    );
    const rowScale =
      r.leadScale === 'none'
        ? undefined
        : values(lead.shape[0], next()).map((s, o) =>
            r.leadScale === 'zeros' && o % 2 === 0 ? 0 : s,
          );
    parts.push({ conv: lead, rowScale, outOffset: leadOffset });
    for (let p = 0; p < r.pointwise; p++) {
      parts.push({
        conv: conv([r.rows, ipg, 1, 1], geometry(1, groups, 0), next(), p === 1),
        rowScale: p === 1 ? values(r.rows, next()) : undefined,
        outOffset: 0,
      });
    }
    if (r.depthwise && r.cin === r.rows) {
      parts.push({
        conv: conv([r.rows, 1, 1, 1], geometry(1, r.rows, 0), next(), true),
        outOffset: 0,
      });
    }
    if (r.second === 'dense') {
      parts.push({
        conv: conv([r.rows, ipg, r.k, r.k], geometry(r.k, groups), next(), true),
        outOffset: 0,
      });
    } else if (r.second === 'wide' && r.k > 1) {
      // (k-1)x(k-1) taps: more than half the target's, so those rows take the general path.
      const kk = r.k - 1;
      parts.push({
        conv: conv(
          [r.rows, ipg, kk, kk],
          { ...geometry(kk, groups), padding: [r.k >> 1, r.k >> 1, 0, 0] },
          next(),
          false,
        ),
        outOffset: 0,
      });
    } else if (r.second === 'split' && r.rows > leadRows) {
      parts.push({
        conv: conv([r.rows - leadRows, ipg, r.k, r.k], geometry(r.k, groups), next(), true),
        outOffset: leadRows,
      });
    }
    const c: FillConv = {
      shape: [r.rows, ipg, r.k, r.k],
      geometry: geometry(r.k, groups),
      bias: new Float64Array(r.rows),
      parts,
    };
    const plant =
      r.plant === null ? undefined : ([r.plant[0] % parts.length, r.plant[1], r.plant[2]] as const);
    return { c, plant };
  });

/** The case with the planted value written into a copy of its part's weight. */
function planted({ c, plant }: Case): FillConv {
  if (plant === undefined) return c;
  const [which, at, value] = plant;
  const parts = c.parts.map((p, i) => {
    if (i !== which) return p;
    // Same array type: a float32 weight holds the infinities, 1e39 rounds to one.
    const weight = p.conv.weight.slice();
    weight[at % weight.length] = value;
    return { ...p, conv: { ...p.conv, weight } };
  });
  return { ...c, parts };
}

function written(c: FillConv, out: Float32Array | Float64Array, finite: boolean, fast: boolean) {
  try {
    writeWeight(c, out, finite, fast);
    return { values: Array.from(out, (v) => (Object.is(v, -0) ? '-0' : String(v))) };
  } catch (e) {
    return { error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

describe('writeWeight lead rows', () => {
  it('match the general path bit for bit, and refuse the same values with the same message', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), fc.boolean(), (k, f32, finite) => {
        const c = planted(k);
        const size = c.shape[0] * c.shape[1] * c.shape[2] * c.shape[3];
        const make = () => (f32 ? new Float32Array(size) : new Float64Array(size));
        expect(written(c, make(), finite, true)).toEqual(written(c, make(), finite, false));
      }),
      { numRuns: 400 },
    );
  });

  it('take the lead-row path for a RepVGG-shaped row, and its values are the hand sums', () => {
    // 3x3 lead (scale 2) + 1x1 (scale 3) + identity-like depthwise: centre taps get all three.
    const lead = conv([2, 2, 3, 3], geometry(3, 1), 7, false);
    const point = conv([2, 2, 1, 1], geometry(1, 1, 0), 8, false);
    const id: Conv = {
      ...conv([2, 1, 1, 1], geometry(1, 2, 0), 9, true),
      weight: new Float64Array([5, -5]),
    };
    const c: FillConv = {
      shape: [2, 2, 3, 3],
      geometry: geometry(3, 1),
      bias: new Float64Array(2),
      parts: [
        { conv: point, rowScale: new Float64Array([3, 3]), outOffset: 0 },
        { conv: lead, rowScale: new Float64Array([2, 2]), outOffset: 0 },
        { conv: id, outOffset: 0 },
      ],
    };
    const out = new Float32Array(36);
    writeWeight(c, out, true);
    for (let o = 0; o < 2; o++)
      for (let i = 0; i < 2; i++)
        for (let t = 0; t < 9; t++) {
          const k = (o * 2 + i) * 9 + t;
          // In the order the general path adds them: the lead, then the others as given.
          let want = 2 * lead.weight[k];
          if (t === 4) want = want + 3 * point.weight[o * 2 + i] + (o === i ? id.weight[o] : 0);
          expect(out[k]).toBe(Math.fround(want));
        }
  });
});
